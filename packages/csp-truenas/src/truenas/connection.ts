// One WebSocket connection to the TrueNAS JSON-RPC 2.0 API: request ids, a deadline per call, and
// at most `maxInFlight` calls outstanding (the middleware executes 10 per connection and refuses
// beyond 20, so extra calls wait here instead of being refused there).
import { createRequire } from 'node:module';
import { TLSSocket } from 'node:tls';
import type { ArrayMetrics } from '@opencsp/csp-spec/metrics';
import type { ArrayTrust } from '@opencsp/csp-spec/server';
import type WebSocketClass from 'ws';
import { CallTimeout, ConnectionLost, RpcFailure } from './errors.js';
import { measureCall } from './metrics.js';

// CommonJS, loaded with require (see @opencsp/csp-spec/runtime).
const WebSocket = createRequire(import.meta.url)('ws') as typeof WebSocketClass;
type WebSocket = WebSocketClass;

export interface ConnectionOptions {
  /** `wss://host[:port]/api/<version>` (or ws:// when explicitly allowed). */
  url: string;
  /** Which array certificates wss:// accepts; checked before the connection carries anything. */
  trust: ArrayTrust;
  connectTimeoutMs: number;
  callTimeoutMs: number;
  maxInFlight: number;
  /** Where to report calls and open connections (metrics on). */
  metrics?: ArrayMetrics;
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface Queued {
  method: string;
  params: unknown[];
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

let connectionSeq = 0;

export class RpcConnection {
  readonly id: string;
  /** Job methods answer with a job id (true) or block until done (false, after core.set_options). */
  legacyJobs = true;
  readonly #ws: WebSocket;
  readonly #options: ConnectionOptions;
  readonly #pending = new Map<string, Pending>();
  readonly #queue: Queued[] = [];
  readonly #closeListeners: Array<(reason: string) => void> = [];
  #nextId = 0;
  #closed: string | undefined;

  private constructor(ws: WebSocket, options: ConnectionOptions) {
    connectionSeq += 1;
    this.id = `c${connectionSeq}`;
    this.#ws = ws;
    this.#options = options;
    ws.on('message', (data) => this.#onMessage(data.toString()));
    ws.on('close', (code, reason) => this.#onClose(`connection closed (${code}${reason.length ? ` ${reason}` : ''})`));
    ws.on('error', (err) => this.#onClose(`connection error: ${err.message}`));
    options.metrics?.connection(1);
  }

  static open(options: ConnectionOptions): Promise<RpcConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(options.url, {
        handshakeTimeout: options.connectTimeoutMs,
        ...options.trust.tlsOptions,
        maxPayload: 256 * 1024 * 1024,
        // No permessage-deflate: the middleware (aiohttp, compress=True) accepts it when offered and
        // then deflates every answer however small, so each connection would carry zlib streams and
        // every call an inflate, for frames of a few hundred bytes on a LAN (docs/truenas.md).
        perMessageDeflate: false,
      });
      const fail = (err: Error) => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(
          new ConnectionLost('connect', `cannot connect to ${redactUrl(options.url)}: ${err.message}`, false, err),
        );
      };
      ws.once('error', fail);
      // The certificate is checked on the upgrade answer, before 'open': the upgrade request
      // carries no credentials, and nothing else is sent on a connection that fails the check.
      ws.once('upgrade', (res) => {
        const untrusted = res.socket instanceof TLSSocket ? options.trust.check(res.socket) : undefined;
        if (untrusted) {
          fail(untrusted);
        }
      });
      ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode} on WebSocket upgrade`)));
      ws.once('open', () => {
        ws.removeListener('error', fail);
        resolve(new RpcConnection(ws, options));
      });
    });
  }

  get isOpen(): boolean {
    return this.#closed === undefined;
  }

  /** Calls waiting for an answer plus calls waiting for a slot. */
  get load(): number {
    return this.#pending.size + this.#queue.length;
  }

  onClose(listener: (reason: string) => void): void {
    this.#closeListeners.push(listener);
  }

  call(method: string, params: unknown[] = [], timeoutMs = this.#options.callTimeoutMs): Promise<unknown> {
    const { metrics } = this.#options;
    const answer = this.#call(method, params, timeoutMs);
    return metrics ? measureCall(metrics, method, answer) : answer;
  }

  #call(method: string, params: unknown[], timeoutMs: number): Promise<unknown> {
    if (this.#closed !== undefined) {
      return Promise.reject(new ConnectionLost(method, this.#closed, false));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ method, params, timeoutMs, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#pending.size < this.#options.maxInFlight && this.#queue.length > 0) {
      const next = this.#queue.shift() as Queued;
      this.#nextId += 1;
      const id = `${this.id}-${this.#nextId}`;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        next.reject(new CallTimeout(next.method, next.timeoutMs));
        this.#pump();
      }, next.timeoutMs);
      this.#pending.set(id, { method: next.method, resolve: next.resolve, reject: next.reject, timer });
      this.#ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: next.method, params: next.params }), (err) => {
        if (err) {
          this.#onClose(`send failed: ${err.message}`);
        }
      });
    }
  }

  #onMessage(text: string): void {
    let message: { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.id !== 'string') {
      return; // notifications (collection_update...) and id-less errors
    }
    const pending = this.#pending.get(message.id);
    if (!pending) {
      return; // answer to a call that already timed out
    }
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error) {
      pending.reject(new RpcFailure(pending.method, message.error));
    } else {
      pending.resolve(message.result);
    }
    this.#pump();
  }

  #onClose(reason: string): void {
    if (this.#closed !== undefined) {
      return;
    }
    this.#closed = reason;
    this.#options.metrics?.connection(-1);
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new ConnectionLost(pending.method, reason, true));
    }
    this.#pending.clear();
    for (const queued of this.#queue.splice(0)) {
      queued.reject(new ConnectionLost(queued.method, reason, false));
    }
    for (const listener of this.#closeListeners) {
      listener(reason);
    }
    this.#ws.terminate();
  }

  close(): void {
    this.#onClose('closed by the CSP');
  }
}

/** A URL without credentials or query (they are never in ours, but be safe in messages). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
