// HTTP(S) transport to one DSM: pooled keep-alive connections (Node's own http/https agent), TLS
// verified against the system or a configured CA, POST form bodies (credentials and sids never go
// into URLs), a deadline per request, and answers checked to be DSM envelopes.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DsmTransportError } from './errors.js';

export interface TransportOptions {
  /** `https://nas.example:5001` (no path). */
  baseUrl: string;
  /** PEM CA bundle the NAS certificate must chain to (default: the system store). */
  ca?: string;
  /** Skip certificate verification (never the default). */
  insecureSkipVerify?: boolean;
  timeoutMs: number;
  connectTimeoutMs?: number;
  /** Requests in flight at once to this DSM; more wait for a free connection (default 16). */
  connections?: number;
}

/**
 * DSM answers concurrent requests and runs SAN work one request at a time internally: 16
 * parallel LUN creates all succeeded on hardware, serialised by DSM (research/synology.md).
 */
export const defaultDsmConnections = 16;

export interface DsmEnvelope {
  success: boolean;
  data?: unknown;
  error?: { code: number };
}

const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCode(err: unknown): string {
  const direct = (err as { code?: unknown }).code;
  const nested = (err as { cause?: { code?: unknown } }).cause?.code;
  return String(typeof direct === 'string' ? direct : (nested ?? ''));
}

function isTlsFailure(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code);
}

function isEnvelope(value: unknown): value is DsmEnvelope {
  if (typeof value !== 'object' || value === null || typeof (value as DsmEnvelope).success !== 'boolean') {
    return false;
  }
  const error = (value as DsmEnvelope).error;
  return (value as DsmEnvelope).success || (typeof error === 'object' && typeof error?.code === 'number');
}

const connectTimeoutCode = 'CONNECT_TIMEOUT';

/** One form POST and its whole answer: status and body text. */
interface Exchange {
  status: number;
  text: string;
}

export class DsmTransport {
  readonly baseUrl: string;
  readonly #url: URL;
  readonly #agent: HttpAgent;
  readonly #send: typeof httpRequest;
  readonly #timeoutMs: number;
  readonly #connectTimeoutMs: number;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUrl);
    this.#url = url;
    this.baseUrl = url.origin;
    this.#timeoutMs = options.timeoutMs;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const connections = options.connections ?? defaultDsmConnections;
    const pool = {
      keepAlive: true,
      maxSockets: connections,
      maxFreeSockets: connections,
      timeout: 30_000,
      scheduling: 'lifo' as const,
    };
    if (url.protocol === 'https:') {
      this.#agent = new HttpsAgent({
        ...pool,
        rejectUnauthorized: options.insecureSkipVerify !== true,
        ...(options.ca ? { ca: options.ca } : {}),
      });
      this.#send = httpsRequest as unknown as typeof httpRequest;
    } else {
      this.#agent = new HttpAgent(pool);
      this.#send = httpRequest;
    }
  }

  /** POSTs a form to `/webapi/<cgi>` and returns DSM's envelope. */
  async post(cgi: string, fields: [string, string][], headers: Record<string, string> = {}): Promise<DsmEnvelope> {
    const body = new URLSearchParams(fields).toString();
    let answer: Exchange;
    try {
      answer = await this.#exchange(`/webapi/${cgi}`, body, headers);
    } catch (err) {
      const code = errorCode(err);
      if (isTlsFailure(code)) {
        throw new DsmTransportError(
          `TLS verification of ${this.baseUrl} failed (${code}): give the CSP the CA of the NAS certificate (SYNOLOGY_CA_FILE)`,
          false,
          { cause: err },
        );
      }
      const what =
        (err as Error).name === 'TimeoutError'
          ? `no answer within ${this.#timeoutMs} ms`
          : code || (err as Error).message;
      const notSent = notSentCodes.has(code) || code === connectTimeoutCode;
      throw new DsmTransportError(`DSM at ${this.baseUrl} unreachable: ${what}`, !notSent, { cause: err });
    }
    if (answer.status !== 200) {
      throw new DsmTransportError(`DSM at ${this.baseUrl} answered HTTP ${answer.status}`, true);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      throw new DsmTransportError(`DSM at ${this.baseUrl} answered something that is not JSON`, true);
    }
    if (!isEnvelope(parsed)) {
      throw new DsmTransportError(`DSM at ${this.baseUrl} answered JSON that is not a DSM envelope`, true);
    }
    return parsed;
  }

  #exchange(path: string, body: string, headers: Record<string, string>): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const fail = (err: Error) => {
        clearTimeout(deadline);
        reject(timedOut ? Object.assign(new Error('deadline passed'), { name: 'TimeoutError' }) : err);
      };
      const req = this.#send({
        agent: this.#agent,
        protocol: this.#url.protocol,
        hostname: this.#url.hostname.replace(/^\[|\]$/g, ''),
        port: this.#url.port,
        path,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      });
      const deadline = setTimeout(() => {
        timedOut = true;
        req.destroy();
      }, this.#timeoutMs);
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
      req.once('error', fail);
      req.once('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', fail);
        res.once('end', () => {
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.end(body);
    });
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }
}
