// The suite's transport: every request goes through here, is sent exactly as written (the typed
// client would normalise answers and accept any 2xx, which a conformance check must not), and is
// recorded so a failure can show the request that caused it.
import { Agent, request as undiciRequest } from 'undici';
import { CspHttp, type QueryValue } from '../client/http.js';
import { basePath } from '../spec.js';
import { ConformanceOptionsError } from './errors.js';
import type { Secrets } from './mask.js';
import type { ShownRequest } from './types.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ProbeRequest {
  /** The contract's operationId; names the response schemas the answer is checked against. */
  operation: string;
  method: Method;
  /** Path below the base path, segments already encoded, e.g. `/volumes/abc`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Bytes sent verbatim as `application/json` instead of `body` (malformed-input cases). */
  rawBody?: string;
  /** `session` (default) sends the run's token, `none` sends no token, or a given token. */
  auth?: 'session' | 'none' | { token: string };
  /** `x-array-ip` to send: a value, `null` for none; default: the backend in service mode. */
  arrayIp?: string | null;
}

export interface Exchange {
  operation: string;
  /** The request as a report shows it (secrets masked). */
  request: ShownRequest;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed answer, unmasked (checks need it; reports mask it). */
  body: unknown;
  /** The request as sent, for checks that look at what was asked. */
  sent: ProbeRequest;
}

export interface ProbeOptions {
  baseUrl: string;
  backend: string;
  serviceMode: boolean;
  timeoutMs: number;
  tls?: { rejectUnauthorized?: boolean; ca?: string };
  secrets: Secrets;
}

/** The contract base URL for what a user typed: `/containers/v1` is appended unless present. */
export function contractBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConformanceOptionsError(`the CSP url ${JSON.stringify(url)} is not a URL (e.g. http://csp:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConformanceOptionsError(`the CSP url must be http:// or https://, got ${parsed.protocol}`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  parsed.pathname = path.endsWith(basePath) ? path : `${path}${basePath}`;
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString().replace(/\/$/, '');
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parse(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class Probe {
  readonly http: CspHttp;
  readonly options: ProbeOptions;
  /** The session token every `auth: 'session'` request carries. */
  sessionToken: string | undefined;
  /** Called for every answered request (tracking of created objects, request counting). */
  onExchange: ((exchange: Exchange) => void) | undefined;
  /** The last request sent, answered or not (a timeout has no exchange to show). */
  lastRequest: ShownRequest | undefined;
  /** The last answered exchange; a failure that names no exchange is shown with this one. */
  lastExchange: Exchange | undefined;
  #rawAgent: Agent | undefined;

  constructor(options: ProbeOptions) {
    this.options = options;
    this.http = new CspHttp({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      retries: 1,
      connections: 4,
      ...(options.tls ? { tls: options.tls } : {}),
    });
  }

  async send(request: ProbeRequest): Promise<Exchange> {
    const headers = this.#headers(request);
    this.lastRequest = this.#shown(request);
    const response =
      request.rawBody === undefined
        ? await this.http.request({
            operation: request.operation,
            method: request.method,
            path: request.path,
            query: request.query,
            body: request.body,
            headers,
            idempotent: request.method !== 'POST',
          })
        : await this.#sendRaw(request, headers);
    const token = (response.body as { session_token?: unknown } | undefined)?.session_token;
    if (typeof token === 'string') {
      this.options.secrets.add(token);
    }
    const exchange: Exchange = {
      operation: request.operation,
      request: this.lastRequest,
      status: response.status,
      headers: response.headers,
      body: response.body,
      sent: request,
    };
    this.lastExchange = exchange;
    this.onExchange?.(exchange);
    return exchange;
  }

  async close(): Promise<void> {
    await Promise.all([this.http.close(), this.#rawAgent?.close()]);
  }

  #headers(request: ProbeRequest): Record<string, string> {
    const headers: Record<string, string> = {};
    const auth = request.auth ?? 'session';
    if (auth === 'session' && this.sessionToken) {
      headers['x-auth-token'] = this.sessionToken;
    } else if (typeof auth === 'object') {
      headers['x-auth-token'] = auth.token;
    }
    const arrayIp =
      request.arrayIp === undefined ? (this.options.serviceMode ? this.options.backend : null) : request.arrayIp;
    if (arrayIp !== null) {
      headers['x-array-ip'] = arrayIp;
    }
    return headers;
  }

  #shown(request: ProbeRequest): ShownRequest {
    const secrets = this.options.secrets;
    const shown: ShownRequest = {
      method: request.method,
      path: secrets.text(`${new URL(this.options.baseUrl).pathname}${request.path}${queryString(request.query)}`),
    };
    if (request.rawBody !== undefined) {
      shown.body = secrets.text(request.rawBody);
    } else if (request.body !== undefined) {
      shown.body = secrets.mask(request.body);
    }
    return shown;
  }

  async #sendRaw(request: ProbeRequest, headers: Record<string, string>) {
    this.#rawAgent ??= new Agent({
      connect: {
        rejectUnauthorized: this.options.tls?.rejectUnauthorized ?? true,
        ...(this.options.tls?.ca ? { ca: this.options.tls.ca } : {}),
      },
    });
    const response = await undiciRequest(`${this.options.baseUrl}${request.path}${queryString(request.query)}`, {
      method: request.method,
      headers: { ...headers, accept: 'application/json', 'content-type': 'application/json' },
      body: request.rawBody,
      dispatcher: this.#rawAgent,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    return { status: response.statusCode, headers: response.headers, body: parse(await response.body.text()) };
  }
}
