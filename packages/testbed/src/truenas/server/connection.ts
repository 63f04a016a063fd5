// One WebSocket client of the simulated middleware (ws_handler/rpc.py): JSON-RPC 2.0 requests,
// per-connection limits (10 calls executing, 20 in flight, then -32000), authentication, jobs,
// and the test knobs (latency, injected errors, "busy", dropped connections).
import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import {
  callError,
  errno,
  methodNotFound,
  notAuthenticated,
  RpcError,
  rpcCodes,
  tooManyConcurrentCalls,
  unexpectedException,
  validationErrors,
} from '../rpc/errors.js';
import type { MethodDef, MethodTable, SessionState } from '../rpc/registry.js';
import { checkArgs } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';

export const softLimit = 10;
export const hardLimit = 20;

interface Request {
  id: string | number | null;
  method: string;
  params: unknown[];
}

const allowedKeys = new Set(['jsonrpc', 'method', 'params', 'id']);

/** The jsonschema check middleware applies to every message, with jsonschema-style messages. */
function requestProblem(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return `${JSON.stringify(message)} is not of type 'object'`;
  }
  const m = message as Record<string, unknown>;
  for (const key of ['jsonrpc', 'method']) {
    if (!(key in m)) {
      return `'${key}' is a required property`;
    }
  }
  const extra = Object.keys(m).filter((k) => !allowedKeys.has(k));
  if (extra.length > 0) {
    return `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`;
  }
  if (m.jsonrpc !== '2.0') {
    return `${JSON.stringify(m.jsonrpc)} is not one of ['2.0']`;
  }
  if (typeof m.method !== 'string') {
    return `${JSON.stringify(m.method)} is not of type 'string'`;
  }
  if ('params' in m && !Array.isArray(m.params)) {
    return `${JSON.stringify(m.params)} is not of type 'array'`;
  }
  if ('id' in m && m.id !== null && typeof m.id !== 'number' && typeof m.id !== 'string') {
    return `${JSON.stringify(m.id)} is not of type 'null', 'number', 'string'`;
  }
  return undefined;
}

/** Runs one method for a session: auth, argument validation, jobs. Shared with core.bulk. */
export async function invoke(
  sim: SimCore,
  session: SessionState,
  name: string,
  def: MethodDef<CallContext>,
  params: unknown[],
): Promise<unknown> {
  if (!def.noAuth && !session.authenticated) {
    throw notAuthenticated();
  }
  const { values, problems } = checkArgs(def.args, params);
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  const ctx: CallContext = { sim, session };
  if (!sim.isJob(name, def.job === true)) {
    return await def.handler(ctx, values);
  }
  const job = sim.jobs.start(name, params, session.username, async () => def.handler(ctx, values));
  return session.legacyJobs ? job.id : sim.jobs.wait(job.id);
}

/** Rows in an answer: the elements of a list, or one object a query or `get_instance` answered. */
export function answerRows(method: string, result: unknown): number {
  if (Array.isArray(result)) {
    return result.length;
  }
  const lookup = method.endsWith('.query') || method.endsWith('.get_instance') || method.endsWith('.config');
  return lookup && result !== null && typeof result === 'object' ? 1 : 0;
}

export class RpcConnection {
  readonly session: SessionState;
  readonly #ws: WebSocket;
  readonly #sim: SimCore;
  readonly #methods: MethodTable<CallContext>;
  #inflight = 0;
  #executing = 0;
  readonly #queue: Array<() => void> = [];

  constructor(ws: WebSocket, sim: SimCore, methods: MethodTable<CallContext>, secure: boolean) {
    this.#ws = ws;
    this.#sim = sim;
    this.#methods = methods;
    this.session = { id: randomUUID(), secure, authenticated: false, username: undefined, legacyJobs: true };
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
  }

  #send(payload: unknown): void {
    if (this.#ws.readyState === this.#ws.OPEN) {
      this.#ws.send(JSON.stringify(payload));
    }
  }

  #sendError(id: Request['id'], error: RpcError): void {
    this.#send({ jsonrpc: '2.0', error: error.toWire(), id });
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#ws.close(1003, 'Invalid websocket message type: BINARY');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch (err) {
      this.#sendError(null, new RpcError(rpcCodes.invalidJson, (err as Error).message));
      return;
    }
    const problem = requestProblem(message);
    if (problem) {
      this.#sendError(null, new RpcError(rpcCodes.invalidRequest, problem));
      return;
    }
    const m = message as Record<string, unknown>;
    const request: Request = {
      id: (m.id ?? null) as Request['id'],
      method: m.method as string,
      params: (m.params as unknown[] | undefined) ?? [],
    };
    const def = this.#methods[request.method];
    this.#sim.calls.record(request.method);
    this.#sim.callLog?.push({
      method: request.method,
      params: request.method.startsWith('auth.') ? ['<redacted>'] : request.params,
    });
    if (!def) {
      this.#sendError(request.id, methodNotFound());
      return;
    }
    void this.#process(request, def);
  }

  async #acquire(): Promise<void> {
    if (this.#executing < softLimit) {
      this.#executing++;
      this.#sim.peaks.executing = Math.max(this.#sim.peaks.executing, this.#executing);
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) {
      next();
    } else {
      this.#executing--;
    }
  }

  async #process(request: Request, def: MethodDef<CallContext>): Promise<void> {
    if (this.#inflight >= hardLimit) {
      this.#sendError(request.id, tooManyConcurrentCalls(hardLimit));
      return;
    }
    this.#inflight++;
    this.#sim.peaks.inflight = Math.max(this.#sim.peaks.inflight, this.#inflight);
    await this.#acquire();
    try {
      await this.#sim.faults.delay();
      const fault = this.#sim.faults.pick(request.method);
      if (fault === 'drop' && this.#sim.knobs.dropPhase === 'before') {
        this.#ws.terminate();
        return;
      }
      if (fault === 'busy') {
        throw callError('Simulated: the system is busy, try again later', errno.EBUSY);
      }
      if (fault === 'error') {
        throw callError('Simulated server failure', errno.EIO);
      }
      const planned = this.#sim.takePlannedError(request.method);
      if (planned) {
        throw planned;
      }
      const result = await invoke(this.#sim, this.session, request.method, def, request.params);
      this.#sim.scans.returnedRows += answerRows(request.method, result);
      if (fault === 'drop') {
        this.#ws.terminate();
        return;
      }
      this.#send({ jsonrpc: '2.0', result: result ?? null, id: request.id });
    } catch (err) {
      this.#sendError(request.id, err instanceof RpcError ? err : unexpectedException(String(err)));
    } finally {
      this.#release();
      this.#inflight--;
    }
  }
}
