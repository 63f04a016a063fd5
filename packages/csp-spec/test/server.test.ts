import { afterEach, describe, expect, it } from 'vitest';
import type { CspApp } from '../src/server/index.js';
import { buildCspApp, CspProblem } from '../src/server/index.js';
import { MemoryProvider, MemorySession } from '../src/testing/index.js';
import { login, memoryApp, silent } from './fixtures/app.js';

let csp: CspApp | undefined;
afterEach(async () => {
  await csp?.shutdown();
  csp = undefined;
});

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token?: string, payload?: unknown) {
  const headers: Record<string, string> = token ? { 'x-auth-token': token } : {};
  const response = await (csp as CspApp).app.inject({
    method,
    url: `/containers/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, body: response.body ? response.json() : undefined, headers: response.headers };
}

describe('tokens', () => {
  it('issues an opaque token, never echoes the password, and revokes it', async () => {
    csp = await memoryApp();
    const response = await call('POST', '/tokens', undefined, { username: 'admin', password: 'secret-password' });
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).not.toContain('secret-password');
    expect(response.body.session_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.body.expiry_time).toBeGreaterThan(response.body.creation_time);
    const token = response.body.session_token;
    expect((await call('GET', '/hosts', token)).status).toBe(200);
    expect((await call('DELETE', `/tokens/${response.body.id}`, token)).status).toBe(204);
    expect((await call('GET', '/hosts', token)).status).toBe(401);
  });

  it('answers a rate-limited login with 429, Retry-After and the contract error body', async () => {
    const provider = new MemoryProvider();
    provider.openSession = async () => {
      throw new CspProblem('RATE_LIMITED', 'too many failed logins; retry in 90 s', { retryAfterSeconds: 90 });
    };
    csp = await memoryApp(provider);
    const limited = await call('POST', '/tokens', undefined, { username: 'admin', password: 'nope' });
    expect(limited).toMatchObject({
      status: 429,
      body: { errors: [{ code: 'Too Many Requests', reason: 'RATE_LIMITED', message: expect.stringMatching(/90 s/) }] },
      headers: { 'retry-after': '90' },
    });
  });

  it('answers 401 for wrong credentials and for missing or unknown tokens', async () => {
    csp = await memoryApp();
    const bad = await call('POST', '/tokens', undefined, { username: 'admin', password: 'nope' });
    expect(bad).toMatchObject({ status: 401, body: { errors: [{ code: 'Unauthorized', reason: 'UNAUTHENTICATED' }] } });
    expect((await call('GET', '/volumes')).status).toBe(401);
    expect((await call('GET', '/volumes', 'not-a-token')).body.errors[0].code).toBe('Unauthorized');
  });

  it('checks authentication before the body, so a bad body without a token is 401', async () => {
    csp = await memoryApp();
    expect((await call('POST', '/volumes', undefined, { size: -1 })).status).toBe(401);
  });

  it('refuses a token presented for another array', async () => {
    csp = await memoryApp();
    const token = await login(csp, { array_ip: '10.0.0.1' });
    const ok = await csp.app.inject({
      method: 'GET',
      url: '/containers/v1/hosts',
      headers: { 'x-auth-token': token, 'x-array-ip': '10.0.0.1' },
    });
    expect(ok.statusCode).toBe(200);
    const other = await csp.app.inject({
      method: 'GET',
      url: '/containers/v1/hosts',
      headers: { 'x-auth-token': token, 'x-array-ip': '10.0.0.2' },
    });
    expect(other.statusCode).toBe(401);
  });

  it('expires idle tokens and closes their array session', async () => {
    const provider = new MemoryProvider();
    csp = await memoryApp(provider, { tokenIdleTtlMs: 1 });
    const token = await login(csp);
    expect(provider.array.openSessions).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    expect((await call('GET', '/hosts', token)).status).toBe(401);
    expect(provider.array.openSessions).toBe(0);
  });
});

describe('request validation', () => {
  it('names the offending field and changes nothing', async () => {
    csp = await memoryApp();
    const token = await login(csp);
    const cases: Array<[unknown, string]> = [
      [{ name: 'a', size: -5 }, 'body.size'],
      [{ name: 'a', size: '10' }, 'body.size'],
      [{ size: 10 }, 'body.name'],
      [{ name: 'bad\u0007name', size: 10 }, 'body.name'],
      [{ name: 'a', size: 10, sise: 1 }, 'body.sise'],
      [{ name: 'a', size: 10, config: { k: { nested: true } } }, 'body.config.k'],
      [{ name: 'a' }, 'body.size'],
    ];
    for (const [payload, field] of cases) {
      const response = await call('POST', '/volumes', token, payload);
      expect(response.status, JSON.stringify(payload)).toBe(400);
      expect(response.body.errors[0]).toMatchObject({ code: 'Bad Request', reason: 'INVALID_INPUT', field });
      expect(response.body.errors[0].message).toContain(field);
    }
    expect((await call('GET', '/volumes', token)).body).toEqual([]);
  });

  it('refuses volume names outside ObjectName for a provider that does not claim any_volume_name', async () => {
    class StrictNames extends MemoryProvider {
      override async openSession(...args: Parameters<MemoryProvider['openSession']>) {
        const session = await super.openSession(...args);
        const capabilities = session.capabilities.bind(session);
        session.capabilities = async () => {
          const answer = await capabilities();
          return { ...answer, features: { ...answer.features, any_volume_name: false } };
        };
        return session;
      }
    }
    csp = await memoryApp(new StrictNames());
    const token = await login(csp);
    const odd = await call('POST', '/volumes', token, { name: 'odd name+1', size: 10 });
    expect(odd).toMatchObject({ status: 400, body: { errors: [{ field: 'body.name' }] } });
    expect(odd.body.errors[0].message).toMatch(/does not claim any_volume_name/);
    expect((await call('GET', `/volumes?name=${encodeURIComponent('odd name+1')}`, token)).status).toBe(400);
    expect((await call('POST', '/volumes', token, { name: 'plain-1', size: 10 })).status).toBe(200);
    expect((await call('GET', '/volumes', token)).body.map((v: { name: string }) => v.name)).toEqual(['plain-1']);
    await csp.shutdown();
    csp = await memoryApp();
    const claimed = await call('POST', '/volumes', await login(csp), { name: 'odd name+1', size: 10 });
    expect(claimed).toMatchObject({ status: 200, body: { name: 'odd name+1' } });
  });

  it('rejects malformed JSON and bad ids with 400', async () => {
    csp = await memoryApp();
    const token = await login(csp);
    const response = await csp.app.inject({
      method: 'POST',
      url: '/containers/v1/volumes',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].code).toBe('Bad Request');
    expect((await call('GET', `/volumes/${encodeURIComponent('bad id!')}`, token)).status).toBe(400);
    expect((await call('GET', `/volumes/${'a'.repeat(300)}`, token)).body.errors[0].field).toBe('path.id');
  });

  it('coerces query strings to the declared types', async () => {
    csp = await memoryApp();
    const token = await login(csp);
    expect((await call('GET', '/volumes?limit=abc', token)).status).toBe(400);
    expect((await call('DELETE', '/volumes/vol-404?force=maybe', token)).status).toBe(400);
    expect((await call('DELETE', '/volumes/vol-404?force=true', token)).status).toBe(404);
  });

  it('answers unknown routes with the contract error body', async () => {
    csp = await memoryApp();
    const response = await call('GET', '/nothing-here');
    expect(response).toMatchObject({ status: 404, body: { errors: [{ code: 'Not Found' }] } });
  });
});

describe('operations', () => {
  it('looks volumes up by name with 404 when absent, and pages lists', async () => {
    csp = await memoryApp();
    const token = await login(csp);
    expect((await call('GET', '/volumes?name=pvc-1', token)).status).toBe(404);
    for (const name of ['pvc-1', 'pvc-2', 'pvc-3']) {
      expect((await call('POST', '/volumes', token, { name, size: 1 })).status).toBe(200);
    }
    const found = await call('GET', '/volumes?name=pvc-2', token);
    expect(found.body).toHaveLength(1);
    expect(found.body[0]).toMatchObject({ name: 'pvc-2', size: 1024 * 1024, published: false });
    const first = await call('GET', '/volumes?limit=2', token);
    expect(first.body.map((v: { name: string }) => v.name)).toEqual(['pvc-1', 'pvc-2']);
    const next = first.headers['x-opencsp-next-token'];
    expect(next).toBeTypeOf('string');
    const second = await call('GET', `/volumes?limit=2&starting_token=${next}`, token);
    expect(second.body.map((v: { name: string }) => v.name)).toEqual(['pvc-3']);
    expect(second.headers['x-opencsp-next-token']).toBeUndefined();
  });

  it('maps provider problems to their status and reason', async () => {
    csp = await memoryApp(new MemoryProvider(undefined, undefined, { groups: false }));
    const token = await login(csp);
    await call('POST', '/volumes', token, { name: 'v', size: 1 });
    expect((await call('POST', '/volumes', token, { name: 'v', size: 1 })).body.errors[0]).toMatchObject({
      code: 'Conflict',
      reason: 'NAME_TAKEN',
    });
    const big = await call('POST', '/volumes', token, { name: 'huge', size: 2 ** 50 });
    expect(big).toMatchObject({ status: 507, body: { errors: [{ reason: 'OUT_OF_SPACE' }] } });
    expect((await call('GET', '/volume_groups', token)).status).toBe(501);
    expect((await call('GET', '/replication_partners', token)).body).toEqual([]);
    expect((await call('GET', '/replication_partners?name=x', token)).status).toBe(404);
  });

  it('rejects a host without initiators', async () => {
    csp = await memoryApp();
    const token = await login(csp);
    const response = await call('POST', '/hosts', token, { uuid: 'node-1', iqns: [] });
    expect(response.body.errors[0].field).toBe('body.iqns');
  });

  it('serialises concurrent operations on one volume', async () => {
    const provider = new MemoryProvider();
    csp = await memoryApp(provider);
    const token = await login(csp);
    const volume = (await call('POST', '/volumes', token, { name: 'v', size: 1 })).body;
    let running = 0;
    let peak = 0;
    const original = MemorySession.prototype.updateVolume;
    MemorySession.prototype.updateVolume = async function (this: MemorySession, ...args) {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return original.apply(this, args);
    };
    try {
      const sizes = [2, 3, 4, 5].map((mib) => call('PUT', `/volumes/${volume.id}`, token, { size: mib * 1024 * 1024 }));
      expect((await Promise.all(sizes)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(peak).toBe(1);
    } finally {
      MemorySession.prototype.updateVolume = original;
    }
  });

  it('turns a response that breaks the contract into a 500 in strict mode', async () => {
    const provider = new MemoryProvider();
    csp = await buildCspApp({ provider, logger: silent, responseValidation: 'strict', docs: false });
    const token = await login(csp);
    const original = MemorySession.prototype.getVolume;
    MemorySession.prototype.getVolume = async () => ({ id: 'x', name: 'x', size: -1, published: false });
    try {
      const response = await call('GET', '/volumes/x', token);
      expect(response.status).toBe(500);
      expect(response.body.errors[0].message).toContain('see the CSP log');
    } finally {
      MemorySession.prototype.getVolume = original;
    }
  });
});

describe('service', () => {
  it('serves health, readiness and the OpenAPI document', async () => {
    csp = await buildCspApp({ provider: new MemoryProvider(), logger: silent });
    expect((await csp.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await csp.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', provider: 'memory' });
    const doc = await csp.app.inject({ url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().info.title).toContain('Container Storage Provider');
  });

  it('closes every array session at shutdown', async () => {
    const provider = new MemoryProvider();
    const app = await memoryApp(provider);
    await login(app);
    await login(app);
    expect(provider.array.openSessions).toBe(2);
    await app.shutdown();
    expect(provider.array.openSessions).toBe(0);
  });
});
