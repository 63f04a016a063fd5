// Every answer the kit gives outside a handler's success path uses the contract's error body
// `{"errors":[{"code","message"}]}` with the status that fits: provider problems, contract
// violations, bodies fastify refuses (bad JSON 400, too large 413, not JSON 415), URLs fastify
// cannot route (bad percent-encoding 400, a path parameter over the limit 414), unknown routes
// (404, or 405 with `Allow` when the path exists for other methods), requests while shutting
// down (503), and what Node's HTTP parser rejects before fastify sees a request (malformed HTTP
// 400, oversized headers 431, a request that takes too long to arrive 408). Messages never echo
// headers or bodies, so nothing a client sent (a password, a token) can come back or reach a log.
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { http } from '../node-http.js';
import { basePath } from '../spec.js';
import type { ErrorReason } from '../types.js';
import type { ContractRoute } from './contract.js';
import { errorBody, isCspProblem } from './errors.js';
import { ContractViolation } from './validation.js';

const { STATUS_CODES } = http;

export function sendProblem(
  reply: FastifyReply,
  status: number,
  message: string,
  detail: { reason?: ErrorReason | undefined; field?: string | undefined } = {},
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(errorBody(status, message, detail));
}

/** fastify's own request errors (codes `FST_ERR_*`) and the status and wording each gets. */
const requestErrors: Record<string, { status: number; field?: string; message: (err: FastifyError) => string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    field: 'header.content-type',
    message: () => 'header.content-type: request bodies must be application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, field: 'body', message: () => 'body: is larger than the CSP accepts' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    field: 'header.content-length',
    message: () => 'header.content-length: does not match the body',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    field: 'body',
    message: () => 'body: is empty but the content-type is application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    field: 'body',
    message: () => 'body: is not valid JSON (or holds a forbidden key such as __proto__)',
  },
  FST_ERR_BAD_URL: { status: 400, field: 'path', message: () => 'path: is not a valid URL (bad percent-encoding)' },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    field: 'path',
    message: () => 'path: a path segment is longer than the CSP accepts',
  },
};

function frameworkProblem(error: FastifyError): { status: number; message: string; field?: string } | undefined {
  const known = requestErrors[error.code];
  if (known) {
    return { status: known.status, message: known.message(error), ...(known.field ? { field: known.field } : {}) };
  }
  const status = error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Any other request-shape error fastify raises (its messages describe the request, not data).
    return { status, message: error.message };
  }
  return undefined;
}

/** A 4xx for a request fastify or the contract refused: 400s carry reason INVALID_INPUT. */
function sendRequestProblem(reply: FastifyReply, problem: { status: number; message: string; field?: string }) {
  return sendProblem(reply, problem.status, problem.message, {
    ...(problem.status === 400 ? { reason: 'INVALID_INPUT' as const } : {}),
    field: problem.field,
  });
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ContractViolation) {
    return sendProblem(reply, 400, error.message, { reason: 'INVALID_INPUT', field: error.field });
  }
  if (isCspProblem(error)) {
    const log = error.status >= 500 ? request.log.error.bind(request.log) : request.log.debug.bind(request.log);
    log({ err: error, reason: error.reason }, 'request failed');
    if (error.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
    }
    return sendProblem(reply, error.status, error.message, { reason: error.reason, field: error.field });
  }
  const problem = frameworkProblem(error);
  if (problem) {
    request.log.debug({ code: error.code, status: problem.status }, 'request refused');
    return sendRequestProblem(reply, problem);
  }
  request.log.error({ err: error }, 'unexpected failure');
  return sendProblem(reply, 500, `internal error in the CSP (request ${request.id}); see the CSP log`);
}

/** For errors fastify raises before routing (bad URL, path parameter too long). */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  return sendRequestProblem(reply, frameworkProblem(error) ?? { status: 400, message: 'request: cannot be routed' });
}

interface PathPattern {
  pattern: RegExp;
  method: string;
}

/** Regular expressions of every route's path, to tell "no such path" from "wrong method". */
export function pathPatterns(routes: readonly ContractRoute[]): PathPattern[] {
  const own = [
    { url: '/healthz', method: 'GET' },
    { url: '/readyz', method: 'GET' },
  ];
  return [...routes, ...own].map(({ url, method }) => ({
    method,
    pattern: new RegExp(`^${url.replace(/:\w+/g, '[^/]+').replaceAll('.', '\\.')}$`),
  }));
}

/** 404 for an unknown path; 405 with `Allow` for a known path asked with another method. */
export function notFoundHandler(patterns: readonly PathPattern[]) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(patterns.filter((p) => p.pattern.test(path)).map((p) => p.method))];
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, 405, `method: ${request.method} is not allowed here (allowed: ${allowed.join(', ')})`);
    }
    const where = path.startsWith(basePath) ? 'the contract' : 'this CSP';
    return sendProblem(reply, 404, `no such route in ${where}: ${request.method} ${path.slice(0, 200)}`);
  };
}

/** HTTP/1.1 requires a Host header; Node's own refusal has no body, so the kit refuses instead. */
export function requireHost(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    sendProblem(reply, 400, 'header.host: is required in HTTP/1.1', { reason: 'INVALID_INPUT', field: 'header.host' });
    return;
  }
  done();
}

/** Refuses requests once shutdown began (fastify's own 503 body is not the contract's). */
export function refuseWhileClosing(closing: () => boolean) {
  return (_request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (closing()) {
      reply.header('connection', 'close');
      sendProblem(reply, 503, 'the CSP is shutting down; retry', { reason: 'UNAVAILABLE' });
      return;
    }
    done();
  };
}

function clientErrorStatus(code: string | undefined): { status: number; message: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'request: did not arrive in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'header: the request headers are larger than the CSP accepts' };
    default:
      return { status: 400, message: `request: is not valid HTTP/1.1${code ? ` (${code})` : ''}` };
  }
}

/** Node's `clientError`: the request never reached fastify (malformed, oversized, too slow). */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  const { status, message } = clientErrorStatus(err.code);
  this.log.debug({ code: err.code, status }, 'refused a malformed request');
  if (socket.writable) {
    const body = JSON.stringify(errorBody(status, message, status === 400 ? { reason: 'INVALID_INPUT' } : {}));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
