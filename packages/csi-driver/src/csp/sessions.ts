// All CSP sessions of the driver, keyed by endpoint + backend + user + password hash. RPCs that
// carry secrets get (or create) their session; RPCs without secrets (ListVolumes, GetCapacity,
// ControllerGetVolume) use the default credentials from --csp-secret-dir when configured, and
// the sessions opened by earlier calls otherwise.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failedPrecondition } from '../errors.js';
import { endpointFromSecrets } from './endpoint.js';
import { CspSession, type SessionOptions } from './session.js';

export class CspSessions {
  readonly #options: SessionOptions;
  /** By `slot` (endpoint + backend + user): one live session each. */
  readonly #sessions = new Map<string, CspSession>();
  #default: CspSession | undefined;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** The session for a request's secrets (validated: missing keys are InvalidArgument). */
  forSecrets(secrets: Record<string, string>): CspSession {
    const endpoint = endpointFromSecrets(secrets, { plainHttp: this.#options.plainHttp ?? false });
    const existing = this.#sessions.get(endpoint.slot);
    if (existing?.endpoint.key === endpoint.key) {
      return existing;
    }
    const session = new CspSession(endpoint, this.#options);
    this.#sessions.set(endpoint.slot, session);
    if (existing) {
      // The password changed: the old session can never be used again.
      void existing.close().catch(() => undefined);
      if (this.#default === existing) {
        this.#default = session;
      }
    }
    return session;
  }

  /** Reads default credentials from a directory holding one file per secret key (a mounted Secret). */
  async loadDefault(dir: string): Promise<CspSession> {
    const secrets: Record<string, string> = {};
    for (const name of await readdir(dir)) {
      if (/^[A-Za-z0-9._-]+$/.test(name) && !name.startsWith('.')) {
        secrets[name] = (await readFile(join(dir, name), 'utf8')).trim();
      }
    }
    this.#default = this.forSecrets(secrets);
    return this.#default;
  }

  /** Every known session, default first, then in a stable order (by slot). */
  known(): CspSession[] {
    const rest = [...this.#sessions.values()]
      .filter((s) => s !== this.#default)
      .sort((a, b) => a.endpoint.slot.localeCompare(b.endpoint.slot));
    return this.#default ? [this.#default, ...rest] : rest;
  }

  bySlotPrefix(prefix: string): CspSession | undefined {
    return this.known().find((s) => s.endpoint.slot.startsWith(prefix));
  }

  /** The one session a secretless RPC about the whole array should use. */
  single(rpc: string): CspSession {
    if (this.#default) {
      return this.#default;
    }
    const all = this.known();
    if (all.length === 1) {
      return all[0] as CspSession;
    }
    throw failedPrecondition(
      all.length === 0
        ? `${rpc}: no CSP credentials are known yet; start the driver with --csp-secret-dir or provision a volume first`
        : `${rpc}: ${all.length} CSP backends are in use and the request names none; start the driver with --csp-secret-dir to choose one`,
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => s.close().catch(() => undefined)));
    this.#sessions.clear();
    this.#default = undefined;
  }
}
