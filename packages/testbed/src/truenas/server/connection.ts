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
import type { EventSink } from '../state/events.js';

export const softLimit = 10;
export const hardLimit = 20;

/** A JSON-RPC id: null, a string or a number (booleans pass Python's int check). */
export type RequestId = string | number | boolean | null;

interface Request {
  /** Absent for a notification. */
  id: RequestId | undefined;
  method: string;
  params: unknown[];
}

/** Messages up to this long (characters) are read before login, and after it (utils/limits.py). */
export const messageLimits = { unauthenticated: 8192, authenticated: 65536, extended: 2097152 } as const;

/** Methods allowed messages up to `extended` (MSG_SIZE_EXTENDED_METHODS). */
const extendedMethods = new Set(['filesystem.file_receive', 'failover.datastore.sql']);

/** What `parse_message` decides about a text frame. */
type Parsed =
  | { kind: 'message'; message: Record<string, unknown> }
  | { kind: 'error'; text: string }
  | { kind: 'close'; code: number; reason: string };

function tooBig(authenticated: boolean): Parsed {
  return authenticated
    ? { kind: 'close', code: 1009, reason: 'Max message length is 64 kB' }
    : { kind: 'close', code: 1007, reason: 'Anonymous connection max message length is 8 kB' };
}

/** utils/limits.py `parse_message`: size limits, JSON, no batches, objects only. */
function parseMessage(authenticated: boolean, text: string): Parsed {
  const length = text.length > messageLimits.unauthenticated ? [...text].length : text.length;
  if (!authenticated && length > messageLimits.unauthenticated) {
    return tooBig(false);
  }
  if (length > messageLimits.extended) {
    return tooBig(true);
  }
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (err) {
    return { kind: 'error', text: (err as Error).message };
  }
  if (Array.isArray(message)) {
    return { kind: 'error', text: 'Batch messages are not supported at this time' };
  }
  if (typeof message !== 'object' || message === null) {
    return { kind: 'error', text: 'Invalid Message Format' };
  }
  const m = message as Record<string, unknown>;
  if (!extendedMethods.has(m.method as string) && length > messageLimits.authenticated) {
    return tooBig(true);
  }
  return { kind: 'message', message: m };
}

/** ws_handler/rpc.py `validate_message`: the JSON-RPC 2.0 request object checks, in order. */
function requestProblem(m: Record<string, unknown>): string | undefined {
  if (!('jsonrpc' in m)) {
    return "Missing 'jsonrpc' member";
  }
  if (m.jsonrpc !== '2.0') {
    return "'jsonrpc' member must be of type string and must be exactly '2.0'";
  }
  // Python's isinstance(x, None | int | str): booleans are ints, floats are not.
  const id = m.id;
  if ('id' in m && id !== null && typeof id !== 'string' && typeof id !== 'boolean' && !Number.isInteger(id)) {
    return "'id' member must be of type null, string or number";
  }
  if (!('method' in m)) {
    return "Missing 'method' member";
  }
  if (typeof m.method !== 'string' || m.method === '') {
    return "'method' member must be of type string";
  }
  if ('params' in m && !Array.isArray(m.params)) {
    return "'params' member must be of type array";
  }
  return undefined;
}

/** Calls that read or depend on who is logged in (the "in use" checks of deletes). */
const readsSessions =
  /^(iscsi\.global\.(sessions|client_count)|iscsi\.(target|extent|targetextent)\.delete|pool\.dataset\.delete)$/;
/** Calls after which the middleware reloads the iSCSI service. */
const changesTargets = /^(iscsi\.[a-z]+|pool\.dataset)\.(create|update|delete)$/;

/**
 * With a real target: sessions come from it before a call that checks them, and the tables are
 * applied to it before a call that changed them answers (a failed reload is the call's error).
 */
async function withKernelTarget(sim: SimCore, name: string, handler: () => unknown): Promise<unknown> {
  const target = sim.kernelTarget;
  if (target && readsSessions.test(name)) {
    sim.iscsi.sessions.splice(0, sim.iscsi.sessions.length, ...(await target.sessions()));
  }
  const result = await handler();
  if (target && changesTargets.test(name)) {
    try {
      await target.apply();
    } catch (err) {
      throw callError(`Failed to reload the iSCSI target service: ${(err as Error).message}`, errno.EIO);
    }
  }
  return result;
}

