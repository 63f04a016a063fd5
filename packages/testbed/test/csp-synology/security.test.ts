// What a stranger who can reach csp-synology can and cannot make it do (issue 12): contact a NAS
// the operator did not name, downgrade to plain HTTP, carry the 2FA device token elsewhere, or
// get the CSP locked out of DSM (Auto Block) and keep it locked.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import { parseOptions } from '@opencsp/csp-spec/options';
import { createLogger } from '@opencsp/csp-spec/server';
import { buildSynologyCsp, enrollDevice, optionTable, type SynologyOptions } from '@opencsp/csp-synology';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ServingFiles, testPki, writeServingFiles } from '../../src/common/index.js';
import { account, DsmSimulator, type DsmSimulatorOptions, defaultAdmin, totp } from '../../src/dsm/index.js';
import { type CountingListener, countingListener } from '../common/listener.js';
import { failure } from './errors.js';
import { fastKnobs, type Stack, startStack } from './stack.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

/** Every CSP here serves HTTPS with a certificate of the test CA, as the stack's does. */
const cspCa = (await testPki()).ca.cert;

async function serving(): Promise<Pick<ServingFiles, 'certFile' | 'keyFile'>> {
  const dir = await mkdtemp(join(tmpdir(), 'csp-synology-security-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const { certFile, keyFile } = await writeServingFiles(dir);
  return { certFile, keyFile };
}

async function stackOf(options: Parameters<typeof startStack>[0]): Promise<Stack> {
  const stack = await startStack(options);
  cleanups.push(() => stack.close());
  return stack;
}

async function simulator(options: DsmSimulatorOptions = {}): Promise<DsmSimulator> {
  const sim = await DsmSimulator.start({ tls: true, knobs: fastKnobs, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

/** A CSP with its own settings, trusting `ca`; returns an anonymous client for it. */
async function cspWith(settings: Partial<SynologyOptions>, ca: string): Promise<CspClient> {
  const { values } = parseOptions(optionTable, [], {});
  const tls = await serving();
  const csp = await buildSynologyCsp(
    { ...values, ...tls, pollInterval: 10, ...settings },
    createLogger('t', 'silent'),
    {
      ca,
      responseValidation: 'strict',
    },
  );
  cleanups.push(() => csp.shutdown());
  const address = await csp.app.listen({ host: '127.0.0.1', port: 0 });
  return anonymous(`${address}/containers/v1`);
}

function anonymous(baseUrl: string): CspClient {
  const client = new CspClient({ baseUrl, retries: 0, tls: { ca: cspCa } });
  cleanups.push(() => client.close());
  return client;
}

async function listener(): Promise<CountingListener> {
  const l = await countingListener();
  cleanups.push(() => l.close());
  return l;
}

const admin = { username: defaultAdmin.username, password: defaultAdmin.password };

describe('csp-synology: only the NAS its operator named', () => {
  it('refuses every other address before connecting, with one identical 400 that names the settings', async () => {
    const { sim, baseUrl } = await stackOf({ login: false });
    const probe = await listener();
    const client = anonymous(baseUrl);
    const answers = [];
    for (const arrayIp of [
      `127.0.0.1:${probe.port}`,
      `https://127.0.0.1:${probe.port}`,
      'no-such-nas.invalid',
      '127.0.0.1',
      `localhost:${sim.port}`,
      `http://127.0.0.1:${sim.port}`,
    ]) {
      answers.push(await failure(client.login({ ...admin, array_ip: arrayIp })));
    }
    expect(probe.connections()).toBe(0);
    expect(sim.calls.total).toBe(0);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 400, reason: 'INVALID_INPUT', field: 'body.array_ip' });
    expect(answers[0]?.message).toMatch(/SYNOLOGY_URL and SYNOLOGY_ALLOWED_ARRAYS/);
    expect((await client.login({ ...admin, array_ip: `127.0.0.1:${sim.port}` })).session_token).toBeTruthy();
    expect((await client.login({ ...admin, array_ip: sim.url })).session_token).toBeTruthy();
  });

  it('answers 400 naming the field for an invalid port or a malformed host', async () => {
    const { baseUrl } = await stackOf({ login: false });
    for (const arrayIp of ['127.0.0.1:99999', 'https://127.0.0.1:0', 'nas/webapi', 'user@nas', '[::1']) {
      const bad = await failure(anonymous(baseUrl).login({ ...admin, array_ip: arrayIp }));
      expect(bad, arrayIp).toMatchObject({ status: 400, reason: 'INVALID_INPUT', field: 'body.array_ip' });
      expect(bad?.message).toMatch(/^body\.array_ip: must be host or host:port/);
    }
  });
});

describe('csp-synology: no plaintext downgrade', () => {
  it('speaks HTTPS unless SYNOLOGY_PLAINTEXT_ARRAYS names the NAS: the password never goes out in clear', async () => {
    const secure = await simulator();
    const plain = await simulator({ tls: false });
    const lab = `127.0.0.1:${plain.port}`;
    const strict = await cspWith({ dsmUrl: secure.url, allowedArrays: [lab] }, secure.certificate as string);
    expect(await failure(strict.login({ ...admin, array_ip: lab }))).toMatchObject({ status: 503 });
    expect(await failure(strict.login({ ...admin, array_ip: plain.url }))).toMatchObject({ status: 400 });
    expect(plain.auth.attempts).toBe(0);

    const allowed = await cspWith(
      { dsmUrl: secure.url, allowedArrays: [lab], plaintextArrays: [lab] },
      secure.certificate as string,
    );
    expect(await failure(allowed.login({ ...admin, array_ip: `https://${lab}` }))).toMatchObject({
      status: 400,
      field: 'body.array_ip',
    });
    const token = await allowed.login({ ...admin, array_ip: plain.url });
    allowed.useTokens(new StaticToken(token.session_token));
    expect((await allowed.listVolumes()).items).toEqual([]);
  });

  it('refuses plain HTTP for the default NAS unless it is listed, and never sends the device token in clear', async () => {
    const { values } = parseOptions(optionTable, [], {});
    const tls = await serving();
    const build = (settings: Partial<SynologyOptions>) =>
      buildSynologyCsp({ ...values, ...tls, ...settings }, createLogger('t', 'silent')).then(
        (csp) => csp.shutdown(),
        (err: unknown) => (err as Error).message,
      );
    expect(await build({ dsmUrl: 'http://nas.example:5000' })).toMatch(
      /SYNOLOGY_URL: http:\/\/ sends credentials unencrypted; list nas.example:5000 in SYNOLOGY_PLAINTEXT_ARRAYS/,
    );
    expect(
      await build({ dsmUrl: 'http://nas.example:5000', plaintextArrays: ['nas.example:5000'], deviceId: 'did-1' }),
    ).toMatch(/SYNOLOGY_DEVICE_ID is never sent over plain HTTP/);
    expect(await build({ deviceId: 'did-1' })).toMatch(
      /SYNOLOGY_DEVICE_ID is sent only to the NAS it was enrolled with/,
    );
    expect(await build({ dsmUrl: 'https://nas.example:5001', allowedArrays: ['bad host'] })).toMatch(
      /SYNOLOGY_ALLOWED_ARRAYS: "bad host"/,
    );
  });

  it('sends the 2FA device token only to the NAS it was enrolled with', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const enrolledNas = await simulator({ accounts: [account('csi', 'csi-password', { otpSecret: secret })] });
    const did = await enrollDevice({
      url: enrolledNas.url,
      username: 'csi',
      password: 'csi-password',
      otp: totp(secret),
      deviceName: 'opencsp-test',
      ca: enrolledNas.certificate,
    });
    // Another NAS that would accept the token if it were sent there.
    const other = await simulator({
      accounts: [account('csi', 'csi-password', { otpSecret: secret, deviceTokens: new Set([did]) })],
    });
    const otherAddress = `127.0.0.1:${other.port}`;
    const client = await cspWith(
      { dsmUrl: enrolledNas.url, allowedArrays: [otherAddress], deviceId: did },
      `${enrolledNas.certificate}${other.certificate}`,
    );
    expect((await client.login({ username: 'csi', password: 'csi-password' })).session_token).toBeTruthy();
    const elsewhere = await failure(
      client.login({ username: 'csi', password: 'csi-password', array_ip: otherAddress }),
    );
    expect(elsewhere).toMatchObject({ status: 401 });
    expect(elsewhere?.message).toMatch(/2-step verification/);
    const plainEnrolment = { url: `http://127.0.0.1:${enrolledNas.port}`, username: 'csi', password: 'x', otp: '1' };
    await expect(enrollDevice({ ...plainEnrolment, deviceName: 'd', ca: undefined })).rejects.toThrow(/https:\/\//);
  });

  it('trusts a NAS certificate the CA file holds itself, whatever names it carries', async () => {
    // The simulator's certificate names localhost and 127.0.0.1; this NAS answers on 127.0.0.2.
    const sim = await simulator({ host: '127.0.0.2' });
    const client = await cspWith({ dsmUrl: sim.url }, sim.certificate as string);
    expect((await client.login(admin)).session_token).toBeTruthy();
  });
});

describe('csp-synology: no lockout by strangers', () => {
  it('keeps strangers from tripping Auto Block: 429 before the third failure, and the cluster stays logged in', async () => {
    const { sim, baseUrl } = await stackOf({ sim: { autoBlock: { attempts: 3 } } });
    const stranger = anonymous(baseUrl);
    for (const guess of ['guess-1', 'guess-2']) {
      expect(await failure(stranger.login({ username: 'admin', password: guess }))).toMatchObject({ status: 401 });
    }
    const calls = sim.calls.total;
    const limited = await stranger.http.request({
      operation: 'createToken',
      method: 'POST',
      path: '/tokens',
      body: { username: 'admin', password: 'guess-3' },
      idempotent: false,
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ errors: [{ code: 'Too Many Requests', reason: 'RATE_LIMITED' }] });
    expect(await failure(stranger.login({ username: 'admin', password: 'guess-1' }))).toMatchObject({
      status: 401,
      message: expect.stringMatching(/not tried again/),
    });
    expect(sim.calls.total).toBe(calls);
    expect(sim.auth.attempts).toBe(3);
    expect(sim.auth.autoBlock.blockedIps()).toEqual([]);
    // The cluster's credentials logged in before (the stack's own login): they still work.
    expect((await anonymous(baseUrl).login(admin)).session_token).toBeTruthy();
  });

  it('remembers only the exact refused credentials, and recovers by itself when DSM lifts a block', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { sim, baseUrl } = await stackOf({ login: false });
    expect(await failure(anonymous(baseUrl).login({ username: 'admin', password: 'typo' }))).toMatchObject({
      status: 401,
    });
    // Someone else behind the CSP's address trips Auto Block (3 failures in 5 minutes, blocked 1 day).
    for (let i = 0; i < 3; i++) {
      sim.auth.autoBlock.recordFailure('127.0.0.1');
    }
    const blocked = await failure(anonymous(baseUrl).login(admin));
    expect(blocked).toMatchObject({ status: 429, reason: 'RATE_LIMITED' });
    expect(blocked?.message).toMatch(/Auto Block/);
    const attempts = sim.auth.attempts;
    const calls = sim.calls.total;
    expect(await failure(anonymous(baseUrl).login(admin))).toMatchObject({ status: 429 });
    expect(sim.calls.total).toBe(calls);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await failure(anonymous(baseUrl).login(admin))).toMatchObject({ status: 429 });
    expect(sim.auth.attempts).toBe(attempts + 1);
    // DSM's block expires after a day; the CSP's next probe gets through, no restart needed.
    vi.setSystemTime(Date.now() + 24 * 3_600_000);
    const client = anonymous(baseUrl);
    client.useTokens(new StaticToken((await client.login(admin)).session_token));
    expect((await client.listVolumes()).items).toEqual([]);
    expect(await failure(anonymous(baseUrl).login({ username: 'admin', password: 'typo' }))).toMatchObject({
      status: 401,
      message: expect.stringMatching(/not tried again/),
    });
  });
});
