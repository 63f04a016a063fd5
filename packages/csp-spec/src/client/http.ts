// HTTP transport to one CSP endpoint: pooled keep-alive connections (undici Pool), a deadline per
// request, retries only where resending is safe, and error bodies turned into typed errors.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { CspClientMetrics } from '../metrics/types.js';
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
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer };
  /** Where to report each request's operation, status and latency (metrics on). */
  metrics?: CspClientMetrics;
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
  readonly #metrics: CspClientMetrics | undefined;
  readonly #options: Required<Pick<HttpOptions, 'timeoutMs' | 'retries' | 'retryDelayMs'>>;

  constructor(options: HttpOptions) {
    const url = new URL(options.baseUrl);
    this.#basePath = url.pathname.replace(/\/$/, '');
    this.#metrics = options.metrics;
    this.#options = {
      timeoutMs: options.timeoutMs ?? 60_000,
      retries: options.retries ?? 2,
      retryDelayMs: options.retryDelayMs ?? 250,
    };
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? 16,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      keepAliveTimeout: 30_000,
      connect: {
        rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
        ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
      },
    });
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const metrics = this.#metrics;
    if (!metrics) {
      return this.#attempts(request);
    }
    const started = performance.now();
    let status = 'connection_error';
    try {
      const response = await this.#attempts(request);
      status = String(response.status);
      return response;
    } catch (err) {
      status = err instanceof CspTimeoutError ? 'timeout' : status;
      throw err;
    } finally {
      metrics.request(request.operation, status, (performance.now() - started) / 1000);
    }
  }

  async #attempts(request: HttpRequest): Promise<HttpResponse> {
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
