// DSM's Auto Block: after `attempts` failed logins from one IP within `windowMs`, that IP is
// refused (407) for `blockMs`, even with the right password. Clients must never retry a rejected
// password, or one typo in a Secret locks the whole cluster out of the NAS.

export interface AutoBlockSettings {
  enabled: boolean;
  attempts: number;
  windowMs: number;
  blockMs: number;
}

export const defaultAutoBlock: AutoBlockSettings = {
  enabled: true,
  attempts: 3,
  windowMs: 5 * 60_000,
  blockMs: 24 * 3_600_000,
};

export class AutoBlock {
  settings: AutoBlockSettings;
  readonly #failures = new Map<string, number[]>();
  readonly #blockedUntil = new Map<string, number>();

  constructor(settings: Partial<AutoBlockSettings> = {}) {
    this.settings = { ...defaultAutoBlock, ...settings };
  }

  isBlocked(ip: string, now = Date.now()): boolean {
    const until = this.#blockedUntil.get(ip);
    if (until === undefined) {
      return false;
    }
    if (now >= until) {
      this.#blockedUntil.delete(ip);
      return false;
    }
    return true;
  }

  recordFailure(ip: string, now = Date.now()): void {
    if (!this.settings.enabled) {
      return;
    }
    const recent = (this.#failures.get(ip) ?? []).filter((t) => now - t < this.settings.windowMs);
    recent.push(now);
    this.#failures.set(ip, recent);
    if (recent.length >= this.settings.attempts) {
      this.#blockedUntil.set(ip, now + this.settings.blockMs);
      this.#failures.delete(ip);
    }
  }

  recordSuccess(ip: string): void {
    this.#failures.delete(ip);
  }

  /** Failed attempts per IP (for the audit and tests). */
  failures(ip: string): number {
    return this.#failures.get(ip)?.length ?? 0;
  }

  blockedIps(): string[] {
    return [...this.#blockedUntil.keys()].filter((ip) => this.isBlocked(ip));
  }

  unblock(ip?: string): void {
    if (ip === undefined) {
      this.#blockedUntil.clear();
      this.#failures.clear();
    } else {
      this.#blockedUntil.delete(ip);
      this.#failures.delete(ip);
    }
  }
}
