// The method table: every JSON-RPC method the simulator serves, with its argument schema, whether
// it needs an authenticated session and whether it is a job.
import type { ArgSpec } from './schema.js';

/** Per-connection state (what middleware keeps on its `App`). */
export interface SessionState {
  readonly id: string;
  /** The connection came over TLS (`wss://`): API keys are only accepted on such connections. */
  readonly secure: boolean;
  authenticated: boolean;
  username: string | undefined;
  /** `core.set_options({legacy_jobs})`: job methods answer with a job id (true) or block (false). */
  legacyJobs: boolean;
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
