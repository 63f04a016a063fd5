// What every API method handler receives, and its signature.
import type { Knobs } from './knobs.js';
import type { Params } from './params.js';
import type { DsmState } from './state.js';

export interface HandlerContext {
  params: Params;
  state: DsmState;
  knobs: Knobs;
  now: number;
}

/** Resolves to the `data` of a successful answer (undefined: success without data). */
export type MethodHandler = (ctx: HandlerContext) => Promise<Record<string, unknown> | undefined>;

export type ApiHandlers = Record<string, MethodHandler>;
