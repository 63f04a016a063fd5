// Keeps strangers from locking a CSP out of its arrays. `POST /tokens` is unauthenticated, and
// arrays punish failed logins by address (DSM Auto Block refuses the CSP's address after a few
// failures, for every account and every cluster behind it). So the CSP:
// - remembers a refusal only for the exact (array, user, password) refused, and answers it again
//   without asking the array; other credentials are unaffected;
// - allows at most a few failed logins per array and per user within a window, counting logins in
//   flight, so the array's threshold is never reached; past the limit it answers 429 with
//   Retry-After without contacting the array. Credentials that already worked skip the limit;
// - when the array refuses the CSP's address anyway, answers 429 for a pause that doubles, then
//   lets one login through to see whether the block was lifted, and recovers by itself.
// Concurrent logins with the same credentials wait for the first one's outcome. Every answer the
// guard gives itself is counted by reason (metrics on), as the array's login counter never sees it.
import { createHmac, randomBytes } from 'node:crypto';
import type { ArrayMetrics, LoginRefusalReason } from '../metrics/types.js';
import { type OptionSpec, parsers } from '../options.js';
import { CspProblem } from './errors.js';

export interface LoginGuardSettings {
  /** Failed logins allowed per array within `windowMs`. */
  failuresPerArray: number;
  /** Failed logins allowed per array and user within `windowMs`. */
  failuresPerUser: number;
  windowMs: number;
  /** A refused (array, user, password) is tried again after this long; 0: never (until restart). */
  refusalMemoryMs: number;
  /** First pause after the array refused the CSP's address; doubles up to `blockedMaxMs`. */
  blockedRetryMs: number;
  blockedMaxMs: number;
  now?: () => number;
}

/** One login about to be tried. Create it with `LoginGuard.attempt`. */
export interface LoginAttempt {
  readonly array: string;
  readonly user: string;
  /** Keyed hash of array, user and secret: never the secret itself. */
  readonly key: string;
}

/** How a login ended, as the provider reads its array's answer. */
export type LoginOutcome =
  | { kind: 'succeeded' }
  | { kind: 'refused'; message: string }
  | { kind: 'blocked'; message: string }
  | { kind: 'other' };

interface Pending {
  attempt: LoginAttempt;
  /** Counted against the failure limits (credentials not known to work). */
  counted: boolean;
  /** The one login let through after a block's pause. */
  probe: boolean;
  /** Releases logins with the same credentials that wait for this one. */
  settle: () => void;
}

interface Block {
  until: number;
  pauseMs: number;
  message: string;
  probing: boolean;
}

const maxRemembered = 4096;

export const loginGuardSettingNames = {
  failuresPerArray: 'CSP_LOGIN_FAILURES_PER_ARRAY',
  failuresPerUser: 'CSP_LOGIN_FAILURES_PER_USER',
  window: 'CSP_LOGIN_FAILURE_WINDOW',
  refusalMemory: 'CSP_LOGIN_RETRY_AFTER',
} as const;

/** The guard's settings as CSP options (both CSPs spread these into their option tables). */
export const loginGuardOptions = {
  loginFailuresPerArray: {
    flag: 'login-failures-per-array',
    env: loginGuardSettingNames.failuresPerArray,
    description: 'Failed logins allowed per array within the window; keep it below the array lockout threshold',
    parse: parsers.int(1, 100),
    default: 2,
  } satisfies OptionSpec<number>,
  loginFailuresPerUser: {
    flag: 'login-failures-per-user',
    env: loginGuardSettingNames.failuresPerUser,
    description: 'Failed logins allowed per array and user within the window',
    parse: parsers.int(1, 100),
    default: 2,
  } satisfies OptionSpec<number>,
  loginFailureWindow: {
    flag: 'login-failure-window',
    env: loginGuardSettingNames.window,
    description: 'Window in which failed logins are counted',
    parse: parsers.duration,
    default: 15 * 60_000,
  } satisfies OptionSpec<number>,
  loginRetryAfter: {
    flag: 'login-retry-after',
    env: loginGuardSettingNames.refusalMemory,
    description: 'Try credentials the array refused again after this long (0: only once they change)',
    parse: parsers.duration,
    default: 0,
  } satisfies OptionSpec<number>,
};

