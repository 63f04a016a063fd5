// The sanity suite against the driver and the reference CSP (contract kit + memory provider)
// over real HTTP; the TrueNAS and Synology fixtures register the same suite (truenas.test.ts,
// synology.test.ts).
import { memoryBackend, startDriverFixture, testNodeId } from '@opencsp/testbed/harness';
import { controllerSanity } from '@opencsp/testbed/sanity';

controllerSanity('driver + memory CSP', async () => {
  const backend = await memoryBackend();
  const driver = await startDriverFixture({ defaultSecret: backend.secrets }).catch(async (err: unknown) => {
    await backend.stop();
    throw err;
  });
  return {
    client: driver.client,
    secrets: backend.secrets,
    parameters: { tier: 'silver' },
    nodeId: testNodeId('sanity-node'),
    audit: () => backend.audit(),
    async stop() {
      await driver.stop();
      await backend.stop();
    },
  };
});
