// One authenticated relationship with one CSP endpoint + array + user. Logs in lazily, once
// for all concurrent callers (single flight); a token the CSP refuses (401) is dropped so the
// client logs in again and replays the call once. Capabilities are read once per session.

import type { Features } from '@opencsp/csp-spec';
import { CspClient, CspHttpError, type TokenSource } from '@opencsp/csp-spec/client';
import type { CspClientMetrics } from '@opencsp/csp-spec/metrics';
import { DriverError, isDriverError } from '../errors.js';
import type { CspEndpoint } from './endpoint.js';
import { cspFailure } from './errors.js';

export interface SessionOptions {
  timeoutMs: number;
  tlsInsecure: boolean;
  /** CA bundle for HTTPS CSPs (a function is read per new connection); default: system CAs. */
  ca: string | (() => string | undefined) | undefined;
  /** Service mode over plain HTTP (--csp-plain-http). */
  plainHttp?: boolean;
  /** Extra attempts after a connection failure (default 2). */
  retries?: number;
  retryDelayMs?: number;
  /** Where to report CSP requests and logins (metrics on). */
  metrics?: CspClientMetrics;
  /** CSP requests in flight at once (the connection pool; default: the client's). */
  connections?: number;
}

/** Features of a plain HPE-style CSP (no `GET /capabilities`): the base contract only. */
export const baseFeatures: Features = {
  capacity: false,
  volume_health: false,
  list_pagination: false,
  list_all_snapshots: false,
  volume_groups: false,
  snapshot_groups: false,
  replication: false,
  chap: false,
  expand_online: false,
  read_only_publish: false,
  read_only_per_host: false,
  host_volume_limit: false,
  any_volume_name: false,
  snapshot_delete_with_clones: false,
};

export interface CspFacts {
  features: Features;
  /** False for a CSP without `GET /capabilities`: features are unknown, not absent. */
  advertised: boolean;
  sizeGranularity: number | undefined;
  minVolumeSize: number | undefined;
  maxVolumeSize: number | undefined;
  /** What `GET /capabilities` lists; undefined for a plain HPE-style CSP (unknown). */
  accessProtocols: readonly string[] | undefined;
  /** Config keys `PUT /volumes/{id}` can change (`mutable_config_keys`); undefined: not stated. */
  mutableConfigKeys: readonly string[] | undefined;
}

export class CspSession implements TokenSource {
  readonly endpoint: CspEndpoint;
  readonly client: CspClient;
  #token: string | undefined;
  #login: Promise<string> | undefined;
  #facts: Promise<CspFacts> | undefined;
  /** The CSP refused a token it had issued: the next login is a re-login. */
  #refusedToken = false;
  readonly #metrics: CspClientMetrics | undefined;
  /** Logins performed (for tests and metrics). */
  logins = 0;

  constructor(endpoint: CspEndpoint, options: SessionOptions) {
    this.endpoint = endpoint;
    this.#metrics = options.metrics;
    const https = endpoint.baseUrl.startsWith('https:');
    this.client = new CspClient(
      {
        baseUrl: endpoint.baseUrl,
        timeoutMs: options.timeoutMs,
        ...(options.connections !== undefined ? { connections: options.connections } : {}),
        ...(options.retries !== undefined ? { retries: options.retries } : {}),
        ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
        ...(options.metrics ? { metrics: options.metrics } : {}),
        ...(endpoint.serviceMode ? { arrayIp: endpoint.backend } : {}),
        ...(https
          ? { tls: { rejectUnauthorized: !options.tlsInsecure, ...(options.ca ? { ca: options.ca } : {}) } }
          : {}),
      },
      this,
    );
  }

  /** Where this session goes, for messages (no credentials). */
  get describe(): string {
    return `CSP ${this.endpoint.baseUrl} (backend ${this.endpoint.backend})`;
  }

  async get(): Promise<string> {
    if (this.#token) {
      return this.#token;
    }
    this.#login ??= this.#doLogin().finally(() => {
      this.#login = undefined;
    });
    return this.#login;
  }

  refused(token: string): void {
    if (this.#token === token) {
      this.#token = undefined;
      this.#refusedToken = true;
    }
  }

  async #doLogin(): Promise<string> {
    this.logins++;
    const kind = this.#refusedToken ? 'relogin' : 'first';
    try {
      const token = await this.#logIn();
      this.#metrics?.login(kind, 'success');
      this.#refusedToken = false;
      return token;
    } catch (err) {
      this.#metrics?.login(kind, isDriverError(err) && err.kind === 'Unauthenticated' ? 'refused' : 'error');
      throw err;
    }
  }

  async #logIn(): Promise<string> {
    try {
      const token = await this.client.login({
        username: this.endpoint.username,
        password: this.endpoint.password,
        ...(this.endpoint.serviceMode ? { array_ip: this.endpoint.backend } : {}),
      });
      this.#token = token.session_token;
      return token.session_token;
    } catch (err) {
      if (err instanceof CspHttpError && err.status === 401) {
        throw new DriverError(
          'Unauthenticated',
          `log in to ${this.describe} as ${JSON.stringify(this.endpoint.username)}: refused (wrong username or password in the StorageClass secret)`,
          { cause: err },
        );
      }
      throw cspFailure(err, `log in to ${this.describe}`);
    }
  }

  /** The CSP's optional features, read once; a failed read is retried on the next call. */
  facts(): Promise<CspFacts> {
    this.#facts ??= this.#readFacts().catch((err: unknown) => {
      this.#facts = undefined;
      throw err;
    });
    return this.#facts;
  }

  async #readFacts(): Promise<CspFacts> {
    let caps: Awaited<ReturnType<CspClient['capabilities']>>;
    try {
      caps = await this.client.capabilities();
    } catch (err) {
      throw cspFailure(err, `read the capabilities of ${this.describe}`);
    }
    if (!caps) {
      return {
        features: baseFeatures,
        advertised: false,
        sizeGranularity: undefined,
        minVolumeSize: undefined,
        maxVolumeSize: undefined,
        accessProtocols: undefined,
        mutableConfigKeys: undefined,
      };
    }
    return {
      features: { ...baseFeatures, ...caps.features },
      advertised: true,
      sizeGranularity: caps.limits?.size_granularity,
      minVolumeSize: caps.limits?.min_volume_size,
      maxVolumeSize: caps.limits?.max_volume_size,
      accessProtocols: caps.access_protocols,
      mutableConfigKeys: caps.mutable_config_keys,
    };
  }

  /** Whether the CSP answers HTTP at all (any status), without logging in. */
  async reachable(timeoutMs: number): Promise<string | undefined> {
    try {
      await this.client.http.request({
        operation: 'probe',
        method: 'GET',
        path: '/capabilities',
        idempotent: true,
        timeoutMs,
      });
      return undefined;
    } catch (err) {
      return cspFailure(err, `reach ${this.describe}`).message;
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
