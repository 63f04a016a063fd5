import { afterEach, describe, expect, it } from 'vitest';
import { account, DsmSimulator, type DsmSimulatorOptions, totp } from '../../src/dsm/index.js';
import { call, login, sid } from './helpers.js';

let sim: DsmSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: DsmSimulatorOptions = {}): Promise<DsmSimulator> {
  sim = await DsmSimulator.start(options);
  return sim;
}

const lunList = { api: 'SYNO.Core.ISCSI.LUN', version: '1', method: 'list' };

describe('SYNO.API.Info', () => {
  it('describes every API with path, versions and request format', async () => {
    const s = await start();
    const answer = await call(
      s,
      { api: 'SYNO.API.Info', version: '1', method: 'query', query: 'all' },
      { cgi: 'query.cgi', method: 'GET' },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data?.['SYNO.Core.ISCSI.LUN']).toEqual({
      path: 'entry.cgi',
      minVersion: 1,
      maxVersion: 1,
      requestFormat: 'JSON',
    });
    expect(answer.body.data?.['SYNO.API.Auth']).toMatchObject({ path: 'entry.cgi', maxVersion: 7 });
  });

  it('answers 101, 102, 103 and 104 for missing, unknown API, unknown method and unsupported version', async () => {
    const s = await start();
    const codeOf = async (p: Record<string, unknown>) => (await call(s, p, { cgi: 'query.cgi' })).body.error?.code;
    expect(await codeOf({ api: 'SYNO.API.Info', method: 'query' })).toBe(101);
    expect(await codeOf({ api: 'SYNO.Nope', version: '1', method: 'query' })).toBe(102);
    expect(await codeOf({ api: 'SYNO.API.Info', version: '1', method: 'nope' })).toBe(103);
    expect(await codeOf({ api: 'SYNO.API.Info', version: '9', method: 'query' })).toBe(104);
  });
});

describe('SYNO.API.Auth', () => {
  it('logs in by GET or POST, on entry.cgi or legacy auth.cgi, and accepts the sid by _sid or cookie', async () => {
    const s = await start();
    const viaGet = await call(
      s,
      {
        api: 'SYNO.API.Auth',
        version: '3',
        method: 'login',
        account: 'admin',
        passwd: 'synology-sim-password',
        format: 'cookie',
      },
      { cgi: 'auth.cgi', method: 'GET' },
    );
    expect(viaGet.body.success).toBe(true);
    expect(String(viaGet.headers['set-cookie'])).toMatch(/^id=/);
    const session = String(viaGet.body.data?.sid);
    expect((await call(s, lunList, { sid: session, cookie: true })).body.success).toBe(true);
    expect((await call(s, lunList, { sid: session, method: 'GET' })).body.success).toBe(true);
    await call(s, { api: 'SYNO.API.Auth', version: '6', method: 'logout' }, { sid: session });
    expect((await call(s, lunList, { sid: session })).body.error?.code).toBe(119);
    expect((await call(s, lunList)).body.error?.code).toBe(119);
  });

  it('refuses bad passwords with 400 and blocks the IP after repeated failures (407), even for the right one', async () => {
    const s = await start({ autoBlock: { attempts: 3 } });
    for (let i = 0; i < 3; i++) {
      expect((await login(s, {}, { account: 'admin', passwd: 'wrong' })).body.error?.code).toBe(400);
    }
    expect((await login(s)).body.error?.code).toBe(407);
    s.auth.autoBlock.unblock();
    expect((await login(s)).body.success).toBe(true);
  });

  it('answers 402 for a disabled account and 105 on SAN APIs for a non-administrator', async () => {
    const s = await start({
      accounts: [account('off', 'pw-off', { disabled: true }), account('user', 'pw-user', { admin: false })],
    });
    expect((await login(s, {}, { account: 'off', passwd: 'pw-off' })).body.error?.code).toBe(402);
    const answer = await login(s, {}, { account: 'user', passwd: 'pw-user' });
    expect((await call(s, lunList, { sid: String(answer.body.data?.sid) })).body.error?.code).toBe(105);
  });

  it('implements 2-step verification with OTP codes and device tokens', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const s = await start({ accounts: [account('admin', 'pw', { otpSecret: secret })] });
    const creds = { account: 'admin', passwd: 'pw' };
    expect((await login(s, {}, creds)).body.error?.code).toBe(403);
    expect((await login(s, { otp_code: '000000' }, creds)).body.error?.code).toBe(404);
    const ok = await login(s, { otp_code: totp(secret), enable_device_token: 'yes', device_name: 'csp' }, creds);
    expect(ok.body.success).toBe(true);
    const did = String(ok.body.data?.did);
    expect(did).toMatch(/^[0-9a-f]{32}$/);
    expect((await login(s, { device_id: did }, creds)).body.success).toBe(true);
    expect((await login(s, { device_id: 'forged' }, creds)).body.error?.code).toBe(403);
  });

  it('requires the SynoToken in CSRF mode (header or parameter)', async () => {
    const s = await start({ csrf: true });
    const answer = await login(s, { enable_syno_token: 'yes' });
    const session = String(answer.body.data?.sid);
    const token = String(answer.body.data?.synotoken);
    expect((await call(s, lunList, { sid: session })).body.error?.code).toBe(105);
    expect((await call(s, lunList, { sid: session, token })).body.success).toBe(true);
    expect((await call(s, { ...lunList, SynoToken: token }, { sid: session })).body.success).toBe(true);
  });

  it('expires idle sessions (106), interrupts duplicate logins (107) and binds sessions to the client IP (150)', async () => {
    const s = await start({ sessionIdleMs: 50, interruptDuplicateLogins: true });
    const idle = await sid(s);
    await new Promise((r) => setTimeout(r, 80));
    expect((await call(s, lunList, { sid: idle })).body.error?.code).toBe(106);
    const first = String((await login(s, { session: 'csp' })).body.data?.sid);
    await login(s, { session: 'csp' });
    expect((await call(s, lunList, { sid: first })).body.error?.code).toBe(107);
    const bound = String((await login(s, { session: 'other' })).body.data?.sid);
    expect((await call(s, lunList, { sid: bound, localAddress: '127.0.0.2' })).body.error?.code).toBe(150);
  });
});
