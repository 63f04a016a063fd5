// Typed failures of a CSP call. The body's first error item is kept, so callers can act on the
// status and the optional `reason` without parsing message text.
import type { ErrorReason } from '../types.js';

/** The CSP answered with an error status. */
export class CspHttpError extends Error {
  override readonly name = 'CspHttpError';
  readonly status: number;
  /** The error item's `code` (the HTTP reason phrase), or `''` for a body without one. */
  readonly code: string;
  readonly reason: ErrorReason | undefined;
  readonly field: string | undefined;
  readonly operation: string;

  constructor(
    operation: string,
    status: number,
    detail: { code: string; message: string; reason?: ErrorReason; field?: string },
  ) {
    super(`${operation}: CSP answered ${status}${detail.message ? `: ${detail.message}` : ''}`);
    this.operation = operation;
    this.status = status;
    this.code = detail.code;
    this.reason = detail.reason;
    this.field = detail.field;
  }

  /** The CSP's own message, without the operation prefix. */
  get detail(): string {
    const prefix = `${this.operation}: CSP answered ${this.status}: `;
    return this.message.startsWith(prefix) ? this.message.slice(prefix.length) : '';
  }
}

/** The CSP could not be reached, or the connection broke before an answer. */
export class CspConnectionError extends Error {
  override readonly name = 'CspConnectionError';
  readonly operation: string;
  /** True when the request surely never reached the CSP (safe to resend anything). */
  readonly notSent: boolean;
  constructor(operation: string, message: string, notSent: boolean, cause?: unknown) {
    super(`${operation}: ${message}`, { cause });
    this.operation = operation;
    this.notSent = notSent;
  }
}

/** No answer within the per-request timeout. The operation may or may not have happened. */
export class CspTimeoutError extends Error {
  override readonly name = 'CspTimeoutError';
  readonly operation: string;
  constructor(operation: string, timeoutMs: number) {
    super(`${operation}: no answer from the CSP within ${timeoutMs} ms`);
    this.operation = operation;
  }
}

/** The CSP answered 2xx with a body that is not what the contract promises. */
export class CspProtocolError extends Error {
  override readonly name = 'CspProtocolError';
}

export type CspError = CspHttpError | CspConnectionError | CspTimeoutError | CspProtocolError;

export function isCspError(err: unknown): err is CspError {
  return (
    err instanceof CspHttpError ||
    err instanceof CspConnectionError ||
    err instanceof CspTimeoutError ||
    err instanceof CspProtocolError
  );
}
