// An authenticated DSM Web API session. Logs in once (single-flight), sends the sid both as
// cookie `id` and as `_sid`, echoes the SynoToken (CSRF protection), re-logs in once and replays
// when DSM reports the session lost (105/106/107/119/150), and logs in under the kit's login guard:
// a refused password is never sent again, failures are limited, and an Auto Block pauses logins.

import type { ArrayMetrics } from '@opencsp/csp-spec/metrics';
import type { LoginAttempt, LoginGuard, LoginOutcome } from '@opencsp/csp-spec/server';
import type { ApiCatalog } from './discovery.js';
import { type DsmParams, encodeParams } from './encoding.js';
import { DsmApiError, DsmLoginError, DsmTransportError, loginRefusalText, sessionLostCodes } from './errors.js';
import type { DsmEnvelope, DsmTransport } from './transport.js';

export interface DsmCredentials {
  username: string;
  password: string;
  /** Device token from a 2-step-verification enrolment (`did`), sent as `device_id`. */
  deviceId?: string | undefined;
}

export interface DsmClientOptions {
  /** DSM groups sessions by this name (`session` at login). */
  sessionName: string;
  /** Remembers refused logins, limits failures and pauses while DSM Auto Block refuses the CSP. */
  guard: LoginGuard;
  /** This client's login as the guard knows it (`guard.attempt(nas, user, password, deviceId)`). */
  attempt: LoginAttempt;
  /** Attempts after a transport failure for calls that are safe to resend (default 2). */
  retries?: number;
  retryDelayMs?: number;
  /** Where to report calls (`<api>.<method>` and DSM's error code), API sessions and logins (metrics on). */
  metrics?: ArrayMetrics;
}

export interface CallOptions {
  /** Safe to resend after a connection broke mid-request (reads). */
  idempotent?: boolean;
}

const autoBlocked = 407;

const readMethods = /^(get|list|info|query|list_snapshot|get_snapshot)$/;

export class DsmClient {
  readonly transport: DsmTransport;
  readonly catalog: ApiCatalog;
  readonly #credentials: DsmCredentials;
  readonly #options: DsmClientOptions;
  #sid: string | undefined;
  #token: string | undefined;
  #generation = 0;
  #loggingIn: Promise<void> | undefined;
  /** DSM dropped our session (105/106/107/119/150): the next login re-establishes it. */
  #lost = false;
  /** DSM logins this client made (tests check re-login behaviour with it). */
  logins = 0;

  constructor(transport: DsmTransport, catalog: ApiCatalog, credentials: DsmCredentials, options: DsmClientOptions) {
    this.transport = transport;
    this.catalog = catalog;
    this.#credentials = credentials;
    this.#options = options;
  }

