import { CspHttpError, StaticToken } from '@opencsp/csp-spec/client';
import { describe, expect, it } from 'vitest';
import { cspClient, iqn, MiB, startCsp, startSimulator, startStack } from './stack.js';

describe('csp-truenas TLS and credentials', () => {
  it('logs in with an API key over wss:// verified against the CA file', async () => {
    const { sim, client } = await startStack({ sim: { tls: true, apiKey: true }, apiKey: true });
    const volume = await client.createVolume({ name: 'pvc-tls', size: 16 * MiB });
    expect(volume.id).toBe('tank~k8s~pvc-tls');
    expect(sim.core.apiKeys[0]?.revoked).toBe(false);
    await client.deleteVolume(volume.id);
  });

  it('refuses an array whose certificate it cannot verify, unless verification is explicitly off', async () => {
    const sim = await startSimulator({ tls: true });
    const strict = await startCsp(sim, ['--tls-ca-file', '/dev/null']);
    const http = cspClient(strict.baseUrl, strict.ca);
    const refused = await http.login({ username: sim.username, password: sim.password }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CspHttpError);
    expect((refused as CspHttpError).status).toBe(503);
    const { baseUrl, ca } = await startCsp(sim, ['--tls-insecure']);
    const lax = cspClient(baseUrl, ca);
    const token = await lax.login({ username: sim.username, password: sim.password });
    lax.useTokens(new StaticToken(token.session_token));
    expect(await lax.listHosts()).toEqual([]);
  });

  it('never returns CHAP secrets and never sends credentials back', async () => {
    const { client, sim } = await startStack();
    const host = await client.upsertHost({
      uuid: 'n1',
      iqns: [iqn('n1')],
      chap_user: 'node-user',
      chap_password: 'chap-secret-01',
    });
    expect(JSON.stringify(host)).not.toContain('chap-secret-01');
    expect(JSON.stringify(await client.listHosts())).not.toContain('chap-secret-01');
    const token = await client.http.expectOk({
      operation: 'createToken',
      method: 'POST',
      path: '/tokens',
      body: { username: sim.username, password: sim.password },
      idempotent: false,
    });
    expect(JSON.stringify(token.body)).not.toContain(sim.password);
    await client.deleteHostByUuid('n1');
  });
});
