// Login differences between 25.10 and 26 (plugins/auth.py at TS-25.10.6 and stable/26,
// api/v26_0_0/auth.py, plugins/auth_/login_ex_impl.py): mechanism lists, reconnect tokens, and 26's
// SCRAM-SHA-512 API-key login, driven here by an RFC 5802 client written from the RFC and
// truenas/api_client's scram_impl.py (not from the simulator's code).
import { createHash, createHmac, pbkdf2Sync, randomBytes, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connect, startSim } from './fixture.js';
import { RawRpc } from './rpc-client.js';

const hmac = (key: Buffer, text: string) => createHmac('sha512', key).update(text).digest();

interface ScramAnswer {
  response_type: string;
  scram_type?: string;
  rfc_str?: string;
  user_info?: unknown;
}

/** A SCRAM-SHA-512 login with `<id>-<key>`; `binding` is the server certificate (channel binding). */
async function scramLogin(rpc: RawRpc, username: string, apiKey: string, cert?: string) {
  const [id, secret] = [apiKey.slice(0, apiKey.indexOf('-')), apiKey.slice(apiKey.indexOf('-') + 1)];
  const gs2 = cert ? 'p=tls-server-end-point' : 'n';
  const clientNonce = randomBytes(32).toString('base64');
  const bare = `n=${username}:${id},r=${clientNonce}`;
  const first = await rpc.call<ScramAnswer>('auth.login_ex', [
    { mechanism: 'SCRAM', scram_type: 'CLIENT_FIRST_MESSAGE', rfc_str: `${gs2},,${bare}` },
  ]);
  if (first.response_type !== 'SCRAM_RESPONSE') {
    return { first, final: undefined, serverOk: false };
  }
  const server = new Map((first.rfc_str as string).split(',').map((p) => [p[0], p.slice(2)] as [string, string]));
  const salted = pbkdf2Sync(
    secret,
    Buffer.from(server.get('s') as string, 'base64'),
    Number(server.get('i')),
    64,
    'sha512',
  );
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha512').update(clientKey).digest();
  const cbData = cert ? createHash('sha256').update(new X509Certificate(cert).raw).digest() : Buffer.alloc(0);
  const withoutProof = `c=${Buffer.concat([Buffer.from(`${gs2},,`), cbData]).toString('base64')},r=${server.get('r')}`;
  const authMessage = `${bare},${first.rfc_str},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] as number))).toString('base64');
  const final = await rpc.call<ScramAnswer>('auth.login_ex', [
    { mechanism: 'SCRAM', scram_type: 'CLIENT_FINAL_MESSAGE', rfc_str: `${withoutProof},p=${proof}` },
  ]);
  const expected = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
  return { first, final, serverOk: final.rfc_str === `v=${expected}` };
}

describe('truenas-sim login by release', () => {
  it('25.10: mechanism_choices needs a login, no SCRAM, no reconnect_token', async () => {
    const sim = await startSim({ version: '25.10', apiKey: true });
    const rpc = await connect(sim, false);
    const early = await rpc.fail('auth.mechanism_choices');
    expect(early.data?.reason).toBe("'NoneType' object has no attribute 'may_create_auth_token'");
    const scram = await rpc.fail('auth.login_ex', [
      { mechanism: 'SCRAM', scram_type: 'CLIENT_FIRST_MESSAGE', rfc_str: 'n,,n=a:1,r=x' },
    ]);
    expect(scram.data?.extra).toEqual([
      [
        'login_data',
        "Input tag 'SCRAM' found using 'mechanism' does not match any of the expected tags: 'API_KEY_PLAIN', 'PASSWORD_PLAIN', 'TOKEN_PLAIN', 'OTP_TOKEN'",
        22,
      ],
    ]);
    const token = await rpc.fail('auth.login_ex', [
      {
        mechanism: 'PASSWORD_PLAIN',
        username: sim.username,
        password: sim.password,
        login_options: { reconnect_token: true },
      },
    ]);
    expect(token.data?.extra).toEqual([
      ['login_data.login_options.reconnect_token', 'Extra inputs are not permitted', 22],
    ]);
    expect(await rpc.call('auth.login', [sim.username, sim.password])).toBe(true);
    expect(await rpc.call('auth.mechanism_choices')).toEqual(['API_KEY_PLAIN', 'TOKEN_PLAIN', 'PASSWORD_PLAIN']);
  });

  it('26: SCRAM API-key login over wss:// with channel binding, and over ws:// without it', async () => {
    const sim = await startSim({ version: '26.0', tls: true, apiKey: true, knobs: { scramIterations: 50_000 } });
    const rpc = await connect(sim, false);
    expect(await rpc.call('auth.mechanism_choices')).toEqual([
      'API_KEY_PLAIN',
      'TOKEN_PLAIN',
      'PASSWORD_PLAIN',
      'SCRAM',
    ]);
    const bound = await scramLogin(rpc, sim.username, sim.apiKey as string, sim.tls?.cert);
    expect(bound.final).toMatchObject({ response_type: 'SCRAM_RESPONSE', scram_type: 'SERVER_FINAL_RESPONSE' });
    expect(bound.serverOk).toBe(true);
    expect(await rpc.call('system.version')).toBe('TrueNAS-26.0.0');

    const plainSim = await startSim({
      version: '26.0',
      apiKey: true,
      knobs: { scramIterations: 50_000, remoteClients: true },
    });
    const plain = await connect(plainSim, false);
    expect((await scramLogin(plain, plainSim.username, plainSim.apiKey as string)).serverOk).toBe(true);
    expect(plainSim.core.apiKeys[0]?.revoked).toBe(false); // the key never crossed the wire
    const wrong = await connect(plainSim, false);
    const key = plainSim.apiKey as string;
    const wrongKey = `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`; // differs from the key in its last character
    const bad = await scramLogin(wrong, plainSim.username, wrongKey);
    expect(bad.final).toEqual({ response_type: 'AUTH_ERR' });
    expect((await wrong.fail('pool.dataset.query')).data?.errname).toBe('ENOTAUTHENTICATED');
  });

  it('26: SCRAM only on endpoints from v26.0.0; reconnect tokens log in once', async () => {
    const sim = await startSim({ version: '26.0', apiKey: true });
    const pinned = await RawRpc.open(sim.url('v25.10.0'));
    const refused = await pinned.fail('auth.login_ex', [
      { mechanism: 'SCRAM', scram_type: 'CLIENT_FIRST_MESSAGE', rfc_str: 'n,,n=a:1,r=x' },
    ]);
    expect(refused.code).toBe(-32602);
    pinned.close();
    const rpc = await connect(sim, false);
    const final = await rpc.fail('auth.login_ex', [
      { mechanism: 'SCRAM', scram_type: 'CLIENT_FINAL_MESSAGE', rfc_str: 'c=biws,r=x,p=y' },
    ]);
    expect(final.data?.reason).toBe('[EFAULT] SCRAM authentication is not in progress');
    const login = await rpc.call<{ reconnect_token: string }>('auth.login_ex', [
      {
        mechanism: 'PASSWORD_PLAIN',
        username: sim.username,
        password: sim.password,
        login_options: { reconnect_token: true },
      },
    ]);
    const again = await connect(sim, false);
    const token = { mechanism: 'TOKEN_PLAIN', token: login.reconnect_token, login_options: { user_info: false } };
    expect(await again.call('auth.login_ex', [token])).toEqual({
      response_type: 'SUCCESS',
      user_info: null,
      authenticator: 'LEVEL_1',
      reconnect_token: null,
    });
    expect(await (await connect(sim, false)).call('auth.login_ex', [token])).toEqual({ response_type: 'AUTH_ERR' });
  });
});
