// The CSP does not offer permessage-deflate. The simulator negotiates as the middleware's aiohttp
// does (accepts any usable offer, then deflates every answer), so a connection without it here is
// one the CSP opened without offering it, and answers a real array sends it arrive uncompressed.
import { describe, expect, it } from 'vitest';
import { MiB, startStack } from './stack.js';

describe('csp-truenas WebSocket extensions', () => {
  it('opens its array connections without permessage-deflate', async () => {
    const { sim, client } = await startStack();
    const volume = await client.createVolume({ name: 'plain-frames', size: 16 * MiB });
    expect(sim.connectionCount).toBeGreaterThan(0);
    expect(sim.deflateConnectionCount).toBe(0);
    await client.deleteVolume(volume.id);
  });
});
