// HTTP(S) transport to one DSM: pooled keep-alive connections (Node's own http/https agent), TLS
// always verified against the system or a configured CA (plain HTTP only for a NAS the operator
// lists for it), POST form bodies (credentials and sids never go into URLs), a deadline per
// request, and answers checked to be DSM envelopes. At most `connections` requests are in flight:
// the agent alone would not hold a burst to its `maxSockets` (see bounded-queue.ts in csp-spec).

import type { ClientRequestArgs, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { BoundedQueue } from '@opencsp/csp-spec/bounded-queue';
import { exchange } from '@opencsp/csp-spec/client';
import { http, https as httpsModule } from '@opencsp/csp-spec/node-http';
import type { ArrayTrust } from '@opencsp/csp-spec/server';
import { DsmTransportError } from './errors.js';

export interface TransportOptions {
  /** `https://nas.example:5001` (no path). */
  baseUrl: string;
  /** Which NAS certificates HTTPS accepts: checked before a connection carries anything. */
  trust: ArrayTrust;
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

const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

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

type Connected = (err: Error | null, stream: Duplex) => void;

/**
 * The agents' way to open a connection: TCP (or TLS, when `trust` is given) within the connect
 * deadline, and for TLS a finished handshake that `trust` accepts, before the agent hands the
 * connection to a request. No TLS session resumption: a resumed session shows no certificate.
 * `trust.tlsOptions` carries the trust's one TLS context, so a connection does not parse the CA
 * file again.
 */
function checkedConnect(trust: ArrayTrust | undefined, connectTimeoutMs: number) {
  return (options: ClientRequestArgs, callback: Connected): undefined => {
    const socket: Socket = trust
      ? tlsConnect({ ...(options as ConnectionOptions), ...trust.tlsOptions, session: undefined })
      : netConnect(options as Parameters<typeof netConnect>[0]);
    let settled = false;
    const settle = (err: Error | undefined) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(deadline);
      socket.off('error', settle);
      if (err) {
        socket.destroy();
      }
      callback(err ?? null, socket);
    };
    const deadline = setTimeout(
      () => settle(Object.assign(new Error('connect timeout'), { code: connectTimeoutCode })),
      connectTimeoutMs,
    );
    socket.once('error', settle);
    if (trust) {
      socket.once('secureConnect', () => settle(trust.check(socket as TLSSocket)));
    } else {
      socket.once('connect', () => settle(undefined));
    }
    return undefined;
  };
}

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
  /** Requests in flight, at most one per connection of the pool. */
  readonly #slots: BoundedQueue;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUrl);
    this.#url = url;
    this.baseUrl = url.origin;
    this.#timeoutMs = options.timeoutMs;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const connections = options.connections ?? defaultDsmConnections;
    this.#slots = new BoundedQueue(connections);
    const pool = {
      keepAlive: true,
      maxSockets: connections,
      maxFreeSockets: connections,
      timeout: 30_000,
      scheduling: 'lifo' as const,
    };
    const https = url.protocol === 'https:';
    this.#agent = https ? new httpsModule.Agent({ ...pool, maxCachedSessions: 0 }) : new http.Agent(pool);
    this.#agent.createConnection = checkedConnect(https ? options.trust : undefined, this.#connectTimeoutMs);
    this.#send = https ? (httpsModule.request as unknown as typeof httpRequest) : http.request;
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

  /** One request once a connection is free; the wait for it counts against the request's deadline. */
  async #exchange(path: string, body: string, headers: Record<string, string>): Promise<Exchange> {
    const started = performance.now();
    return this.#slots.run(() => {
      const left = this.#timeoutMs - (performance.now() - started);
      if (left <= 0) {
        throw Object.assign(new Error('deadline passed waiting for a connection'), { name: 'TimeoutError' });
      }
      return this.#sendNow(path, body, headers, left);
    });
  }

  async #sendNow(path: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Exchange> {
    const answer = await exchange({
      send: this.#send,
      request: {
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
      },
      body,
      timeoutMs,
      deadline: () => Object.assign(new Error('deadline passed'), { name: 'TimeoutError' }),
    });
    return { status: answer.status, text: answer.text };
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }
}
