// The sanity suite against the driver and csp-truenas in front of the TrueNAS simulator, with the
// simulator's leak audit (datasets, snapshots, targets, extents, mappings, initiator groups) as
// the final check.
import { startDriverFixture, testNodeId, truenasBackend } from '@opencsp/testbed/harness';
import { controllerSanity } from '@opencsp/testbed/sanity';

controllerSanity('driver + csp-truenas + TrueNAS simulator', async () => {
  const backend = await truenasBackend();
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
