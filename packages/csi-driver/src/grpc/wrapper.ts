// The single wrapper around every RPC handler: validate the request, take the in-flight keys,
// run the handler, log the call with secrets removed, and turn failures into gRPC statuses.
import type { handleUnaryCall, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { inProgress, isDriverError } from '../errors.js';
import type { RpcMetrics } from '../metrics/types.js';
import type { InFlight } from './inflight.js';
import { status } from './lib.js';
import { redactRequest } from './redact.js';
import { statusName, toGrpcFailure } from './status.js';

export interface Rpc<Req, Res> {
  /** Checks the request; throws InvalidArgument naming the field. Runs before anything else. */
  validate?: (request: Req) => void;
  /** Resources this call works on; a concurrent call on any of them gets ABORTED. */
  keys?: (request: Req) => string[];
  handle: (request: Req) => Promise<Res>;
  /** Log successful calls at debug instead of info (Probe, capability queries). */
  quiet?: boolean;
}

export interface WrapContext {
  logger: Logger;
  inflight: InFlight;
  /** RPC counts, latency, in-flight calls and duplicates (metrics on). */
  metrics?: RpcMetrics;
}

export async function runRpc<Req, Res>(name: string, rpc: Rpc<Req, Res>, request: Req, ctx: WrapContext): Promise<Res> {
  rpc.validate?.(request);
  const keys = rpc.keys?.(request) ?? [];
  const release = ctx.inflight.tryAcquire(keys);
  if (!release) {
    throw inProgress(`${name}: an operation on ${keys.join(', ')} is already in progress; retry later`);
  }
  try {
    return await rpc.handle(request);
  } finally {
    release();
  }
}

export function unary<Req, Res>(name: string, rpc: Rpc<Req, Res>, ctx: WrapContext): handleUnaryCall<Req, Res> {
  const probe = ctx.metrics?.probe(name);
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const started = performance.now();
    probe?.begin();
    runRpc(name, rpc, call.request, ctx).then(
      (response) => {
        const elapsed = performance.now() - started;
        probe?.end('OK', elapsed / 1000, false);
        callback(null, response);
        // The line (and the redacted view of the request in it) only when the level is on.
        const level = rpc.quiet ? 'debug' : 'info';
        if (ctx.logger.isLevelEnabled(level)) {
          ctx.logger[level]({ rpc: name, ms: Math.round(elapsed), request: redactRequest(call.request) }, 'rpc ok');
        }
      },
      (err: unknown) => {
        const failure = toGrpcFailure(err);
        const elapsed = performance.now() - started;
        probe?.end(statusName(failure.code), elapsed / 1000, isDriverError(err) && err.duplicate);
        const ms = Math.round(elapsed);
        const fields = {
          rpc: name,
          ms,
          code: statusName(failure.code),
          error: failure.details,
          request: redactRequest(call.request),
        };
        if (failure.expected) {
          ctx.logger.warn(fields, 'rpc failed');
        } else {
          ctx.logger.error({ ...fields, err }, 'rpc failed unexpectedly');
        }
        callback({ code: failure.code, details: failure.details });
      },
    );
  };
}

/** A handler for an RPC this build does not implement (and does not advertise). */
export function unimplemented<Req = unknown, Res = unknown>(
  name: string,
  why: string,
  ctx: WrapContext,
): handleUnaryCall<Req, Res> {
  const probe = ctx.metrics?.probe(name);
  return (_call, callback) => {
    probe?.begin();
    probe?.end('UNIMPLEMENTED', 0, false);
    ctx.logger.debug({ rpc: name }, 'rpc not implemented');
    callback({ code: status.UNIMPLEMENTED, details: `${name} is not implemented: ${why}` });
  };
}
