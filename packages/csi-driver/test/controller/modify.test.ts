// MODIFY_VOLUME follows the CSPs: advertised while every known CSP lists mutable_config_keys,
// and ControllerModifyVolume answers UNIMPLEMENTED for a CSP that lists none (a plain HPE-style
// CSP), before anything is sent to it. Memory CSPs over real HTTP, one of them without the list.
import type { AddressInfo } from 'node:net';
import { buildCspApp, type CspApp } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { currentControllerCapabilities } from '../../src/controller/index.js';
import { modifyVolume } from '../../src/controller/modify.js';
import { CspSessions } from '../../src/csp/sessions.js';
import { isDriverError } from '../../src/errors.js';

/** A memory CSP whose GET /capabilities states no mutable_config_keys. */
class NoModifyProvider extends MemoryProvider {
  override async openSession(credentials: Parameters<MemoryProvider['openSession']>[0]) {
    const session = await super.openSession(credentials);
    const capabilities = session.capabilities.bind(session);
    session.capabilities = async () => {
      const { mutable_config_keys: _dropped, ...rest } = await capabilities();
      return rest;
    };
    return session;
  }
}

const apps: CspApp[] = [];
let sessions: CspSessions | undefined;
afterEach(async () => {
  await sessions?.close();
  await Promise.all(apps.splice(0).map((a) => a.shutdown()));
});

async function secretsFor(provider: MemoryProvider, backend: string): Promise<Record<string, string>> {
  const csp = await buildCspApp({ provider, logger: pino({ level: 'silent' }), docs: false });
  apps.push(csp);
  await csp.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (csp.app.server.address() as AddressInfo).port;
  const { username, password } = provider;
  return { backend, username, password, serviceName: '127.0.0.1', servicePort: String(port) };
}

function context() {
  sessions = new CspSessions({ timeoutMs: 5000, tlsInsecure: false, ca: undefined, retries: 0, plainHttp: true });
  return { sessions, logger: pino({ level: 'silent' }) };
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (err) {
    return isDriverError(err) ? err.kind : String(err);
  }
}

describe('MODIFY_VOLUME per CSP', () => {
  it('is not advertised before a CSP is known, and is once every known CSP lists mutable keys', async () => {
    const ctx = context();
    expect(await currentControllerCapabilities(ctx)).not.toContain('MODIFY_VOLUME');
    ctx.sessions.forSecrets(await secretsFor(new MemoryProvider(), 'array-1'));
    expect(await currentControllerCapabilities(ctx)).toContain('MODIFY_VOLUME');
    ctx.sessions.forSecrets(await secretsFor(new NoModifyProvider(), 'array-2'));
    expect(await currentControllerCapabilities(ctx)).not.toContain('MODIFY_VOLUME');
  });

  it('answers UNIMPLEMENTED for a CSP without mutable_config_keys, whatever the volume', async () => {
    const ctx = context();
    const secrets = await secretsFor(new NoModifyProvider(), 'array-3');
    const request = { volumeId: 'some-volume', secrets, mutableParameters: { tier: 'silver' } };
    expect(await kindOf(modifyVolume(ctx, request))).toBe('Unimplemented');
    const withKeys = await secretsFor(new MemoryProvider(), 'array-4');
    expect(await kindOf(modifyVolume(ctx, { ...request, secrets: withKeys }))).toBe('NotFound');
  });
});
