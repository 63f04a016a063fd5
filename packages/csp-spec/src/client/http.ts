// HTTP transport to one CSP endpoint: pooled keep-alive connections (undici Pool), a deadline per
// request, retries only where resending is safe, and error bodies turned into typed errors.
import { setTimeout as sleep } from 'node:timers/promises';
import { buildConnector, Pool } from 'undici';
import type { ErrorReason } from '../types.js';
import { CspConnectionError, CspHttpError, CspTimeoutError } from './errors.js';

export interface HttpOptions {
  /** Base URL including the contract path, e.g. `http://csp:8080/containers/v1`. */
  baseUrl: string;
  /** Deadline for one request, answer body included (default 60 s). */
  timeoutMs?: number;
  /** TCP/TLS connect timeout (default 10 s). */
  connectTimeoutMs?: number;
  /** Pooled connections (default 16). */
  connections?: number;
  /** Extra attempts after a connection failure, where resending is safe (default 2). */
  retries?: number;
  /** First backoff; doubles per attempt (default 250 ms). */
  retryDelayMs?: number;
  /**
   * TLS for `https://` URLs: verification (default on) and the CA bundle to trust (default: the
   * system's). A function is called for every new connection, so a rotated bundle takes effect
   * without a restart.
   */
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer | (() => string | undefined) };
}

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  /** Operation name for errors and logs, e.g. `createVolume`. */
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, e.g. `/volumes/abc`. Segments must already be encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to resend after a connection broke mid-request (GET, PUT, DELETE of this contract). */
  idempotent: boolean;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH']);

/** TLS failures: the request was never sent, and retrying cannot help. */
const tlsProblems: Record<string, string> = {
  ERR_SSL_WRONG_VERSION_NUMBER: 'the CSP does not speak TLS here (it serves plain HTTP?)',
  EPROTO: 'the CSP does not speak TLS here (it serves plain HTTP?)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the CSP certificate is signed by a CA the driver does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the CSP certificate is signed by a CA the driver does not trust',
  SELF_SIGNED_CERT_IN_CHAIN: 'the CSP certificate is signed by a CA the driver does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the CSP certificate is self-signed and not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the CSP certificate is not valid for this host name',
  CERT_HAS_EXPIRED: 'the CSP certificate has expired',
  CERT_NOT_YET_VALID: 'the CSP certificate is not valid yet',
};

type TlsOptions = NonNullable<HttpOptions['tls']>;

/** Pool `connect` setting: fixed TLS options, or a connector that reads the CA per connection. */
function connectOption(tls: TlsOptions | undefined, timeout: number) {
  const rejectUnauthorized = tls?.rejectUnauthorized ?? true;
  const ca = tls?.ca;
  if (typeof ca !== 'function') {
    return { rejectUnauthorized, ...(ca ? { ca } : {}) };
  }
  return (options: buildConnector.Options, callback: buildConnector.Callback) => {
    const current = ca();
    buildConnector({ rejectUnauthorized, timeout, ...(current ? { ca: current } : {}) })(options, callback);
  };
}
const brokenCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ETIMEDOUT']);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code ?? (err as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' ? code : undefined;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') {
    return undefined;
  }
  if (contentType?.includes('json') || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Reads the contract's `{"errors":[...]}`, a bare `{code,message}`, or plain text. */
export function errorDetail(body: unknown): { code: string; message: string; reason?: ErrorReason; field?: string } {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const first = Array.isArray(record.errors) ? (record.errors[0] as Record<string, unknown> | undefined) : record;
    if (first && typeof first === 'object') {
      const detail: { code: string; message: string; reason?: ErrorReason; field?: string } = {
        code: typeof first.code === 'string' ? first.code : '',
        message: typeof first.message === 'string' ? first.message : '',
      };
      if (typeof first.reason === 'string') {
        detail.reason = first.reason as ErrorReason;
      }
      if (typeof first.field === 'string') {
        detail.field = first.field;
      }
      return detail;
    }
  }
  return { code: '', message: typeof body === 'string' ? body.slice(0, 300) : '' };
}

export class CspHttp {
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #options: Required<Pick<HttpOptions, 'timeoutMs' | 'retries' | 'retryDelayMs'>>;

  constructor(options: HttpOptions) {
    const url = new URL(options.baseUrl);
    this.#basePath = url.pathname.replace(/\/$/, '');
    this.#options = {
      timeoutMs: options.timeoutMs ?? 60_000,
      retries: options.retries ?? 2,
      retryDelayMs: options.retryDelayMs ?? 250,
    };
    const connectTimeout = options.connectTimeoutMs ?? 10_000;
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? 16,
      connectTimeout,
      keepAliveTimeout: 30_000,
      connect: connectOption(options.tls, connectTimeout),
    });
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(request);
      } catch (err) {
        const retryable =
          err instanceof CspConnectionError && (err.notSent || request.idempotent) && attempt < this.#options.retries;
        if (!retryable) {
          throw err;
        }
        await sleep(this.#options.retryDelayMs * 2 ** attempt);
      }
    }
  }

  /** Throws CspHttpError for any status other than 2xx. */
  async expectOk(request: HttpRequest): Promise<HttpResponse> {
    const response = await this.request(request);
    if (response.status < 200 || response.status > 299) {
      throw new CspHttpError(request.operation, response.status, errorDetail(response.body));
    }
    return response;
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  #url(request: HttpRequest): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) {
        params.set(key, String(value));
      }
    }
    const query = params.toString();
    return `${this.#basePath}${request.path}${query ? `?${query}` : ''}`;
  }

  async #once(request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    try {
      const response = await this.#pool.request({
        path: this.#url(request),
        method: request.method,
        headers,
        body,
        signal: controller.signal,
      });
      const text = await response.body.text();
      const contentType = response.headers['content-type'];
      return {
        status: response.statusCode,
        headers: response.headers,
        body: parseBody(text, typeof contentType === 'string' ? contentType : undefined),
      };
    } catch (err) {
      if (controller.signal.aborted) {
        throw new CspTimeoutError(request.operation, timeoutMs);
      }
      const code = errorCode(err);
      const tlsProblem = code ? tlsProblems[code] : undefined;
      if (tlsProblem) {
        throw new CspConnectionError(request.operation, `TLS with the CSP failed: ${tlsProblem} (${code})`, false, err);
      }
      if (code && (notSentCodes.has(code) || brokenCodes.has(code))) {
        throw new CspConnectionError(
          request.operation,
          `connection to the CSP failed (${code})`,
          notSentCodes.has(code),
          err,
        );
      }
      throw new CspConnectionError(
        request.operation,
        `request to the CSP failed: ${(err as Error).message}`,
        false,
        err,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