/** Runs one method for a session: auth, argument validation, jobs. Shared with core.bulk. */
export async function invoke(
  sim: SimCore,
  session: SessionState,
  name: string,
  def: MethodDef<CallContext>,
  params: unknown[],
  messageId?: RequestId,
): Promise<unknown> {
  if (!def.noAuth && !session.authenticated) {
    throw notAuthenticated();
  }
  const { values, problems } = checkArgs(def.args, params);
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  const ctx: CallContext = { sim, session };
  const run = sim.kernelTarget
    ? () => withKernelTarget(sim, name, () => def.handler(ctx, values))
    : () => def.handler(ctx, values);
  if (!sim.isJob(name, def.job === true)) {
    return await run();
  }
  const job = sim.jobs.start(name, params, session.username, messageId, async () => run());
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

/** How the connection arrived: over TLS, to which `/api/<dir>`, from which address. */
export interface ConnectionOrigin {
  tls: boolean;
  /** `current` or a directory such as `v25.10.0`. */
  endpoint: string;
  remoteAddress: string;
}

function isLoopback(address: string): boolean {
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || a.startsWith('127.');
}

export class RpcConnection implements EventSink {
  readonly session: SessionState;
  readonly #ws: WebSocket;
  readonly #sim: SimCore;
  readonly #methods: MethodTable<CallContext>;
  #inflight = 0;
  #executing = 0;
  readonly #queue: Array<() => void> = [];

  constructor(ws: WebSocket, sim: SimCore, methods: MethodTable<CallContext>, origin: ConnectionOrigin) {
    this.#ws = ws;
    this.#sim = sim;
    this.#methods = methods;
    // utils/origin.py `secure_transport`: TLS, or a loopback peer (unless the simulated web front
    // end reports every client as remote).
    const loopback = isLoopback(origin.remoteAddress) && !sim.knobs.remoteClients;
    this.session = {
      id: randomUUID(),
      secure: origin.tls || loopback,
      tls: origin.tls,
      endpoint: origin.endpoint,
      authenticated: false,
      username: undefined,
      legacyJobs: true,
      subscriptions: new Map(),
      scram: undefined,
    };
    sim.events.add(this);
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('close', () => sim.events.remove(this));
  }

  #send(payload: unknown): void {
    if (this.#ws.readyState === this.#ws.OPEN) {
      this.#ws.send(JSON.stringify(payload));
    }
  }

  #sendError(id: RequestId, error: RpcError): void {
    this.#send({ jsonrpc: '2.0', error: error.toWire(), id });
  }

  /** A `collection_update` for every subscription of this session that matches `name` or `*`. */
  deliver(name: string, event: Record<string, unknown>): void {
    if (!this.session.authenticated) {
      return;
    }
    const subscribed = [...this.session.subscriptions.values()].some((n) => n === name || n === '*');
    if (subscribed) {
      this.#send({ jsonrpc: '2.0', method: 'collection_update', params: event });
    }
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#ws.close(1003, 'Invalid websocket message type: <WSMsgType.BINARY: 2>');
      return;
    }
    const parsed = parseMessage(this.session.authenticated, data.toString());
    if (parsed.kind === 'close') {
      this.#ws.close(parsed.code, parsed.reason);
      return;
    }
    if (parsed.kind === 'error') {
      this.#sendError(null, new RpcError(rpcCodes.invalidJson, parsed.text));
      return;
    }
    const m = parsed.message;
    // Answers go only to requests with an id; a notification (no id) runs but gets no reply.
    const id: RequestId | undefined = 'id' in m ? (m.id as RequestId) : undefined;
    const problem = requestProblem(m);
    if (problem) {
      if (id !== undefined) {
        this.#sendError(id, new RpcError(rpcCodes.invalidRequest, problem));
      }
      return;
    }
    const request: Request = { id, method: m.method as string, params: (m.params as unknown[] | undefined) ?? [] };
    const def = this.#methods[request.method];
    this.#sim.calls.record(request.method);
    this.#sim.callLog?.push({
      method: request.method,
      params: request.method.startsWith('auth.') ? ['<redacted>'] : request.params,
    });
    if (!def) {
      if (id !== undefined) {
        this.#sendError(id, methodNotFound());
      }
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
    const reply = (payload: { result: unknown } | { error: RpcError }) => {
      if (request.id === undefined) {
        return;
      }
      if ('error' in payload) {
        this.#sendError(request.id, payload.error);
      } else {
        this.#send({ jsonrpc: '2.0', result: payload.result, id: request.id });
      }
    };
    if (this.#inflight >= hardLimit) {
      reply({ error: tooManyConcurrentCalls(hardLimit) });
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
      await this.#sim.takeBeforeHook(request.method)?.();
      const result = await invoke(this.#sim, this.session, request.method, def, request.params, request.id);
      this.#sim.scans.returnedRows += answerRows(request.method, result);
      if (fault === 'drop') {
        this.#ws.terminate();
        return;
      }
      reply({ result: result ?? null });
    } catch (err) {
      reply({ error: err instanceof RpcError ? err : unexpectedException(String(err)) });
    } finally {
      this.#release();
      this.#inflight--;
    }
  }
}
