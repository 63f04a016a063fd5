// Issue 12, item 6: every error the kit sends, framework-level included, is the contract's error
// body with the status that fits. Requests go over a real socket, byte for byte, because most of
// these never reach fastify's router (inject() cannot send malformed HTTP).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CspApp } from '../src/server/index.js';
import { contractErrorProblem, type RawTarget, rawHttp } from '../src/testing/index.js';
import { login, memoryApp } from './fixtures/app.js';

let csp: CspApp;
let target: RawTarget;
let token: string;

beforeAll(async () => {
  csp = await memoryApp();
  const url = new URL(await csp.app.listen({ host: '127.0.0.1', port: 0 }));
  target = { host: '127.0.0.1', port: Number(url.port) };
  token = await login(csp);
});
afterAll(() => csp.shutdown());

const api = '/containers/v1';
const json = (body: string, extra = '') =>
  `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

interface Case {
  name: string;
  request: () => string;
  status: number;
  field?: string;
}

const cases: Case[] = [
  { name: 'malformed request line', request: () => 'GARBAGE\r\n\r\n', status: 400 },
  { name: 'unknown method token', request: () => `FOO ${api}/volumes HTTP/1.1\r\nHost: x\r\n\r\n`, status: 400 },
  {
    name: 'bad content-length',
    request: () => `POST ${api}/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`,
    status: 400,
  },
  {
    name: 'bad chunk size',
    request: () =>
      `POST ${api}/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
    status: 400,
  },
  {
    name: 'oversized headers',
    request: () => `GET ${api}/volumes HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    status: 431,
  },
  { name: 'no Host header', request: () => `GET ${api}/volumes HTTP/1.1\r\n\r\n`, status: 400, field: 'header.host' },
  {
    name: 'bad percent-encoding',
    request: () => `GET ${api}/volumes/%zz HTTP/1.1\r\nHost: x\r\n\r\n`,
    status: 400,
    field: 'path',
  },
  {
    name: 'path parameter over 512 characters',
    request: () => `GET ${api}/volumes/${'a'.repeat(600)} HTTP/1.1\r\nHost: x\r\nx-auth-token: ${token}\r\n\r\n`,
    status: 414,
    field: 'path',
  },
  {
    name: 'malformed JSON',
    request: () => `POST ${api}/tokens HTTP/1.1\r\nHost: x\r\n${json('{bad}')}`,
    status: 400,
    field: 'body',
  },
  {
    name: 'empty JSON body',
    request: () => `POST ${api}/tokens HTTP/1.1\r\nHost: x\r\n${json('')}`,
    status: 400,
    field: 'body',
  },
  {
    name: 'a text/plain body',
    request: () => `POST ${api}/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi`,
    status: 415,
    field: 'header.content-type',
  },
  {
    name: 'a body over the limit',
    request: () =>
      `POST ${api}/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n{"a":"`,
    status: 413,
    field: 'body',
  },
  { name: 'unknown route', request: () => 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n', status: 404 },
  { name: 'known path, wrong method', request: () => `PATCH ${api}/volumes HTTP/1.1\r\nHost: x\r\n\r\n`, status: 405 },
];

describe('framework-level errors use the contract error body', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.status}`, async () => {
      const response = await rawHttp(target, c.request());
      expect(response, 'the CSP closed the connection without an answer').toBeDefined();
      expect(response?.status).toBe(c.status);
      expect(contractErrorProblem(c.status, response?.body ?? '')).toBeUndefined();
      expect(response?.headers['content-type']).toMatch(/^application\/json/);
      const [error] = JSON.parse(response?.body ?? '{}').errors;
      if (c.field) {
        expect(error.field).toBe(c.field);
      }
      if (c.status === 400) {
        expect(error.reason).toBe('INVALID_INPUT');
      }
    });
  }

  it('names the allowed methods of a known path', async () => {
    const response = await rawHttp(target, `DELETE ${api}/tokens HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(response?.status).toBe(405);
    expect(response?.headers.allow).toBe('POST');
  });

  it('never echoes what the client sent', async () => {
    const secret = 'hunter2-secret-in-a-bad-request';
    for (const request of [
      `POST ${api}/tokens HTTP/1.1\r\nHost: x\r\n${json(`{"password":"${secret}"`)}`,
      `GET ${api}/volumes/%zz${secret} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `${secret} / HTTP/1.1\r\n\r\n`,
    ]) {
      const response = await rawHttp(target, request);
      expect(response?.body).not.toContain(secret);
    }
  });

  it('answers requests during shutdown with 503 in the contract shape', async () => {
    const closing = await memoryApp();
    await closing.app.ready();
    const pending = closing.shutdown();
    const response = await closing.app.inject({ method: 'GET', url: `${api}/volumes` });
    await pending;
    expect(response.statusCode).toBe(503);
    expect(contractErrorProblem(503, response.body)).toBeUndefined();
  });
});
