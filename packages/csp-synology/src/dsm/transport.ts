// HTTP(S) transport to one DSM: pooled keep-alive connections, TLS always verified against the
// system or a configured CA (plain HTTP only for a NAS the operator lists for it), POST form
// bodies (credentials and sids never go into URLs), a deadline per request, and answers checked
// to be DSM envelopes.
import { TLSSocket } from 'node:tls';
import type { ArrayTrust } from '@opencsp/csp-spec/server';
import { buildConnector, Pool } from 'undici';
import { DsmTransportError } from './errors.js';

export interface TransportOptions {
  /** `https://nas.example:5001` (no path). */
  baseUrl: string;
  /** Which NAS certificates HTTPS accepts: checked before a connection carries anything. */
  trust: ArrayTrust;
  timeoutMs: number;
  connectTimeoutMs?: number;
}

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

/**
 * undici's connector, with every TLS connection checked against `trust` before it is handed out.
 * No TLS session resumption: a resumed session shows no peer certificate to check.
 */
function checkedConnector(trust: ArrayTrust, timeout: number): buildConnector.connector {
  const connect = buildConnector({ timeout, maxCachedSessions: 0, ...trust.tlsOptions });
  return (options, callback) =>
    connect(options, (err, socket) => {
      const untrusted = !err && socket instanceof TLSSocket ? trust.check(socket) : undefined;
      if (untrusted) {
        socket?.destroy();
        callback(untrusted, null);
      } else if (err) {
        callback(err, null);
      } else {
        callback(null, socket as NonNullable<typeof socket>);
      }
    });
}

export class DsmTransport {
  readonly baseUrl: string;
  readonly #pool: Pool;
  readonly #timeoutMs: number;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUrl);
    this.baseUrl = url.origin;
    this.#timeoutMs = options.timeoutMs;
    this.#pool = new Pool(url.origin, {
      connections: 8,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: checkedConnector(options.trust, options.connectTimeoutMs ?? 10_000),
    });
  }

  /** POSTs a form to `/webapi/<cgi>` and returns DSM's envelope. */
  async post(cgi: string, fields: [string, string][], headers: Record<string, string> = {}): Promise<DsmEnvelope> {
    const body = new URLSearchParams(fields).toString();
    let status: number;
    let text: string;
    try {
      const response = await this.#pool.request({
        path: `/webapi/${cgi}`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', ...headers },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      const code = errorCode(err);
      if (isTlsFailure(code)) {
        throw new DsmTransportError(
          `TLS verification of ${this.baseUrl} failed (${code}): give the CSP the CA of the NAS certificate (SYNOLOGY_CA_FILE)`,
          false,
          { cause: err },
        );
      }
      const name = (err as Error).name;
      const what =
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer within ${this.#timeoutMs} ms`
          : code || (err as Error).message;
      throw new DsmTransportError(`DSM at ${this.baseUrl} unreachable: ${what}`, !notSentCodes.has(code), {
        cause: err,
      });
    }
    if (status !== 200) {
      throw new DsmTransportError(`DSM at ${this.baseUrl} answered HTTP ${status}`, true);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new DsmTransportError(`DSM at ${this.baseUrl} answered something that is not JSON`, true);
    }
    if (!isEnvelope(parsed)) {
      throw new DsmTransportError(`DSM at ${this.baseUrl} answered JSON that is not a DSM envelope`, true);
    }
    return parsed;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
