import { describe, expect, it } from 'vitest';
import { arrayMetrics, type LoginRefusalReason, MetricsHub } from '../src/metrics/index.js';
import { type CspProblem, LoginGuard, type LoginOutcome } from '../src/server/index.js';

/** A fake array: a password per user, a login counter, and an address block like DSM's. */
class FakeArray {
  logins = 0;
  blocked = false;
  constructor(readonly passwords: Record<string, string>) {}
  async login(user: string, password: string): Promise<string> {
    this.logins++;
    await Promise.resolve();
    if (this.blocked) {
      throw new Error('blocked');
    }
    if (this.passwords[user] !== password) {
      throw new Error('refused');
    }
    return 'session';
  }
}

const outcome = (err: unknown): LoginOutcome => {
  const message = (err as Error).message;
  if (message === 'refused') {
    return { kind: 'refused', message: 'wrong password' };
  }
  return message === 'blocked' ? { kind: 'blocked', message: 'the array blocks this CSP' } : { kind: 'other' };
};

function setup(
  extra: {
    failuresPerArray?: number;
    failuresPerUser?: number;
    metrics?: { loginRefused(r: LoginRefusalReason): void };
  } = {},
) {
  let now = 1_000_000;
  const guard = new LoginGuard(
    {
      failuresPerArray: extra.failuresPerArray ?? 2,
      failuresPerUser: extra.failuresPerUser ?? 2,
      windowMs: 15 * 60_000,
      refusalMemoryMs: 0,
      blockedRetryMs: 60_000,
      blockedMaxMs: 15 * 60_000,
      now: () => now,
    },
    extra.metrics,
  );
  const array = new FakeArray({ admin: 'right', csi: 'csi-right' });
  const login = (user: string, password: string) =>
    guard.run(guard.attempt('nas:5001', user, password), () => array.login(user, password), outcome);
  const failure = (user: string, password: string) =>
    login(user, password).then(
      () => undefined,
      (err: unknown) => err as CspProblem | Error,
    );
  return { guard, array, login, failure, advance: (ms: number) => (now += ms) };
}

