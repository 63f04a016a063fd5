// The driver's CSP client builds the TLS context for a CA bundle once, not per connection: given
// `ca`, tls.connect parses the bundle into a new context for every connection. With a bundle that
// is read again for each connection (--csp-ca-file), a new context is built only when it changed.
// Counted on tls.connect's own calls; the server closes every connection, so each request opens
// a new one. A `servername` reaches tls.connect (the name the certificate is checked against).
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CspHttp } from '../src/client/index.js';

/** Node's tls module object, whose functions tls.connect and https call (spied on below). */
const tls = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) {
    await cleanups.pop()?.();
  }
});

/** An https:// URL whose server closes every connection before the handshake. */
async function closingServer(): Promise<string> {
  const server: Server = createServer((socket) => socket.destroy());
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as { port: number }).port}/containers/v1`;
}

const [caA = '', caB = ''] = tls.rootCertificates;

async function connectTwice(http: CspHttp): Promise<void> {
  cleanups.push(() => http.close());
  for (let i = 0; i < 2; i++) {
    await expect(http.request({ operation: 'probe', method: 'GET', path: '/', idempotent: true })).rejects.toThrow(
      /connection to the CSP failed|request to the CSP failed/,
    );
  }
}

function spyTls() {
  const built = vi.spyOn(tls, 'createSecureContext');
  const connect = vi.spyOn(tls, 'connect');
  const contexts = () => connect.mock.calls.map((args: unknown[]) => (args[0] as ConnectionOptions).secureContext);
  return { built, contexts };
}

describe('CSP client TLS context', () => {
  it('builds the context of a fixed CA bundle once for all connections', async () => {
    const url = await closingServer();
    const http = new CspHttp({ baseUrl: url, retries: 0, tls: { ca: caA } });
    const { built, contexts } = spyTls();
    await connectTwice(http);
    expect(built).not.toHaveBeenCalled();
    const [first, second] = contexts();
    expect(first).toBeDefined();
    expect(second).toBe(first);
  });

  it('builds a new context for a re-read bundle only when it changed', async () => {
    const url = await closingServer();
    let bundle = caA;
    const http = new CspHttp({ baseUrl: url, retries: 0, tls: { ca: () => bundle } });
    const { built, contexts } = spyTls();
    await connectTwice(http);
    bundle = caB;
    await connectTwice(http);
    expect(built).not.toHaveBeenCalled();
    const [a1, a2, b1, b2] = contexts();
    expect(a1).toBeDefined();
    expect(a2).toBe(a1);
    expect(b1).not.toBe(a1);
    expect(b2).toBe(b1);
  });

  it('verifies the name `servername` gives, not the address the URL holds, with a fixed or a re-read bundle', async () => {
    const url = await closingServer();
    const connect = vi.spyOn(tls, 'connect');
    for (const ca of [caA, () => caA]) {
      await connectTwice(new CspHttp({ baseUrl: url, retries: 0, tls: { ca, servername: 'opencsp-csp-truenas' } }));
    }
    const names = connect.mock.calls.map((args: unknown[]) => (args[0] as ConnectionOptions).servername);
    expect(names).toEqual(Array(4).fill('opencsp-csp-truenas'));
  });
});
