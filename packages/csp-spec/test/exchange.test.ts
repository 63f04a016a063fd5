// exchange(): the request-and-answer step the CSP client and csp-synology's DSM transport share.
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange } from '../src/client/exchange.js';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

/** A loopback server on a free port: `slowBody` answers headers at once and never ends the body. */
async function serve(slowBody: boolean): Promise<number> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(201, { 'x-echo': req.headers['x-echo'] ?? '' });
      res.write(`got ${Buffer.concat(chunks).toString('utf8')}`);
      if (!slowBody) {
        res.end(' (end)');
      }
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

class Late extends Error {}

describe('exchange', () => {
  it('sends the body and returns status, headers and the whole answer text', async () => {
    const port = await serve(false);
    const seen: string[] = [];
    const answer = await exchange({
      send: request,
      request: { hostname: '127.0.0.1', port, method: 'POST', path: '/x', headers: { 'x-echo': 'yes' } },
      body: 'hello',
      timeoutMs: 10_000,
      deadline: () => new Late(),
      sent: (req) => seen.push(req.method),
    });
    expect(answer).toMatchObject({ status: 201, text: 'got hello (end)' });
    expect(answer.headers['x-echo']).toBe('yes');
    expect(seen).toEqual(['POST']);
  });

  it('fails with the deadline error when the answer body does not end in time', async () => {
    const port = await serve(true);
    const late = exchange({
      send: request,
      request: { hostname: '127.0.0.1', port, method: 'POST', path: '/x' },
      body: 'hello',
      timeoutMs: 200,
      deadline: () => new Late('deadline passed'),
    });
    await expect(late).rejects.toBeInstanceOf(Late);
  });

  it('passes connection errors through', async () => {
    const port = await serve(false);
    const server = servers.pop() as Server;
    server.close();
    await once(server, 'close');
    const refused = exchange({
      send: request,
      request: { hostname: '127.0.0.1', port, method: 'GET', path: '/' },
      timeoutMs: 10_000,
      deadline: () => new Late(),
    });
    await expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
