// What a stranger who can reach the CSP can and cannot make it do (issue 12): contact arrays the
// operator did not name, downgrade to plain ws://, send an API key in clear, or lock the CSP out.
import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type CountingListener, countingListener } from '../common/listener.js';
import { caFile, failure, iqn, MiB, startCsp, startSimulator, startStack } from './stack.js';

const listeners: CountingListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function listener(): Promise<CountingListener> {
  const l = await countingListener();
  listeners.push(l);
  return l;
}

async function closedPort(): Promise<number> {
  const l = await countingListener();
  await l.close();
  return l.port;
}

describe('csp-truenas TLS and credentials', () => {
  it('logs in with an API key over wss:// verified against the CA file', async () => {
    const { sim, client } = await startStack({ sim: { tls: true, apiKey: true }, apiKey: true });
    const volume = await client.createVolume({ name: 'pvc-tls', size: 16 * MiB });
    expect(volume.id).toBe('tank~k8s~pvc-tls');
    expect(sim.core.apiKeys[0]?.revoked).toBe(false);
    await client.deleteVolume(volume.id);
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

describe('csp-truenas: only the arrays its operator named', () => {
  it('refuses every other address before connecting, with one identical 400 that names the settings', async () => {
    const { sim, anonymous } = await startStack();
    const probe = await listener();
    const client = anonymous();
    const answers = [];
    for (const arrayIp of [
      `127.0.0.1:${probe.port}`,
      `127.0.0.1:${await closedPort()}`,
      'no-such-host.invalid',
      '127.0.0.1',
      `localhost:${sim.port}`,
      '169.254.169.254:80',
    ]) {
      answers.push(await failure(client.login({ username: sim.username, password: sim.password, array_ip: arrayIp })));
    }
    expect(probe.connections()).toBe(0);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 400, reason: 'INVALID_INPUT', field: 'body.array_ip' });
    expect(answers[0]?.message).toMatch(/TRUENAS_ARRAY and TRUENAS_ALLOWED_ARRAYS/);
    const named = await client.login({ username: sim.username, password: sim.password, array_ip: sim.address });
    expect(named.session_token).toBeTruthy();
  });

  it('contacts an array listed in TRUENAS_ALLOWED_ARRAYS', async () => {
    const probe = await listener();
    const { sim, anonymous } = await startStack({ args: ['--allowed-arrays', `127.0.0.1:${probe.port}`] });
    const refused = await failure(
      anonymous().login({ username: sim.username, password: sim.password, array_ip: `127.0.0.1:${probe.port}` }),
    );
    expect(refused.status).toBe(503);
    expect(probe.connections()).toBe(1);
  });

  it('answers 400 naming the field for an invalid port or a malformed host', async () => {
    const { sim, anonymous } = await startStack();
    for (const arrayIp of ['127.0.0.1:99999', '127.0.0.1:0', 'bad host!', '[::1', '999.1.1.1']) {
      const bad = await failure(
        anonymous().login({ username: sim.username, password: sim.password, array_ip: arrayIp }),
      );
      expect(bad, arrayIp).toMatchObject({ status: 400, reason: 'INVALID_INPUT', field: 'body.array_ip' });
      expect(bad.message).toMatch(/^body\.array_ip: must be host or host:port/);
    }
  });
});

describe('csp-truenas: no plaintext downgrade', () => {
  it('speaks wss:// unless TRUENAS_PLAINTEXT_ARRAYS names the array: the password never goes out in clear', async () => {
    const plain = await startSimulator();
    const secure = await startSimulator({ tls: true });
    const args = ['--allowed-arrays', plain.address, '--tls-ca-file', await caFile(secure)];
    const strict = await startCsp(secure, args);
    const client = new CspClient({ baseUrl: strict.baseUrl, retries: 0, tls: { ca: strict.ca } });
    const refused = await failure(
      client.login({ username: plain.username, password: plain.password, array_ip: plain.address }),
    );
    expect(refused.status).toBe(503);
    expect(plain.calls.byMethod()['auth.login_ex']).toBeUndefined();
    expect((await client.login({ username: secure.username, password: secure.password })).session_token).toBeTruthy();
    await client.close();

    const lab = await startCsp(secure, [...args, '--plaintext-arrays', plain.address]);
    const labClient = new CspClient({ baseUrl: lab.baseUrl, retries: 0, tls: { ca: lab.ca } });
    const token = await labClient.login({
      username: plain.username,
      password: plain.password,
      array_ip: plain.address,
    });
    labClient.useTokens(new StaticToken(token.session_token));
    expect(await labClient.listHosts()).toEqual([]);
    const viaTls = await labClient.login({ username: secure.username, password: secure.password });
    expect(viaTls.session_token).toBeTruthy();
    await labClient.close();
  });

  it('refuses an array whose certificate does not chain to the CA file', async () => {
    const sim = await startSimulator({ tls: true });
    const other = await startSimulator({ tls: true });
    const { baseUrl, ca } = await startCsp(sim, ['--tls-ca-file', await caFile(other)]);
    const http = new CspClient({ baseUrl, retries: 0, tls: { ca } });
    const refused = await failure(http.login({ username: sim.username, password: sim.password }));
    expect(refused.status).toBe(503);
    expect(sim.calls.byMethod()['auth.login_ex']).toBeUndefined();
    await http.close();
  });

  it('refuses an API key with surrounding whitespace (400 naming the field) and never sends a key over ws://', async () => {
    const { sim, anonymous } = await startStack({ sim: { apiKey: true } });
    const key = sim.apiKey as string;
    const before = sim.calls.byMethod()['auth.login_ex'];
    for (const secret of [` ${key}`, `${key}\n`, `\t${key} `]) {
      const refused = await failure(anonymous().login({ username: sim.username, password: secret }));
      expect(refused).toMatchObject({ status: 400, reason: 'INVALID_INPUT', field: 'body.password' });
      expect(refused.message).toMatch(/API key with surrounding whitespace/);
    }
    for (const secret of [key, `x${key}`, key.slice(key.indexOf('-') + 1)]) {
      const refused = await failure(anonymous().login({ username: sim.username, password: secret }));
      expect(refused).toMatchObject({ status: 400, field: 'body.password' });
      expect(refused.message).toMatch(/could be an API key/);
      expect(refused.message).not.toContain(key.slice(-16));
    }
    expect(sim.calls.byMethod()['auth.login_ex']).toBe(before);
    expect(sim.core.apiKeys[0]?.revoked).toBe(false);
  });

  it('refuses a whitespace-wrapped API key over wss:// too, instead of sending it as a password', async () => {
    const { sim, anonymous } = await startStack({ sim: { tls: true, apiKey: true }, apiKey: true });
    const key = sim.apiKey as string;
    const refused = await failure(anonymous().login({ username: sim.username, password: `${key}\n` }));
    expect(refused).toMatchObject({ status: 400, field: 'body.password' });
  });
});

describe('csp-truenas: no lockout by strangers', () => {
  it('limits failed logins with 429 + Retry-After without asking the array; known credentials still work', async () => {
    const { sim, client, anonymous } = await startStack();
    const logins = () => sim.calls.byMethod()['auth.login_ex'] ?? 0;
    const wrong = (password: string) => failure(anonymous().login({ username: sim.username, password }));
    expect(await wrong('guess-1')).toMatchObject({ status: 401 });
    expect(await wrong('guess-2')).toMatchObject({ status: 401 });
    const before = logins();
    const limited = await anonymous().http.request({
      operation: 'createToken',
      method: 'POST',
      path: '/tokens',
      body: { username: sim.username, password: 'guess-3' },
      idempotent: false,
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ errors: [{ code: 'Too Many Requests', reason: 'RATE_LIMITED' }] });
    expect(await wrong('guess-1')).toMatchObject({ status: 401, message: expect.stringMatching(/not tried again/) });
    expect(logins()).toBe(before);
    const again = await anonymous().login({ username: sim.username, password: sim.password });
    expect(again.session_token).toBeTruthy();
    expect(await client.listHosts()).toEqual([]);
  });
});
