// CSP sessions against the contract kit + memory provider over real HTTP.
import type { AddressInfo } from 'node:net';
import { buildCspApp, type CspApp } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endpointFromSecrets } from '../src/csp/endpoint.js';
import { CspSessions } from '../src/csp/sessions.js';

let provider: MemoryProvider;
let csp: CspApp;
let secrets: Record<string, string>;
let sessions: CspSessions;

beforeEach(async () => {
  provider = new MemoryProvider();
  csp = await buildCspApp({ provider, logger: pino({ level: 'silent' }), docs: false });
  await csp.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (csp.app.server.address() as AddressInfo).port;
  secrets = {
    backend: 'array-1',
    username: 'admin',
    password: 'secret-password',
    serviceName: '127.0.0.1',
    servicePort: String(port),
  };
  // This CSP serves plain HTTP, so the sessions must be told so explicitly (--csp-plain-http).
  sessions = new CspSessions({ timeoutMs: 5000, tlsInsecure: false, ca: undefined, retries: 0, plainHttp: true });
});
afterEach(async () => {
  await sessions.close();
  await csp.shutdown();
});

describe('CSP endpoints from secrets', () => {
  it('builds service-mode and direct-mode URLs', () => {
    expect(
      endpointFromSecrets({
        backend: '10.0.0.9',
        username: 'u',
        password: 'p',
        serviceName: 'truenas-csp',
        servicePort: '8080',
      }),
    ).toMatchObject({
      baseUrl: 'https://truenas-csp:8080/containers/v1',
      serviceMode: true,
    });
    expect(
      endpointFromSecrets(
        { backend: '10.0.0.9', username: 'u', password: 'p', serviceName: 'truenas-csp' },
        { plainHttp: true },
      ).baseUrl,
    ).toBe('http://truenas-csp:8080/containers/v1');
    expect(endpointFromSecrets({ backend: 'nas.lan', username: 'u', password: 'p' }).baseUrl).toBe(
      'https://nas.lan:443/csp/containers/v1',
    );
    expect(
      endpointFromSecrets({ backend: 'fd00::9', username: 'u', password: 'p', servicePort: '8443', path: '/api' })
        .baseUrl,
    ).toBe('https://[fd00::9]:8443/api/containers/v1');
  });
  it('keys sessions by a hash that includes the password', () => {
    const a = endpointFromSecrets({ backend: 'b', username: 'u', password: 'p1' });
    const b = endpointFromSecrets({ backend: 'b', username: 'u', password: 'p2' });
    expect(a.slot).toBe(b.slot);
    expect(a.key).not.toBe(b.key);
    expect(a.key).not.toContain('p1');
  });
  it('gives the same keys for the same secrets, also after many other secrets', () => {
    const secrets = { backend: 'b', username: 'u', password: 'p1' };
    const first = endpointFromSecrets(secrets);
    const others = Array.from({ length: 200 }, (_, i) => endpointFromSecrets({ ...secrets, password: `q${i}` }).key);
    expect(new Set(others).size).toBe(200);
    expect(others).not.toContain(first.key);
    expect(endpointFromSecrets({ ...secrets }).key).toBe(first.key);
    expect(endpointFromSecrets({ ...secrets }).slot).toBe(first.slot);
  });
});

describe('CSP sessions', () => {
  it('logs in once for many concurrent callers and sends x-array-ip', async () => {
    const session = sessions.forSecrets(secrets);
    await Promise.all(Array.from({ length: 8 }, () => session.client.listVolumes()));
    expect(session.logins).toBe(1);
    expect(provider.array.loginCount).toBe(1);
    expect(sessions.forSecrets(secrets)).toBe(session);
  });
  it('logs in again once when the CSP forgets the token, and replays the call', async () => {
    const session = sessions.forSecrets(secrets);
    await session.client.listVolumes();
    for (const arraySession of csp.tokens.drain()) {
      await arraySession.close();
    }
    await expect(session.client.listVolumes()).resolves.toMatchObject({ items: [] });
    expect(session.logins).toBe(2);
  });
  it('reports wrong credentials as UNAUTHENTICATED without the password', async () => {
    const session = sessions.forSecrets({ ...secrets, password: 'wrong-password-123' });
    const err = await session.client.listVolumes().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'Unauthenticated' });
    expect(String((err as Error).message)).not.toContain('wrong-password-123');
  });
  it('replaces the session when the password changes', async () => {
    const first = sessions.forSecrets(secrets);
    const second = sessions.forSecrets({ ...secrets, password: 'new-password' });
    expect(second).not.toBe(first);
    expect(sessions.known()).toEqual([second]);
  });
  it('reads and caches the CSP capabilities', async () => {
    const session = sessions.forSecrets(secrets);
    const facts = await session.facts();
    expect(facts.advertised).toBe(true);
    expect(facts.features.capacity).toBe(true);
    expect(await session.facts()).toBe(facts);
  });
});