describe('login guard', () => {
  it('remembers a refusal only for the exact credentials refused', async () => {
    const { array, login, failure } = setup();
    expect(await failure('admin', 'typo')).toMatchObject({ message: 'refused' });
    const again = await failure('admin', 'typo');
    expect(again).toMatchObject({ reason: 'UNAUTHENTICATED' });
    expect(again?.message).toMatch(/^wrong password; these credentials are not tried again/);
    expect(array.logins).toBe(1);
    expect(await login('admin', 'right')).toBe('session');
    expect(array.logins).toBe(2);
  });

  it('limits failed logins per array with 429 and Retry-After, without contacting the array', async () => {
    const { array, failure, advance, login } = setup({ failuresPerArray: 2, failuresPerUser: 5 });
    await failure('admin', 'guess-1');
    advance(60_000);
    await failure('csi', 'guess-2');
    const limited = (await failure('admin', 'right')) as CspProblem;
    expect(limited).toMatchObject({ reason: 'RATE_LIMITED', status: 429, retryAfterSeconds: 14 * 60 });
    expect(limited.message).toMatch(/too many failed logins for nas:5001 .*CSP_LOGIN_FAILURES_PER_ARRAY/);
    expect(array.logins).toBe(2);
    advance(14 * 60_000);
    expect(await login('admin', 'right')).toBe('session');
  });

  it('limits failed logins per user', async () => {
    const { failure } = setup({ failuresPerArray: 10, failuresPerUser: 1 });
    await failure('admin', 'guess-1');
    expect(await failure('admin', 'guess-2')).toMatchObject({ reason: 'RATE_LIMITED' });
    expect(await failure('csi', 'guess-3')).toMatchObject({ message: 'refused' });
  });

  it('forgets failures that left the window, also of user names never tried again', async () => {
    const { guard, failure, advance } = setup({ failuresPerArray: 2, failuresPerUser: 2 });
    for (let window = 0; window < 50; window++) {
      await failure(`stranger-${window}-a`, 'guess');
      await failure(`stranger-${window}-b`, 'guess');
      advance(15 * 60_000);
    }
    // The array's list and the last window's two users: not one list per user ever refused.
    expect(guard.remembered.failures).toBe(3);
    expect(await failure('admin', 'guess')).toMatchObject({ message: 'refused' });
    expect(guard.remembered.failures).toBe(2);
  });

  it('lets credentials that worked before through while strangers fill the limit', async () => {
    const { array, login, failure } = setup();
    await login('admin', 'right');
    await failure('x', 'guess-1');
    await failure('y', 'guess-2');
    expect(await failure('z', 'guess-3')).toMatchObject({ reason: 'RATE_LIMITED' });
    expect(await login('admin', 'right')).toBe('session');
    expect(array.logins).toBe(4);
  });

  it('counts logins in flight, so concurrent guesses cannot pass the limit together', async () => {
    const { array, failure } = setup();
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((p) => failure('admin', p)));
    expect(array.logins).toBe(2);
    expect(results.filter((r) => (r as CspProblem).reason === 'RATE_LIMITED')).toHaveLength(3);
  });

  it('makes concurrent logins with the same credentials wait for the first one', async () => {
    const { array, failure, login } = setup();
    const wrong = await Promise.all([failure('admin', 'typo'), failure('admin', 'typo'), failure('admin', 'typo')]);
    expect(array.logins).toBe(1);
    expect(wrong.map((e) => (e as CspProblem).reason)).toEqual([undefined, 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
    await Promise.all([login('csi', 'csi-right'), login('csi', 'csi-right')]);
    expect(array.logins).toBe(3);
  });

  it('pauses while the array blocks the CSP, probes once after the pause, and recovers by itself', async () => {
    const { array, login, failure, advance } = setup();
    array.blocked = true;
    const first = (await failure('admin', 'right')) as CspProblem;
    expect(first).toMatchObject({ reason: 'RATE_LIMITED', retryAfterSeconds: 60 });
    expect(first.message).toMatch(/^the array blocks this CSP; the CSP pauses its logins to nas:5001; retry in 60 s$/);
    const paused = (await failure('admin', 'right')) as CspProblem;
    expect(paused).toMatchObject({ reason: 'RATE_LIMITED', retryAfterSeconds: 60 });
    expect(paused.message).toMatch(/^the array blocks this CSP/);
    advance(60_000);
    expect(await failure('admin', 'right')).toMatchObject({ retryAfterSeconds: 120 });
    expect(await failure('admin', 'right')).toMatchObject({ retryAfterSeconds: 120 });
    expect(array.logins).toBe(2);
    array.blocked = false;
    advance(120_000);
    expect(await login('admin', 'right')).toBe('session');
    expect(await login('admin', 'right')).toBe('session');
  });

  it('answers check() as run() would, without reserving anything', async () => {
    const { guard, failure, login } = setup({ failuresPerArray: 1 });
    const fresh = guard.attempt('nas:5001', 'admin', 'right');
    guard.check(fresh);
    guard.check(fresh);
    await failure('admin', 'typo');
    expect(() => guard.check(guard.attempt('nas:5001', 'admin', 'typo'))).toThrow(/not tried again/);
    expect(() => guard.check(fresh)).toThrow(/too many failed logins/);
    expect(await failure('admin', 'right')).toMatchObject({ reason: 'RATE_LIMITED' });
    await expect(login('csi', 'csi-right')).rejects.toMatchObject({ reason: 'RATE_LIMITED' });
  });

  it('forgets a refusal after the configured time', async () => {
    let now = 0;
    const guard = new LoginGuard({
      failuresPerArray: 5,
      failuresPerUser: 5,
      windowMs: 1000,
      refusalMemoryMs: 10_000,
      blockedRetryMs: 1000,
      blockedMaxMs: 1000,
      now: () => now,
    });
    const attempt = guard.attempt('a', 'u', 'p');
    const refuse = () =>
      guard.run(attempt, () => Promise.reject(new Error('refused')), outcome).catch((e: unknown) => e as CspProblem);
    expect(await refuse()).toMatchObject({ message: 'refused' });
    expect(await refuse()).toMatchObject({ reason: 'UNAUTHENTICATED' });
    now = 10_000;
    expect(await refuse()).toMatchObject({ message: 'refused' });
  });

  it('keeps only a keyed hash of the secret, keyed per process', () => {
    const settings = {
      failuresPerArray: 1,
      failuresPerUser: 1,
      windowMs: 1,
      refusalMemoryMs: 0,
      blockedRetryMs: 1,
      blockedMaxMs: 1,
    };
    const attempt = new LoginGuard(settings).attempt('nas', 'admin', 'hunter2');
    expect(JSON.stringify(attempt)).not.toContain('hunter2');
    expect(attempt.key).not.toBe(new LoginGuard(settings).attempt('nas', 'admin', 'hunter2').key);
  });

  it('counts every answer it gives without the array, by reason, once per login', async () => {
    const reasons: LoginRefusalReason[] = [];
    const { guard, array, failure, advance } = setup({ metrics: { loginRefused: (r) => reasons.push(r) } });
    await failure('admin', 'typo');
    await failure('admin', 'typo');
    await failure('admin', 'typo2');
    await failure('admin', 'typo3');
    expect(() => guard.check(guard.attempt('nas:5001', 'csi', 'csi-right'))).toThrow(/too many failed logins/);
    expect(reasons).toEqual(['remembered', 'limit', 'limit']);
    advance(15 * 60_000);
    array.blocked = true;
    await failure('csi', 'csi-right');
    await failure('csi', 'csi-right');
    expect(reasons).toEqual(['remembered', 'limit', 'limit', 'blocked']);
    expect(array.logins).toBe(3);
  });

  it('exposes the count by reason only: no user, array or password in any series', async () => {
    const hub = new MetricsHub();
    const { failure } = setup({ failuresPerArray: 1, metrics: arrayMetrics(hub) });
    expect(await hub.expose()).toContain('opencsp_csp_login_refusals_total{reason="blocked"} 0');
    await failure('admin', 'typo');
    await failure('admin', 'typo');
    await failure('csi', 'csi-right');
    const text = await hub.expose();
    expect(text).toContain('opencsp_csp_login_refusals_total{reason="remembered"} 1');
    expect(text).toContain('opencsp_csp_login_refusals_total{reason="limit"} 1');
    expect(text).not.toMatch(/admin|csi-right|typo|nas:5001/);
  });
});
