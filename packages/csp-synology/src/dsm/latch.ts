// Remembers logins DSM refused, so the same credentials are never tried again: DSM's Auto Block
// counts every failure and then refuses the CSP's address for hours, taking down every cluster
// that shares it. A latch opens when the credentials change, after an optional cooldown, or when
// the CSP restarts. A blocked address (407) latches every account on that NAS.
import { createHash } from 'node:crypto';
import { DsmLoginError, loginRefusalText } from './errors.js';

interface Refusal {
  code: number;
  at: number;
}

export class LoginLatch {
  readonly #refusals = new Map<string, Refusal>();
  readonly #cooldownMs: number;
  readonly #now: () => number;

  /** `cooldownMs` 0 keeps a refusal until the credentials change or the process restarts. */
  constructor(cooldownMs = 0, now: () => number = Date.now) {
    this.#cooldownMs = cooldownMs;
    this.#now = now;
  }

  static key(baseUrl: string, username: string, password: string, deviceId = ''): string {
    const digest = createHash('sha256').update(`${username}\0${password}\0${deviceId}`).digest('hex');
    return `${baseUrl}|${digest}`;
  }

  /** Throws the remembered refusal for these credentials (or this NAS, when it blocked us). */
  check(baseUrl: string, key: string): void {
    for (const k of [`${baseUrl}|*`, key]) {
      const refusal = this.#refusals.get(k);
      if (!refusal) {
        continue;
      }
      if (this.#cooldownMs > 0 && this.#now() - refusal.at >= this.#cooldownMs) {
        this.#refusals.delete(k);
        continue;
      }
      const text = loginRefusalText[refusal.code] ?? `DSM refused the login with error ${refusal.code}`;
      throw new DsmLoginError(
        refusal.code,
        `${text} (DSM error ${refusal.code}); these credentials are not tried again, to keep DSM Auto Block from locking this CSP out: fix the Secret or the account, then retry`,
      );
    }
  }

  record(baseUrl: string, key: string, code: number): void {
    this.#refusals.set(code === 407 ? `${baseUrl}|*` : key, { code, at: this.#now() });
  }

  clear(key: string): void {
    this.#refusals.delete(key);
  }

  get size(): number {
    return this.#refusals.size;
  }
}
