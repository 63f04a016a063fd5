// permessage-deflate on the simulator as on the middleware (aiohttp's compress=True, see
// src/truenas/server/deflate.ts): a client that offers it gets it and then every answer, however
// small, arrives deflated; a client that does not offer it gets plain frames; an offer aiohttp
// cannot use is ignored, never refused.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acceptDeflateOffer, deflateAnswer } from '../../src/truenas/server/deflate.js';
import { startSim } from './fixture.js';
import { rawUpgrade } from './upgrade.js';

const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'core.ping', params: [] });

async function open(url: string, perMessageDeflate: boolean): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return ws;
}

describe('truenas-sim permessage-deflate', () => {
  it('parses offers as aiohttp ws_ext_parse does', () => {
    expect(acceptDeflateOffer(undefined)).toBeUndefined();
    expect(acceptDeflateOffer('permessage-deflate; client_max_window_bits')).toEqual({
      windowBits: 15,
      noContextTakeover: false,
    });
    expect(
      acceptDeflateOffer(
        'permessage-deflate; server_max_window_bits=8, permessage-deflate; server_no_context_takeover',
      ),
    ).toEqual({
      windowBits: 15,
      noContextTakeover: true,
    });
    // Python's re keeps a group's capture from an earlier repetition.
    expect(acceptDeflateOffer('permessage-deflate; server_max_window_bits=10; server_max_window_bits')).toEqual({
      windowBits: 10,
      noContextTakeover: false,
    });
    expect(acceptDeflateOffer('permessage-deflate; foo')).toBeUndefined();
    expect(deflateAnswer({ windowBits: 10, noContextTakeover: true })).toBe(
      'permessage-deflate; server_max_window_bits=10; server_no_context_takeover',
    );
  });

  it('deflates every answer to a client that offers it, none to one that does not', async () => {
    const sim = await startSim();
    const offering = await open(sim.url(), true);
    const plain = await open(sim.url(), false);
    expect(offering.extensions).toBe('permessage-deflate');
    expect(plain.extensions).toBe('');
    expect(sim.connectionCount).toBe(2);
    expect(sim.deflateConnectionCount).toBe(1);
    const deflated = await rawUpgrade(sim.port, '/api/current', ['permessage-deflate; client_max_window_bits'], ping);
    expect(deflated).toEqual({ status: 101, extensions: 'permessage-deflate', compressedAnswer: true });
    const none = await rawUpgrade(sim.port, '/api/current', [], ping);
    expect(none).toEqual({ status: 101, compressedAnswer: false });
    offering.close();
    plain.close();
  });

  it('ignores offers it cannot use instead of refusing the upgrade (ws alone would answer 400)', async () => {
    const sim = await startSim();
    for (const offer of [
      'permessage-deflate; server_max_window_bits=16',
      'permessage-deflate; foo=bar',
      'permessage-deflate; ;',
    ]) {
      expect(await rawUpgrade(sim.port, '/api/current', [offer], ping)).toEqual({
        status: 101,
        compressedAnswer: false,
      });
    }
  });
});
