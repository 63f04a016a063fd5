// Registers our CSI checks beyond csi-sanity against the driver in front of one backend fixture;
// the backend's leak audit is the suite's final check.
import { type BackendFixture, startDriverFixture, testNodeId } from '@opencsp/testbed/harness';
import { controllerSanity } from '@opencsp/testbed/sanity';

export function sanityAgainst(title: string, startBackend: () => Promise<BackendFixture>): void {
  controllerSanity(title, async () => {
    const backend = await startBackend();
    const driver = await startDriverFixture({ defaultSecret: backend.secrets }).catch(async (err: unknown) => {
      await backend.stop();
      throw err;
    });
    return {
      client: driver.client,
      secrets: backend.secrets,
      parameters: backend.parameters,
      nodeId: testNodeId('sanity-node'),
      audit: () => backend.audit(),
      async stop() {
        await driver.stop();
        await backend.stop();
      },
    };
  });
}
