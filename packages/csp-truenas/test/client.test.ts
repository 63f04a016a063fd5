import { ArrayTrust } from '@opencsp/csp-spec/server';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TrueNasClient } from '../src/truenas/client.js';
import { RpcConnection } from '../src/truenas/connection.js';
import { CallTimeout, ConnectionLost, LoginRefused, RpcFailure } from '../src/truenas/errors.js';
import { fakeArray, loggedIn, ok } from './fake-array.js';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connection(url: string, overrides: { callTimeoutMs?: number; maxInFlight?: number } = {}) {
  return RpcConnection.open({
    url,
    trust: new ArrayTrust(undefined),
    connectTimeoutMs: 2000,
    callTimeoutMs: overrides.callTimeoutMs ?? 2000,
    maxInFlight: overrides.maxInFlight ?? 10,
  });
}

function client(url: string, secret = 'password', extra: Partial<Parameters<typeof TrueNasClient.connect>[0]> = {}) {
  return TrueNasClient.connect({
    url,
    trust: new ArrayTrust(undefined),
    connectTimeoutMs: 2000,
    callTimeoutMs: 2000,
    maxInFlight: 10,
    connections: 1,
    credentials: { username: 'admin', secret },
    logger: silent,
    retryDelayMs: 5,
    jobPollMs: 5,
    ...extra,
  });
}

describe('RpcConnection', () => {
  it('matches answers to requests, times calls out and ignores late answers', async () => {
    // The slow call is answered only after it has timed out (no race with the clock), and the
    // timeout is long enough that the other calls never meet it on a busy machine.
    let releaseSlow = () => {};
    const slowReleased = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const array = await fakeArray(async (method) => {
      if (method === 'slow') {
        await slowReleased;
        return ok('late');
      }
      if (method === 'fail') {
        return {
          error: {
            code: -32001,
            message: 'Method call error',
            data: { error: 2, errname: 'ENOENT', reason: '[ENOENT] gone', extra: null },
          },
        };
      }
      return ok(method);
    });
    const conn = await connection(array.url, { callTimeoutMs: 1000 });
    const [a, b] = await Promise.all([conn.call('a'), conn.call('b')]);
    expect([a, b]).toEqual(['a', 'b']);
    const ids = array.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    await expect(conn.call('slow')).rejects.toBeInstanceOf(CallTimeout);
    releaseSlow();
    const failure = (await conn.call('fail').catch((e: unknown) => e)) as RpcFailure;
    expect(failure).toBeInstanceOf(RpcFailure);
    expect(failure).toMatchObject({ code: -32001, errno: 2, errname: 'ENOENT', reason: '[ENOENT] gone' });
    await sleep(150);
    expect(await conn.call('c')).toBe('c');
    conn.close();
  });

  it('keeps at most maxInFlight calls outstanding', async () => {
    const array = await fakeArray(async () => {
      await sleep(20);
      return ok(true);
    });
    const conn = await connection(array.url, { maxInFlight: 10 });
    await Promise.all(Array.from({ length: 25 }, () => conn.call('x')));
    expect(array.maxOutstanding).toBe(10);
    conn.close();
  });

  it('fails sent calls and queued calls differently when the connection drops', async () => {
    const array = await fakeArray(async (method) => (method === 'drop' ? { drop: true } : { silent: true }));
    const conn = await connection(array.url, { maxInFlight: 1 });
    const first = conn.call('drop').catch((e: unknown) => e);
    const queued = conn.call('never').catch((e: unknown) => e);
    expect(await first).toMatchObject({ sent: true });
    expect(await queued).toMatchObject({ sent: false });
    expect(await queued).toBeInstanceOf(ConnectionLost);
    await expect(conn.call('after')).rejects.toMatchObject({ sent: false });
  });
});

