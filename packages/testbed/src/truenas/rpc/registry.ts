// The method table: every JSON-RPC method the simulator serves, with its argument schema, whether
// it needs an authenticated session and whether it is a job.
import type { ArgSpec } from './schema.js';

/** Per-connection state (what middleware keeps on its `App`). */
export interface SessionState {
  readonly id: string;
  /**
   * A secure transport for API keys (utils/origin.py `secure_transport`): TLS, or a loopback
   * client. A plain API key presented on any other connection is revoked.
   */
  readonly secure: boolean;
  /** The connection itself is TLS (`wss://`), which SCRAM channel binding needs. */
  readonly tls: boolean;
  /** The API directory the client connected to (`current`, `v25.10.0`...). */
  readonly endpoint: string;
  authenticated: boolean;
  username: string | undefined;
  /** `core.set_options({legacy_jobs})`: job methods answer with a job id (true) or block (false). */
  legacyJobs: boolean;
  /** `core.subscribe` idents and the event names they watch. */
  subscriptions: Map<string, string>;
  /** A SCRAM login between its first and final message (26). */
  scram: unknown;
}

export interface MethodDef<Ctx> {
  args: ArgSpec[];
  /** Callable before login (auth.login*, core.ping, core.set_options). */
  noAuth?: boolean;
  /** A `@job` method: returns a job id under legacy_jobs. */
  job?: boolean;
  handler: (ctx: Ctx, args: unknown[]) => unknown;
}

export type MethodTable<Ctx> = Record<string, MethodDef<Ctx>>;
