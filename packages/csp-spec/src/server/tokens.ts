// Opaque session tokens. A token maps to one authenticated array session held in memory; the
// credentials stay inside the provider's session. A CSP restart forgets every token, and drivers
// answer the resulting 401 by logging in again.
import { createHash, randomBytes } from 'node:crypto';
import type { ArraySession } from './provider.js';

export interface TokenEntry {
  /** Public token id (for DELETE /tokens/{id}); not a secret. */
  id: string;
  session: ArraySession;
  username: string;
  arrayIp: string | undefined;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
}

export interface TokenStoreOptions {
  /** A token unused for this long expires. */
  idleTtlMs: number;
  /** A token expires this long after login, used or not. */
  maxTtlMs: number;
  /** Called with sessions whose token expired or was revoked, to close them. */
  onExpire: (entry: TokenEntry) => void;
  now?: () => number;
}

const tokenBytes = 32;

export class TokenStore {
  readonly #byToken = new Map<string, TokenEntry>();
  readonly #options: TokenStoreOptions;
  readonly #now: () => number;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: TokenStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Starts the periodic sweep of expired tokens. */
  start(intervalMs = 60_000): void {
    this.#sweeper ??= setInterval(() => this.sweep(), intervalMs);
    this.#sweeper.unref();
  }

  issue(session: ArraySession, username: string, arrayIp: string | undefined): { token: string; entry: TokenEntry } {
    const token = randomBytes(tokenBytes).toString('base64url');
    const now = this.#now();
    const entry: TokenEntry = {
      id: createHash('sha256').update(token).digest('hex').slice(0, 32),
      session,
      username,
      arrayIp,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + this.#options.maxTtlMs,
    };
    this.#byToken.set(token, entry);
    return { token, entry };
  }

  /** The live entry for a token, refreshing its idle timer; undefined when unknown or expired. */
  resolve(token: string): TokenEntry | undefined {
    const entry = this.#byToken.get(token);
    if (!entry) {
      return undefined;
    }
    const now = this.#now();
    if (this.#expired(entry, now)) {
      this.#drop(token, entry);
      return undefined;
    }
    entry.lastUsedAt = now;
    return entry;
  }

  /** Revokes by token value or token id. Returns false when nothing matched. */
  revoke(tokenOrId: string): boolean {
    for (const [token, entry] of this.#byToken) {
      if (token === tokenOrId || entry.id === tokenOrId) {
        this.#drop(token, entry);
        return true;
      }
    }
    return false;
  }

  sweep(): void {
    const now = this.#now();
    for (const [token, entry] of this.#byToken) {
      if (this.#expired(entry, now)) {
        this.#drop(token, entry);
      }
    }
  }

  /** Removes every token and returns their sessions (for shutdown). */
  drain(): ArraySession[] {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    const sessions = [...this.#byToken.values()].map((e) => e.session);
    this.#byToken.clear();
    return sessions;
  }

  get size(): number {
    return this.#byToken.size;
  }

  #expired(entry: TokenEntry, now: number): boolean {
    return now >= entry.expiresAt || now - entry.lastUsedAt >= this.#options.idleTtlMs;
  }

  #drop(token: string, entry: TokenEntry): void {
    this.#byToken.delete(token);
    this.#options.onExpire(entry);
  }
}