export function loginGuardSettings(values: {
  loginFailuresPerArray: number;
  loginFailuresPerUser: number;
  loginFailureWindow: number;
  loginRetryAfter: number;
}): LoginGuardSettings {
  return {
    failuresPerArray: values.loginFailuresPerArray,
    failuresPerUser: values.loginFailuresPerUser,
    windowMs: values.loginFailureWindow,
    refusalMemoryMs: values.loginRetryAfter,
    blockedRetryMs: 60_000,
    blockedMaxMs: 15 * 60_000,
  };
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function rateLimited(message: string, retryMs: number, cause?: unknown): CspProblem {
  const retryAfterSeconds = seconds(retryMs);
  return new CspProblem('RATE_LIMITED', `${message}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds, cause });
}

export class LoginGuard {
  readonly #settings: LoginGuardSettings;
  readonly #now: () => number;
  readonly #salt = randomBytes(32);
  /** Failure times per array, and per array + user. */
  readonly #failures = new Map<string, number[]>();
  readonly #refused = new Map<string, { message: string; at: number }>();
  readonly #good = new Set<string>();
  readonly #pending = new Set<Pending>();
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #blocked = new Map<string, Block>();
  readonly #metrics: Pick<ArrayMetrics, 'loginRefused'> | undefined;

  constructor(settings: LoginGuardSettings, metrics?: Pick<ArrayMetrics, 'loginRefused'>) {
    this.#settings = settings;
    this.#now = settings.now ?? Date.now;
    this.#metrics = metrics;
  }

  /** Counts an answer the guard gives without contacting the array; returns it for throwing. */
  #refuse(reason: LoginRefusalReason, problem: CspProblem): CspProblem {
    this.#metrics?.loginRefused(reason);
    return problem;
  }

  attempt(array: string, user: string, secret: string, extra = ''): LoginAttempt {
    const key = createHmac('sha256', this.#salt).update(`${array}\0${user}\0${secret}\0${extra}`).digest('hex');
    return { array, user, key };
  }

  /**
   * Runs one login under the guard. `login` is not called when the credentials were refused
   * before (401), the limits are reached or the array blocks the CSP (429, RATE_LIMITED).
   */
  async run<T>(attempt: LoginAttempt, login: () => Promise<T>, outcome: (err: unknown) => LoginOutcome): Promise<T> {
    const pending = await this.#admit(attempt);
    try {
      const result = await login();
      this.#finish(pending, { kind: 'succeeded' });
      return result;
    } catch (err) {
      const result = outcome(err);
      const pauseMs = this.#finish(pending, result);
      if (result.kind === 'blocked') {
        throw rateLimited(`${result.message}; the CSP pauses its logins to ${attempt.array}`, pauseMs, err);
      }
      throw err;
    }
  }

  async #admit(attempt: LoginAttempt): Promise<Pending> {
    for (let running = this.#inflight.get(attempt.key); running; running = this.#inflight.get(attempt.key)) {
      await running;
    }
    const { block, counted } = this.#check(attempt);
    if (block) {
      block.probing = true;
    }
    let settle: () => void = () => undefined;
    this.#inflight.set(
      attempt.key,
      new Promise<void>((resolve) => {
        settle = resolve;
      }),
    );
    const pending: Pending = { attempt, counted, probe: block !== undefined, settle };
    this.#pending.add(pending);
    return pending;
  }

  /**
   * Throws what `run` would answer for this login without running it (401 for a remembered
   * refusal, 429 for a pause or a reached limit); changes no state. For work a provider does before
   * the login itself (e.g. API discovery), so a login that cannot go through contacts nothing.
   * Such an answer is counted like one from `run` (the request ends there, so it is counted once).
   */
  check(attempt: LoginAttempt): void {
    this.#check(attempt);
  }

  #check(attempt: LoginAttempt): { block: Block | undefined; counted: boolean } {
    const now = this.#now();
    this.#checkRefused(attempt, now);
    const block = this.#checkBlocked(attempt.array, now);
    const counted = !this.#good.has(attempt.key);
    if (counted) {
      this.#checkLimit(attempt.array, attempt.array, this.#settings.failuresPerArray, now, (p) => p.attempt.array);
      this.#checkLimit(
        `${attempt.array}\0${attempt.user}`,
        `${attempt.user} on ${attempt.array}`,
        this.#settings.failuresPerUser,
        now,
        (p) => `${p.attempt.array}\0${p.attempt.user}`,
      );
    }
    return { block, counted };
  }

  #checkRefused(attempt: LoginAttempt, now: number): void {
    const refusal = this.#refused.get(attempt.key);
    if (!refusal) {
      return;
    }
    const memory = this.#settings.refusalMemoryMs;
    if (memory > 0 && now - refusal.at >= memory) {
      this.#refused.delete(attempt.key);
      return;
    }
    throw this.#refuse(
      'remembered',
      new CspProblem(
        'UNAUTHENTICATED',
        `${refusal.message}; these credentials are not tried again, so that repeated failures cannot make the array lock this CSP out: fix the Secret or the account, then retry`,
      ),
    );
  }

  /** Throws while the array blocks the CSP; returns the block when this login may probe it. */
  #checkBlocked(array: string, now: number): Block | undefined {
    const block = this.#blocked.get(array);
    if (block && (now < block.until || block.probing)) {
      throw this.#refuse(
        'blocked',
        rateLimited(
          `${block.message}; the CSP does not contact ${array} until the pause ends`,
          Math.max(block.until - now, 1000),
        ),
      );
    }
    return block;
  }

  #checkLimit(key: string, what: string, limit: number, now: number, keyOf: (p: Pending) => string): void {
    const recent = this.#recent(key, now);
    const inFlight = [...this.#pending].filter((p) => p.counted && keyOf(p) === key).length;
    if (recent.length + inFlight < limit) {
      return;
    }
    const { windowMs } = this.#settings;
    const names = loginGuardSettingNames;
    // Full with failures: wait until the oldest leaves the window; else logins in flight hold it.
    const retryMs = recent.length >= limit ? (recent[recent.length - limit] as number) + windowMs - now : 1000;
    throw this.#refuse(
      'limit',
      rateLimited(
        `too many failed logins for ${what} (at most ${limit} per ${seconds(windowMs)} s, ${names.failuresPerArray}, ${names.failuresPerUser}, ${names.window}); the array was not contacted`,
        retryMs,
      ),
    );
  }

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((t) => now - t < this.#settings.windowMs);
    if (times.length === 0) {
      this.#failures.delete(key);
    } else {
      this.#failures.set(key, times);
    }
    return times;
  }

  /**
   * Drops the failure lists whose newest failure left the window. A list is otherwise pruned only
   * when its own key is checked again, so every user name ever refused (a client may send any)
   * stayed in memory for good; with this sweep the map holds only keys with a failure in the
   * window, which the per-array limit bounds. Runs on each refusal: O(keys), and refusals are rare.
   */
  #forgetOldFailures(now: number): void {
    for (const [key, times] of this.#failures) {
      const newest = times[times.length - 1];
      if (newest === undefined || now - newest >= this.#settings.windowMs) {
        this.#failures.delete(key);
      }
    }
  }

  /** Entries the guard holds (failure lists, remembered refusals, credentials known good), for tests and metrics. */
  get remembered(): { failures: number; refused: number; good: number } {
    return { failures: this.#failures.size, refused: this.#refused.size, good: this.#good.size };
  }

  /** Records how a login ended; returns the pause a block starts (0 otherwise). */
  #finish(pending: Pending, outcome: LoginOutcome): number {
    this.#pending.delete(pending);
    this.#inflight.delete(pending.attempt.key);
    pending.settle();
    const { attempt } = pending;
    const now = this.#now();
    const block = this.#blocked.get(attempt.array);
    if (pending.probe && block) {
      block.probing = false;
    }
    switch (outcome.kind) {
      case 'succeeded':
        remember(this.#good, attempt.key);
        this.#refused.delete(attempt.key);
        this.#blocked.delete(attempt.array);
        return 0;
      case 'refused':
        this.#good.delete(attempt.key);
        this.#forgetOldFailures(now);
        for (const key of [attempt.array, `${attempt.array}\0${attempt.user}`]) {
          this.#failures.set(key, [...this.#recent(key, now), now]);
        }
        this.#refused.delete(attempt.key);
        this.#refused.set(attempt.key, { message: outcome.message, at: now });
        trim(this.#refused);
        return 0;
      case 'blocked': {
        const pauseMs = block
          ? Math.min(block.pauseMs * 2, this.#settings.blockedMaxMs)
          : this.#settings.blockedRetryMs;
        this.#blocked.set(attempt.array, { until: now + pauseMs, pauseMs, message: outcome.message, probing: false });
        return pauseMs;
      }
      case 'other':
        return 0;
    }
  }
}

function remember(set: Set<string>, key: string): void {
  set.delete(key);
  set.add(key);
  if (set.size > maxRemembered) {
    set.delete(set.values().next().value as string);
  }
}

function trim(map: Map<string, unknown>): void {
  while (map.size > maxRemembered) {
    map.delete(map.keys().next().value as string);
  }
}
