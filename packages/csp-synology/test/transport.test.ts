// The DSM transport's connection pool: a burst of requests uses at most `connections` connections
// to DSM and keeps them (Node's agent alone opened one per request while connections were being
// set up, then closed the surplus), and time spent waiting for a free connection counts against a
// request's deadline; every HTTPS connection shares the trust's one TLS context. A local HTTP
// server plays DSM; asserted by counts, never time.
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { ArrayTrust } from '@opencsp/csp-spec/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DsmTransport } from '../src/dsm/transport.js';

/** Node's tls module object, whose createSecureContext tls.connect calls (spied on below). */
const tls = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');

interface FakeDsm {
  server: Server;
  url: string;
  connections: number;
  inFlight: number;
  peak: number;
  requests: number;
  /** The Accept-Encoding of each request (undefined: none sent). */
  acceptEncodings: Array<string | undefined>;
  /** Answers held back until released (when `hold` is set). */
  held: Array<() => void>;
  hold: boolean;
}

async function fakeDsm(): Promise<FakeDsm> {
  const dsm = {
    connections: 0,
    inFlight: 0,
    peak: 0,
    requests: 0,
    acceptEncodings: [],
    held: [],
    hold: false,
  } as unknown as FakeDsm;
  dsm.server = createServer((req, res) => {
    dsm.requests++;
    dsm.acceptEncodings.push(req.headers['accept-encoding']);
    dsm.inFlight++;
    dsm.peak = Math.max(dsm.peak, dsm.inFlight);
    const answer = () => {
      dsm.inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true,"data":{}}');
    };
    req.resume();
    req.on('end', () => (dsm.hold ? dsm.held.push(answer) : setImmediate(answer)));
  });
  dsm.server.on('connection', () => dsm.connections++);
  await new Promise<void>((resolve) => dsm.server.listen(0, '127.0.0.1', resolve));
  dsm.url = `http://127.0.0.1:${(dsm.server.address() as AddressInfo).port}`;
  return dsm;
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const step of cleanup.reverse()) {
    await step();
  }
  cleanup = [];
});

async function setUp(connections: number, timeoutMs = 10_000) {
  const dsm = await fakeDsm();
  const transport = new DsmTransport({ baseUrl: dsm.url, trust: new ArrayTrust(undefined), timeoutMs, connections });
  cleanup.push(async () => {
    await transport.close();
    dsm.server.closeAllConnections();
    await new Promise((resolve) => dsm.server.close(resolve));
  });
  const post = () => transport.post('entry.cgi', [['api', 'SYNO.API.Info']]);
  return { dsm, post };
}

describe('DSM transport connections', () => {
  it('holds a burst to `connections` requests and connections, and reuses them for the next burst', async () => {
    const { dsm, post } = await setUp(4);
    for (const burst of [1, 2, 3]) {
      const answers = await Promise.all(Array.from({ length: 50 }, post));
      expect(answers.every((a) => a.success)).toBe(true);
      expect(dsm.peak, `burst ${burst}`).toBeLessThanOrEqual(4);
    }
    expect(dsm.peak).toBe(4);
    expect(dsm.connections).toBe(4);
  });

  // An HTTP server compresses an answer only for a client that sends Accept-Encoding (node:http
  // sends none; fetch would), and the CSP then spends no CPU inflating (docs/truenas.md, "WebSocket
  // compression", "And csp-synology").
  it('asks for no compressed answers (no Accept-Encoding), so none has to be inflated', async () => {
    const { dsm, post } = await setUp(2);
    await post();
    expect(dsm.acceptEncodings).toEqual([undefined]);
  });

  it('counts the wait for a connection against the deadline: requests that ran out of time waiting are not sent', async () => {
    const { dsm, post } = await setUp(1, 50);
    dsm.hold = true;
    const results = await Promise.allSettled(Array.from({ length: 4 }, post));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const r of results) {
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/no answer within 50 ms/);
    }
    // The first is sent and times out unanswered; the second may get the connection with a moment
    // left; the others ran out of time while they waited and never reached DSM.
    expect(dsm.requests).toBeGreaterThanOrEqual(1);
    expect(dsm.requests).toBeLessThanOrEqual(2);
    for (const answer of dsm.held) {
      answer();
    }
  });
});

describe('DSM transport TLS', () => {
  it('opens every connection with the TLS context of the CA file, built once', async () => {
    // A NAS that closes every connection before the handshake: each request opens a new one.
    let connections = 0;
    const nas = createTcpServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => nas.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => nas.close(() => resolve())));
    const transport = new DsmTransport({
      baseUrl: `https://127.0.0.1:${(nas.address() as AddressInfo).port}`,
      trust: new ArrayTrust(tls.rootCertificates[0]),
      timeoutMs: 10_000,
    });
    cleanup.push(() => transport.close());
    // tls.connect builds a context of its own (parsing the CA file) when it is given none.
    const built = vi.spyOn(tls, 'createSecureContext');
    for (let i = 0; i < 3; i++) {
      await expect(transport.post('entry.cgi', [['api', 'SYNO.API.Info']])).rejects.toThrow(/unreachable/);
    }
    expect(connections).toBe(3);
    expect(built).not.toHaveBeenCalled();
  });
});
