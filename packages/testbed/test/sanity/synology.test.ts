// The sanity suite against the driver and csp-synology in front of the DSM simulator (over HTTPS),
// with the simulator's leak audit (LUNs, snapshots, targets, host objects, backing files), open
// portal sessions and the CSP's host registrations as the final check.
import { startDriverFixture, synologyBackend, testNodeId } from '@opencsp/testbed/harness';
import { controllerSanity } from '@opencsp/testbed/sanity';

controllerSanity('driver + csp-synology + DSM simulator', async () => {
  const backend = await synologyBackend();
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
