// HTTP transport to one CSP endpoint: pooled keep-alive connections (Node's own http/https agent,
// which costs the driver far less memory than a separate HTTP client library), a deadline per
// request, retries only where resending is safe, and error bodies turned into typed errors.
import type { ClientRequest, Agent as HttpAgent, request as httpRequest } from 'node:http';
import type * as Https from 'node:https';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { CspClientMetrics } from '../metrics/types.js';
import { http, https } from '../node-http.js';
import type { ErrorReason } from '../types.js';
import { CspConnectionError, CspHttpError, CspTimeoutError } from './errors.js';
import { exchange } from './exchange.js';

export interface HttpOptions {
  /** Base URL including the contract path, e.g. `http://csp:8080/containers/v1`. */
  baseUrl: string;
  /** Deadline for one request, answer body included (default 60 s). */
  timeoutMs?: number;
  /** TCP/TLS connect timeout (default 10 s). */
  connectTimeoutMs?: number;
  /** Pooled connections: at most this many requests run at once, the rest wait (default 130). */
  connections?: number;
  /** An idle pooled connection is closed after this long (default 30 s). */
  keepAliveTimeoutMs?: number;
  /** Extra attempts after a connection failure, where resending is safe (default 2). */
  retries?: number;
  /** First backoff; doubles per attempt (default 250 ms). */
  retryDelayMs?: number;
  /**
   * TLS for `https://` URLs: verification (default on) and the CA bundle to trust (default: the
   * system's). A function is called for every new connection, so a rotated bundle takes effect
   * without a restart. `servername`: the name the certificate must carry (SNI), when the URL names
   * the server by another (an address the test runtime maps a Service name to).
   */
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer | (() => string | undefined); servername?: string };
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

/**
 * The default pool: as many requests at once as the CSI sidecars send RPCs at once with their
 * default worker counts (external-provisioner 100, attacher 10, resizer 10, snapshotter 10); each
 * RPC has one CSP request in flight at a time.
 */
export const defaultConnections = 130;

const connectTimeoutCode = 'CONNECT_TIMEOUT';
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', connectTimeoutCode, 'EHOSTUNREACH']);
const brokenCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE']);

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

/**
 * An https agent that reads the CA bundle for every new connection, so a rotated bundle takes
 * effect without a restart (connections already open keep the CA they were verified with). The
 * TLS context holding the bundle is built again only when the bundle changed: given `ca`,
 * tls.connect would parse it into a new context for every connection.
 */
class CaRereadingAgent extends https.Agent {
  readonly #ca: () => string | undefined;
  #built: { pem: string; context: SecureContext } | undefined;

  constructor(options: HttpsAgentOptions, ca: () => string | undefined) {
    super(options);
    this.#ca = ca;
  }

  override createConnection(
    ...args: Parameters<Https.Agent['createConnection']>
  ): ReturnType<Https.Agent['createConnection']> {
    const [options, callback] = args;
    const current = this.#ca();
    return super.createConnection(
      { ...options, ...(current ? { secureContext: this.#context(current) } : {}) },
      callback,
    );
  }

  #context(pem: string): SecureContext {
    if (this.#built?.pem !== pem) {
      this.#built = { pem, context: createSecureContext({ ca: pem }) };
    }
    return this.#built.context;
  }
}

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

/** The deadline of a request passed: the request was destroyed. */
class Deadline extends Error {}

export class CspHttp {
  readonly #agent: HttpAgent;
  readonly #send: typeof httpRequest;
  readonly #origin: URL;
  readonly #basePath: string;
  readonly #metrics: CspClientMetrics | undefined;
  readonly #connectTimeoutMs: number;
  readonly #options: Required<Pick<HttpOptions, 'timeoutMs' | 'retries' | 'retryDelayMs'>>;

  constructor(options: HttpOptions) {
    const url = new URL(options.baseUrl);
    this.#origin = url;
    this.#basePath = url.pathname.replace(/\/$/, '');
    this.#metrics = options.metrics;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#options = {
      timeoutMs: options.timeoutMs ?? 60_000,
      retries: options.retries ?? 2,
      retryDelayMs: options.retryDelayMs ?? 250,
    };
    const connections = options.connections ?? defaultConnections;
    const pool = {
      keepAlive: true,
      maxSockets: connections,
      maxFreeSockets: connections,
      timeout: options.keepAliveTimeoutMs ?? 30_000,
      scheduling: 'lifo' as const,
    };
    if (url.protocol === 'https:') {
      const rejectUnauthorized = options.tls?.rejectUnauthorized ?? true;
      const ca = options.tls?.ca;
      const servername = options.tls?.servername;
      const verify = { rejectUnauthorized, ...(servername ? { servername } : {}) };
      this.#agent =
        typeof ca === 'function'
          ? new CaRereadingAgent({ ...pool, ...verify }, ca)
          : new https.Agent({
              ...pool,
              ...verify,
              ...(ca ? { secureContext: createSecureContext({ ca }) } : {}),
            });
      this.#send = https.request as unknown as typeof httpRequest;
    } else {
      this.#agent = new http.Agent(pool);
      this.#send = http.request;
    }
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
    this.#agent.destroy();
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
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    try {
      return await this.#exchange(request, headers, body, timeoutMs);
    } catch (err) {
      if (err instanceof Deadline) {
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
    }
  }

  /** One request and its whole answer, within the deadline (connecting within its own). */
  async #exchange(
    request: HttpRequest,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<HttpResponse> {
    const answer = await exchange({
      send: this.#send,
      request: {
        agent: this.#agent,
        protocol: this.#origin.protocol,
        hostname: this.#origin.hostname.replace(/^\[|\]$/g, ''),
        port: this.#origin.port,
        path: this.#url(request),
        method: request.method,
        headers,
      },
      body,
      timeoutMs,
      deadline: () => new Deadline(),
      sent: (req) => this.#limitConnect(req),
    });
    return {
      status: answer.status,
      headers: answer.headers,
      body: parseBody(answer.text, answer.headers['content-type']),
    };
  }

  /** A request still connecting is destroyed with CONNECT_TIMEOUT when it does not connect in time. */
  #limitConnect(req: ClientRequest): void {
    req.once('socket', (socket) => {
      if (!socket.connecting) {
        return;
      }
      const connect = setTimeout(
        () => req.destroy(Object.assign(new Error('connect timeout'), { code: connectTimeoutCode })),
        this.#connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connect));
      socket.once('close', () => clearTimeout(connect));
    });
  }
}
