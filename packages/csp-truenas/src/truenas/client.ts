// An authenticated client for one array session: a small pool of WebSocket connections, each
// logged in; a broken connection is replaced (and logged in again) on the next call. Calls are
// retried only where that is safe: when the array refused for load (-32000), when the request
// never left, or for reads. Job methods work with and without legacy_jobs.
import type { Logger } from 'pino';
import { type ConnectionOptions, RpcConnection } from './connection.js';
import { CallTimeout, ConnectionLost, errnos, RpcFailure, rpc } from './errors.js';
import { type LoginCredentials, login } from './login.js';
import { loginResult } from './metrics.js';

export interface ClientOptions extends Omit<ConnectionOptions, 'url'> {
  url: string;
  /** Connections per session (1–64); each is opened when the others have `maxInFlight` calls. */
  connections: number;
  credentials: LoginCredentials;
  logger: Logger;
  /** First retry delay; grows per attempt (default 100 ms). */
  retryDelayMs?: number;
  /** Polling interval for job state when the array keeps legacy jobs (default 250 ms). */
  jobPollMs?: number;
}

export interface CallOptions {
  /** Safe to send twice: reads, and writes whose repetition changes nothing. */
  idempotent?: boolean;
  timeoutMs?: number;
}

const maxAttempts = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class TrueNasClient {
  readonly #options: ClientOptions;
  readonly #slots: Array<Promise<RpcConnection> | undefined>;
  /** The connection of each slot once it is open and logged in. */
  readonly #ready: Array<RpcConnection | undefined>;
  readonly #secure: boolean;
  #closed = false;
  /** Whether the array answers job methods with job ids (no core.set_options support). */
  #legacyJobs = false;
  /** Calls sent to the array (attempts included), for metrics and tests. */
  callCount = 0;
  /** Connections the array dropped that were not replaced yet (for the reconnect metric). */
  #lost = 0;

  private constructor(options: ClientOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: Math.max(1, Math.min(64, options.connections)) }, () => undefined);
    this.#ready = this.#slots.map(() => undefined);
    this.#secure = options.url.startsWith('wss://');
  }

  /** Connects and logs in the first connection, so bad credentials fail here. */
  static async connect(options: ClientOptions): Promise<TrueNasClient> {
    const client = new TrueNasClient(options);
    await client.#slot(0);
    return client;
  }

  #slot(index: number): Promise<RpcConnection> {
    const existing = this.#slots[index];
    if (existing) {
      return existing;
    }
    const opening = (async () => {
      const conn = await RpcConnection.open({ ...this.#options, url: this.#options.url });
      let loggedIn = false;
      conn.onClose((reason) => {
        if (this.#slots[index] === opening) {
          this.#slots[index] = undefined;
          this.#ready[index] = undefined;
        }
        if (!this.#closed) {
          this.#lost += loggedIn ? 1 : 0;
          this.#options.logger.debug({ connection: conn.id, reason }, 'TrueNAS connection closed');
        }
      });
      const { metrics } = this.#options;
      try {
        await login(conn, this.#options.credentials, this.#secure);
        this.#legacyJobs = conn.legacyJobs;
      } catch (err) {
        metrics?.login(loginResult(err));
        conn.close();
        throw err;
      }
      loggedIn = true;
      metrics?.login('success');
      if (this.#lost > 0) {
        this.#lost -= 1;
        metrics?.reconnected();
      }
      return conn;
    })();
    this.#slots[index] = opening;
    // Registered before any caller can wait on `opening`, so they find the slot ready.
    opening.then(
      (conn) => {
        if (this.#slots[index] === opening && conn.isOpen) {
          this.#ready[index] = conn;
        }
      },
      () => {
        if (this.#slots[index] === opening) {
          this.#slots[index] = undefined;
        }
      },
    );
    return opening;
  }

  /** Open connections that can take a call now (fewer than `maxInFlight`), least busy first. */
  #available(): RpcConnection | undefined {
    let best: RpcConnection | undefined;
    for (const conn of this.#ready) {
      if (conn?.isOpen && conn.load < this.#options.maxInFlight && (!best || conn.load < best.load)) {
        best = conn;
      }
    }
    return best;
  }

  /**
   * When no open connection can take a call now: opens one in a free slot (and returns it),
   * else waits for one being opened (undefined: look again), else, every slot being open and
   * full, returns the least busy connection (the call waits there for a slot).
   */
  async #capacity(): Promise<RpcConnection | undefined> {
    const slot = this.#slots.indexOf(undefined);
    if (slot >= 0) {
      return this.#slot(slot);
    }
    const opening = this.#slots.filter((s, i): s is Promise<RpcConnection> => s !== undefined && !this.#ready[i]);
    if (opening.length > 0) {
      await Promise.race(opening).catch(() => undefined);
      return undefined;
    }
    let least: RpcConnection | undefined;
    for (const conn of this.#ready) {
      if (conn?.isOpen && (!least || conn.load < least.load)) {
        least = conn;
      }
    }
    return least;
  }

  /**
   * A connection for one call, chosen synchronously right before the call is queued on it, so
   * that concurrent callers see each other's load and spread over the connections.
   */
  async #acquire(): Promise<RpcConnection> {
    let conn = this.#available();
    while (!conn) {
      conn = (await this.#capacity()) ?? this.#available();
    }
    return conn;
  }

  #retryable(err: unknown, idempotent: boolean): boolean {
    if (err instanceof RpcFailure) {
      if (err.code === rpc.tooManyConcurrentCalls) {
        return true;
      }
      return idempotent && err.code === rpc.callError && err.errno === errnos.EBUSY;
    }
    if (err instanceof ConnectionLost) {
      return !err.sent || idempotent;
    }
    return err instanceof CallTimeout && idempotent;
  }

  async call<T = unknown>(method: string, params: unknown[] = [], options: CallOptions = {}): Promise<T> {
    if (this.#closed) {
      throw new ConnectionLost(method, 'the array session is closed', false);
    }
    const idempotent = options.idempotent === true;
    for (let attempt = 1; ; attempt++) {
      let conn: RpcConnection | undefined;
      try {
        conn = this.#available() ?? (await this.#acquire());
        this.callCount += 1;
        return (await conn.call(method, params, options.timeoutMs)) as T;
      } catch (err) {
        if (err instanceof RpcFailure && err.errno === errnos.ENOTAUTHENTICATED && conn && attempt < maxAttempts) {
          conn.close(); // the array forgot the session (middleware restart): reconnect and log in again
          continue;
        }
        if (attempt >= maxAttempts || !this.#retryable(err, idempotent)) {
          throw err;
        }
        this.#options.logger.debug({ method, attempt, err: (err as Error).message }, 'retrying TrueNAS call');
        await sleep((this.#options.retryDelayMs ?? 100) * attempt);
      }
    }
  }

  /**
   * Calls a `@job` method and returns the job's result. With legacy jobs the array answers a job
   * id at once; the job is then followed with core.get_jobs until it ends.
   */
  async job<T = unknown>(method: string, params: unknown[] = [], options: CallOptions = {}): Promise<T> {
    const answer = await this.call(method, params, options);
    if (!this.#legacyJobs || typeof answer !== 'number') {
      return answer as T;
    }
    for (;;) {
      const jobs = await this.call<Array<Record<string, unknown>>>('core.get_jobs', [[['id', '=', answer]]], {
        idempotent: true,
      });
      const job = jobs[0];
      if (!job) {
        throw new RpcFailure(method, { code: rpc.callError, message: `job ${answer} disappeared` });
      }
      if (job.state === 'SUCCESS') {
        return job.result as T;
      }
      if (job.state === 'FAILED' || job.state === 'ABORTED') {
        const info = (job.exc_info ?? {}) as { errno?: number; extra?: unknown };
        throw new RpcFailure(method, {
          code: Array.isArray(info.extra) ? rpc.invalidParams : rpc.callError,
          message: 'Method call error',
          data: { error: info.errno, reason: job.error, extra: info.extra },
        });
      }
      await sleep(this.#options.jobPollMs ?? 250);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    this.#ready.splice(0);
    await Promise.all(
      slots.map((slot) =>
        slot?.then(
          (c) => c.close(),
          () => undefined,
        ),
      ),
    );
  }
}
