// The simulator's permessage-deflate negotiation against the real one: aiohttp's
// WebSocketResponse() (Debian's python3-aiohttp, which `npm run setup` installs; the middleware
// answers every WebSocket upgrade with it) and the simulator get the same upgrade requests and must
// give the same status, the same Sec-WebSocket-Extensions answer, and compress (or not) the same
// small answer frame.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from './fixture.js';
import { rawUpgrade } from './upgrade.js';

const python = '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import aiohttp; print(aiohttp.__version__)'], { encoding: 'utf8' });
const aiohttpVersion = probe.status === 0 ? probe.stdout.trim() : undefined;
if (!aiohttpVersion && process.env.CI) {
  throw new Error(`the aiohttp comparison cannot run in CI: ${python} cannot import aiohttp (npm run setup)`);
}

/** Sec-WebSocket-Extensions lines of each upgrade: what clients send, and what aiohttp skips. */
const offers: string[][] = [
  [],
  ['permessage-deflate; client_max_window_bits'], // ws (Node) and browsers by default
  ['permessage-deflate'],
  ['permessage-deflate; server_max_window_bits=10'],
  ['permessage-deflate; server_max_window_bits'],
  ['permessage-deflate;server_no_context_takeover; client_no_context_takeover'],
  ['permessage-deflate; server_max_window_bits=10; client_max_window_bits'],
  ['permessage-deflate; server_max_window_bits=10; server_max_window_bits'],
  ['permessage-deflate; client_max_window_bits=9'],
  ['permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=12'],
  ['permessage-deflate; server_max_window_bits=16'],
  ['permessage-deflate; foo=bar', 'permessage-deflate'],
  ['permessage-deflate; foo=bar, permessage-deflate; server_no_context_takeover'],
  ['x-webkit-deflate-frame'],
  ['permessage-deflate; server_max_window_bits=16', 'permessage-deflate'],
  ['foo, permessage-deflate'],
];

const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'core.ping', params: [] });

describe.skipIf(aiohttpVersion === undefined)(`permessage-deflate as aiohttp ${aiohttpVersion} negotiates it`, () => {
  let server: ChildProcess | undefined;
  let aiohttpPort = 0;

  beforeAll(async () => {
    const script = fileURLToPath(new URL('./aiohttp/ws_server.py', import.meta.url));
    const child = spawn(python, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    server = child;
    const lines = createInterface({ input: child.stdout });
    aiohttpPort = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`aiohttp server exited (${code})`)));
      lines.once('line', (line) => resolve(Number(line)));
    });
  });

  afterAll(() => {
    server?.kill();
  });

  it.each(offers.map((lines) => [lines.join(' | ') || '(none)', lines]))('offer %s', async (_name, lines) => {
    const sim = await startSim();
    const real = await rawUpgrade(aiohttpPort, '/api/current', lines as string[], ping);
    const simulated = await rawUpgrade(sim.port, '/api/current', lines as string[], ping);
    expect(real.status).toBe(101);
    expect(simulated).toEqual(real);
  });
});
