// The CSP keeps at most SYNOLOGY_CONNECTIONS requests in flight per DSM session (DSM runs SAN
// work one request at a time; more would only queue there), yet lets them all overlap.
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.js';

const GiB = 1024 ** 3;
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('csp-synology concurrency', () => {
  it('sends at most SYNOLOGY_CONNECTIONS requests to DSM at once, and uses all of them', async () => {
    stack = await startStack({ csp: { connections: 3 }, sim: { faults: { latencyMs: 30 } } });
    const { client, sim } = stack;
    sim.concurrency.peak = 0;
    const volumes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.createVolume({ name: `conc-${i}`, size: GiB })),
    );
    expect(sim.concurrency.peak).toBe(3);
    await Promise.all(volumes.map((v) => client.deleteVolume(v.id)));
    expect((await sim.audit()).leaks).toEqual([]);
  });
});