describe('TrueNasClient', () => {
  it('logs in with a password, falls back to auth.login, and maps refusals', async () => {
    const array = await fakeArray((method, params) => {
      if (method === 'auth.login_ex') {
        return { error: { code: -32601, message: 'Method does not exist' } };
      }
      if (method === 'auth.login') {
        return ok(params[1] === 'password');
      }
      return ok('pong');
    });
    const c = await client(array.url);
    expect(await c.call('core.ping')).toBe('pong');
    await c.close();
    await expect(client(array.url, 'wrong')).rejects.toMatchObject({ kind: 'credentials' });
  });

  it('reports expired keys and refuses API keys over ws:// without sending them', async () => {
    const array = await fakeArray((method) =>
      method === 'auth.login_ex' ? ok({ response_type: 'EXPIRED' }) : ok(null),
    );
    await expect(client(array.url, 'password')).rejects.toMatchObject({ kind: 'expired' });
    const before = array.received.length;
    const key = `3-${'k'.repeat(64)}`;
    const refused = (await client(array.url, key).catch((e: unknown) => e)) as LoginRefused;
    expect(refused).toBeInstanceOf(LoginRefused);
    expect(refused.kind).toBe('insecure');
    expect(array.received.slice(before).map((r) => r.method)).toEqual([]);
    expect(JSON.stringify(array.received)).not.toContain(key);
  });

  it('retries calls refused for load, and logs in again when the array forgot the session', async () => {
    let busy = 2;
    let forgotten = true;
    const array = await fakeArray(
      loggedIn((method) => {
        if (method === 'load' && busy-- > 0) {
          return { error: { code: -32000, message: 'Maximum number of concurrent calls (20) has exceeded' } };
        }
        if (method === 'session' && forgotten) {
          forgotten = false;
          return {
            error: {
              code: -32001,
              message: 'Method call error',
              data: { error: 207, errname: 'ENOTAUTHENTICATED', reason: 'x' },
            },
          };
        }
        return ok(method);
      }),
    );
    const c = await client(array.url);
    expect(await c.call('load')).toBe('load');
    expect(await c.call('session')).toBe('session');
    expect(array.connections).toBe(2);
    expect(array.received.filter((r) => r.method === 'auth.login_ex')).toHaveLength(2);
    await c.close();
  });

  it('ends a call waiting to retry when the client is closed meanwhile', async () => {
    // discoverArray runs calls side by side and closes the client when one fails; a sibling
    // sleeping before its retry found no connection and spun in microtasks, starving the process.
    let refused = 0;
    const array = await fakeArray(
      loggedIn((method) => {
        if (method === 'load') {
          refused += 1;
          return { error: { code: -32000, message: 'Maximum number of concurrent calls (20) has exceeded' } };
        }
        return ok(method);
      }),
    );
    const c = await client(array.url, 'password', { retryDelayMs: 50 });
    const call = c.call('load', [], { idempotent: true }).catch((e: unknown) => e);
    while (refused === 0) {
      await sleep(5);
    }
    await c.close();
    expect(await call).toBeInstanceOf(ConnectionLost);
    expect(refused).toBe(1);
  });

  it('retries reads but not writes after the connection broke mid-call', async () => {
    let drops = 2;
    const array = await fakeArray(loggedIn((method) => (drops-- > 0 ? { drop: true } : ok(method))));
    const c = await client(array.url);
    expect(await c.call('pool.dataset.query', [], { idempotent: true })).toBe('pool.dataset.query');
    drops = 1;
    await expect(c.call('pool.dataset.create')).rejects.toMatchObject({ sent: true });
    await c.close();
  });

  it('follows jobs through core.get_jobs when the array keeps legacy jobs', async () => {
    let polls = 0;
    const array = await fakeArray((method, params) => {
      switch (method) {
        case 'auth.login_ex':
          return ok({ response_type: 'SUCCESS' });
        case 'core.set_options':
          return { error: { code: -32601, message: 'Method does not exist' } };
        case 'long.job':
          return ok(42);
        case 'core.get_jobs': {
          const id = ((params[0] as unknown[][])[0] as unknown[])[2];
          if (id === 43) {
            return ok([{ id, state: 'FAILED', error: '[ENOENT] gone', exc_info: { errno: 2, extra: null } }]);
          }
          polls += 1;
          return ok([{ id: 42, state: polls < 3 ? 'RUNNING' : 'SUCCESS', result: { done: true } }]);
        }
        case 'bad.job':
          return ok(43);
        default:
          return ok(null);
      }
    });
    const c = await client(array.url);
    expect(await c.job('long.job')).toEqual({ done: true });
    expect(polls).toBe(3);
    const failed = (await c.job('bad.job').catch((e: unknown) => e)) as RpcFailure;
    expect(failed).toBeInstanceOf(RpcFailure);
    expect(failed).toMatchObject({ errno: 2, reason: '[ENOENT] gone' });
    await c.close();
  });
});
