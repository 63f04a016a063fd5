// The CSP never makes TrueNAS refuse a call for load: at most TRUENAS_CALLS_PER_CONNECTION calls
// per WebSocket (the middleware executes 10 and refuses beyond 20 with -32000), and another
// connection, up to TRUENAS_CONNECTIONS, when the open ones are full.
import { describe, expect, it } from 'vitest';
import { MiB, startStack } from './stack.js';

describe('csp-truenas concurrency', () => {
  it('spreads calls over connections and never exceeds the calls per connection', async () => {
    const { sim, client } = await startStack({
      sim: { faults: { latencyMs: 20 } },
      args: ['--connections', '3', '--calls-per-connection', '2'],
    });
    sim.core.peaks.executing = 0;
    sim.core.peaks.inflight = 0;
    const volumes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.createVolume({ name: `conc-${i}`, size: 16 * MiB })),
    );
    expect(sim.core.peaks.inflight).toBeLessThanOrEqual(2);
    expect(sim.connectionCount).toBe(3);
    await Promise.all(volumes.map((v) => client.deleteVolume(v.id)));
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('by default spreads 130 concurrent calls over up to 13 connections, none refused for load', async () => {
    const { sim, client } = await startStack({ sim: { faults: { latencyMs: 300 } } });
    const volume = await client.createVolume({ name: 'conc', size: 16 * MiB });
    sim.core.peaks.inflight = 0;
    const reads = await Promise.all(Array.from({ length: 130 }, () => client.getVolume(volume.id)));
    expect(reads.every((v) => v.id === volume.id)).toBe(true);
    expect(sim.core.peaks.inflight).toBe(10);
    // How many calls overlap depends on how fast the requests arrive; more than the 2 connections
    // (20 calls) this CSP once used, never more than 13.
    expect(sim.connectionCount).toBeGreaterThan(2);
    expect(sim.connectionCount).toBeLessThanOrEqual(13);
    await client.deleteVolume(volume.id);
  });
});
