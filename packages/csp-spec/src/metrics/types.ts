// What instrumented code reports, as interfaces without any metrics library behind them: code
// that reports takes an optional implementation, and with metrics off it holds none and does
// nothing. Implementations live beside these (kit.ts, array.ts, client.ts) and are loaded only
// where metrics are on.

/** The CSP kit's HTTP server (every CSP built on @opencsp/csp-spec/server). */
export interface KitMetrics {
  /** One HTTP request answered: `route` is the contract operationId (or healthz, readyz, docs, unmatched). */
  request(route: string, status: number, seconds: number): void;
  /** A capacity answer for `pool` ('' = the provider's default pool). */
  capacity(pool: string, availableBytes: number, totalBytes: number | undefined): void;
  /** How to count the open sessions (tokens, each with its array session), read at scrape time. */
  sessions(count: () => number): void;
}

export type LoginResult = 'success' | 'refused' | 'error';

/**
 * Why the CSP's login guard answered a login itself, without contacting the array: too many failed
 * logins (`limit`, 429), the array blocks the CSP's address (`blocked`, 429 during the pause), or
 * credentials the array refused before (`remembered`, 401).
 */
export type LoginRefusalReason = 'limit' | 'blocked' | 'remembered';

/** An array client of a CSP (TrueNAS JSON-RPC, DSM Web API). */
export interface ArrayMetrics {
  /** One array call ended: `code` is `ok` or the array's error code (errno name, JSON-RPC or DSM code). */
  call(method: string, code: string, seconds: number): void;
  /** A connection (TrueNAS WebSocket) or API session (DSM sid) to an array opened (+1) or closed (-1). */
  connection(delta: 1 | -1): void;
  /** A lost connection or API session was re-established. */
  reconnected(): void;
  /** A login to the array ended. */
  login(result: LoginResult): void;
  /** The login guard answered a login without contacting the array. */
  loginRefused(reason: LoginRefusalReason): void;
}

/** The driver's client of the CSP contract. */
export interface CspClientMetrics {
  /** One CSP request ended (retries included): `status` is the HTTP status, timeout or connection_error. */
  request(operation: string, status: string, seconds: number): void;
  /** A login (POST /tokens) ended; `relogin` after the CSP refused a token it had issued. */
  login(kind: 'first' | 'relogin', result: LoginResult): void;
}
