import { describe, expect, it } from 'vitest';
import { connect, startSim } from './fixture.js';

describe('truenas-sim authentication', () => {
  it('logs in with username and password (auth.login and PASSWORD_PLAIN)', async () => {
    const sim = await startSim();
    const rpc = await connect(sim, false);
    expect(await rpc.call('auth.login', [sim.username, 'wrong'])).toBe(false);
    expect(
      await rpc.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: sim.username, password: 'x' }]),
    ).toEqual({
      response_type: 'AUTH_ERR',
    });
    const ok = await rpc.call<Record<string, unknown>>('auth.login_ex', [
      { mechanism: 'PASSWORD_PLAIN', username: sim.username, password: sim.password },
    ]);
    expect(ok.response_type).toBe('SUCCESS');
    expect(ok.authenticator).toBe('LEVEL_1');
    expect((ok.user_info as Record<string, unknown>).pw_name).toBe(sim.username);
    expect(await rpc.call('pool.dataset.query', [[['id', '=', 'tank']]])).toHaveLength(1);
  });

  // MW utils/origin.py `secure_transport` (TS-25.10.6, stable/26): TLS, AF_UNIX or a loopback peer.
  it('revokes an API key presented over plain ws:// from another host (insecure transport)', async () => {
    const sim = await startSim({ apiKey: true, knobs: { remoteClients: true } });
    const rpc = await connect(sim, false);
    const answer = await rpc.call('auth.login_ex', [
      { mechanism: 'API_KEY_PLAIN', username: sim.username, api_key: sim.apiKey },
    ]);
    expect(answer).toEqual({ response_type: 'EXPIRED' });
    const key = sim.core.apiKeys[0];
    expect(key?.revoked).toBe(true);
    expect(key?.revokedReason).toBe('Attempt to use over an insecure transport');
    expect((await rpc.fail('pool.dataset.query')).data?.errname).toBe('ENOTAUTHENTICATED');
    expect(await rpc.call('auth.login_with_api_key', [sim.apiKey])).toBe(false);
    // A revoked key is gone from the PAM keyring: AUTH_ERR from then on.
    expect(
      await rpc.call('auth.login_ex', [{ mechanism: 'API_KEY_PLAIN', username: sim.username, api_key: sim.apiKey }]),
    ).toEqual({ response_type: 'AUTH_ERR' });
  });

  it('counts a loopback client as a secure transport for API keys, even over ws://', async () => {
    const sim = await startSim({ apiKey: true });
    const rpc = await connect(sim, false);
    const answer = await rpc.call('auth.login_ex', [
      { mechanism: 'API_KEY_PLAIN', username: sim.username, api_key: sim.apiKey, login_options: { user_info: false } },
    ]);
    expect(answer).toEqual({ response_type: 'SUCCESS', user_info: null, authenticator: 'LEVEL_1' });
    expect(sim.core.apiKeys[0]?.revoked).toBe(false);
  });

  it('accepts an API key over wss:// and rejects another user name for it', async () => {
    const sim = await startSim({ tls: true, apiKey: true });
    const rpc = await connect(sim, false);
    const wrongUser = await rpc.call('auth.login_ex', [
      { mechanism: 'API_KEY_PLAIN', username: 'root', api_key: sim.apiKey },
    ]);
    expect(wrongUser).toEqual({ response_type: 'AUTH_ERR' });
    const ok = await rpc.call<Record<string, unknown>>('auth.login_ex', [
      { mechanism: 'API_KEY_PLAIN', username: sim.username, api_key: sim.apiKey, login_options: { user_info: false } },
    ]);
    expect(ok).toEqual({ response_type: 'SUCCESS', user_info: null, authenticator: 'LEVEL_1' });
    const second = await connect(sim, false);
    expect(await second.call('auth.login_with_api_key', [sim.apiKey])).toBe(true);
    expect(sim.core.apiKeys[0]?.revoked).toBe(false);
  });

  it('rejects unknown mechanisms and missing fields with -32602', async () => {
    const sim = await startSim();
    const rpc = await connect(sim, false);
    const unknown = await rpc.fail('auth.login_ex', [{ mechanism: 'KERBEROS' }]);
    expect(unknown.code).toBe(-32602);
    const missing = await rpc.fail('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'x' }]);
    expect(missing.data?.extra).toEqual([['login_data.password', 'Field required', 22]]);
  });

  it('logs out', async () => {
    const sim = await startSim();
    const rpc = await connect(sim);
    expect(await rpc.call('auth.logout')).toBe(true);
    expect((await rpc.fail('system.version')).data?.error).toBe(207);
  });
});
