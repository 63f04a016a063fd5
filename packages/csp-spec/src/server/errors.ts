// The CSP error catalog: every failure a provider can report, and the HTTP status it becomes.
// Providers throw `CspProblem`s in domain terms; only the kit turns them into HTTP responses.
import { http } from '../node-http.js';
import type { ErrorBody, ErrorReason } from '../types.js';

const { STATUS_CODES } = http;

/** HTTP status for each reason. Typed as a Record so that a new reason cannot be forgotten here. */
export const statusForReason: Record<ErrorReason, number> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  NAME_TAKEN: 409,
  ACCESS_MISMATCH: 409,
  HAS_DEPENDENTS: 409,
  PUBLISHED: 400,
  OUT_OF_SPACE: 507,
  LIMIT_EXCEEDED: 507,
  UNAVAILABLE: 503,
  TIMEOUT: 503,
  NOT_IMPLEMENTED: 501,
  INTERNAL: 500,
  RATE_LIMITED: 429,
};

/** A failure in domain terms. `message` is shown to the caller: it must never hold a secret. */
export class CspProblem extends Error {
  override readonly name = 'CspProblem';
  readonly reason: ErrorReason;
  /** The request field at fault (dotted path, e.g. `config.volblocksize`), for INVALID_INPUT. */
  readonly field: string | undefined;
  /** Seconds the caller should wait before trying again (sent as `Retry-After`), for RATE_LIMITED. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    reason: ErrorReason,
    message: string,
    options: { field?: string; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return statusForReason[this.reason];
  }
}

export const invalidInput = (field: string, message: string): CspProblem =>
  new CspProblem('INVALID_INPUT', `${field}: ${message}`, { field });
export const notFound = (what: string): CspProblem => new CspProblem('NOT_FOUND', `${what} not found`);
export const notImplemented = (what: string): CspProblem =>
  new CspProblem('NOT_IMPLEMENTED', `${what} is not implemented by this CSP`);

export function isCspProblem(err: unknown): err is CspProblem {
  return err instanceof CspProblem;
}

/** The contract's error body for a status; `code` is always the HTTP reason phrase. */
export function errorBody(
  status: number,
  message: string,
  extra: { reason?: ErrorReason; field?: string | undefined } = {},
): ErrorBody {
  const item: ErrorBody['errors'][number] = { code: STATUS_CODES[status] ?? 'Error', message };
  if (extra.reason) {
    item.reason = extra.reason;
  }
  if (extra.field) {
    item.field = extra.field;
  }
  return { errors: [item] };
}