  /** Logs in unless a login is already running, in which case it waits for that one. */
  login(): Promise<void> {
    this.#loggingIn ??= this.#login().finally(() => {
      this.#loggingIn = undefined;
    });
    return this.#loggingIn;
  }

  async call<T = Record<string, unknown>>(
    api: string,
    method: string,
    params: DsmParams = {},
    options: CallOptions = {},
  ): Promise<T> {
    const idempotent = options.idempotent ?? readMethods.test(method);
    for (let attempt = 0; ; attempt++) {
      if (!this.#sid) {
        await this.login();
      }
      const generation = this.#generation;
      const envelope = await this.#measured(api, method, this.#send(api, method, params, idempotent));
      if (envelope.success) {
        return (envelope.data ?? {}) as T;
      }
      const code = envelope.error?.code ?? 100;
      if (attempt === 0 && sessionLostCodes.has(code)) {
        if (generation === this.#generation) {
          this.#setSid(undefined);
          this.#lost = true;
        }
        continue;
      }
      throw new DsmApiError(code, api, method);
    }
  }

  async logout(): Promise<void> {
    const sid = this.#sid;
    this.#setSid(undefined);
    if (!sid) {
      return;
    }
    const auth = this.catalog.endpoint('SYNO.API.Auth');
    const fields: [string, string][] = [
      ['api', 'SYNO.API.Auth'],
      ['version', String(auth.version)],
      ['method', 'logout'],
      ['session', this.#options.sessionName],
      ['_sid', sid],
    ];
    await this.transport.post(auth.path, fields, { cookie: `id=${sid}` }).catch(() => undefined);
  }

  #login(): Promise<void> {
    return this.#options.guard.run(this.#options.attempt, () => this.#loginOnce(), loginOutcome);
  }

  async #loginOnce(): Promise<void> {
    const auth = this.catalog.endpoint('SYNO.API.Auth');
    const fields: [string, string][] = [
      ['api', 'SYNO.API.Auth'],
      ['version', String(auth.version)],
      ['method', 'login'],
      ...encodeParams(
        {
          account: this.#credentials.username,
          passwd: this.#credentials.password,
          session: this.#options.sessionName,
          format: 'sid',
          enable_syno_token: 'yes',
          device_id: this.#credentials.deviceId || undefined,
        },
        false,
      ),
    ];
    this.logins++;
    const { metrics } = this.#options;
    const envelope = await this.transport.post(auth.path, fields).catch((err: unknown) => {
      metrics?.login('error');
      throw err;
    });
    if (!envelope.success) {
      const code = envelope.error?.code ?? 100;
      metrics?.login(code in loginRefusalText ? 'refused' : 'error');
      if (code in loginRefusalText) {
        throw new DsmLoginError(code, `DSM refused the login: ${loginRefusalText[code]} (DSM error ${code})`);
      }
      throw new DsmApiError(code, 'SYNO.API.Auth', 'login');
    }
    const data = envelope.data as { sid?: unknown; synotoken?: unknown } | undefined;
    if (typeof data?.sid !== 'string' || data.sid === '') {
      metrics?.login('error');
      throw new DsmTransportError('DSM login answered without a sid', true);
    }
    metrics?.login('success');
    if (this.#lost) {
      this.#lost = false;
      metrics?.reconnected();
    }
    this.#setSid(data.sid);
    this.#token = typeof data.synotoken === 'string' ? data.synotoken : undefined;
    this.#generation++;
  }

  /** Holds (or drops) the session id; the open API sessions metric follows. */
  #setSid(sid: string | undefined): void {
    if (Boolean(sid) !== Boolean(this.#sid)) {
      this.#options.metrics?.connection(sid ? 1 : -1);
    }
    this.#sid = sid;
  }

  /** Reports one call's outcome (`ok`, DSM's error code, or `transport`) and latency. */
  async #measured(api: string, method: string, answer: Promise<DsmEnvelope>): Promise<DsmEnvelope> {
    const { metrics } = this.#options;
    if (!metrics) {
      return answer;
    }
    const started = performance.now();
    const name = `${api}.${method}`;
    try {
      const envelope = await answer;
      const code = envelope.success ? 'ok' : String(envelope.error?.code ?? 100);
      metrics.call(name, code, (performance.now() - started) / 1000);
      return envelope;
    } catch (err) {
      metrics.call(name, 'transport', (performance.now() - started) / 1000);
      throw err;
    }
  }

  async #send(api: string, method: string, params: DsmParams, idempotent: boolean): Promise<DsmEnvelope> {
    const endpoint = this.catalog.endpoint(api);
    const sid = this.#sid as string;
    const fields: [string, string][] = [
      ['api', api],
      ['version', String(endpoint.version)],
      ['method', method],
      ...encodeParams(params, endpoint.json),
      ['_sid', sid],
    ];
    const headers: Record<string, string> = { cookie: `id=${sid}` };
    if (this.#token) {
      fields.push(['SynoToken', this.#token]);
      headers['x-syno-token'] = this.#token;
    }
    const retries = this.#options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transport.post(endpoint.path, fields, headers);
      } catch (err) {
        const resendable = err instanceof DsmTransportError && (idempotent || !err.maybeProcessed);
        if (!resendable || attempt >= retries) {
          throw err;
        }
        await new Promise((r) => setTimeout(r, (this.#options.retryDelayMs ?? 250) * 2 ** attempt));
      }
    }
  }
}

/** DSM's login refusals count as failed logins; 407 (Auto Block) pauses logins to the NAS. */
function loginOutcome(err: unknown): LoginOutcome {
  if (!(err instanceof DsmLoginError)) {
    return { kind: 'other' };
  }
  return err.code === autoBlocked
    ? { kind: 'blocked', message: err.message }
    : { kind: 'refused', message: err.message };
}
