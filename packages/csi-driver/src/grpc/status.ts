// The one place where driver failures become gRPC status codes. Everything below the service
// layer throws `DriverError`s (src/errors.ts); anything else is a bug and becomes INTERNAL with a
// generic message, its details going only to the log.

import { type DriverErrorKind, isDriverError } from '../errors.js';
import { type StatusCode, status } from './lib.js';

/** Typed as a Record so a new error kind cannot be forgotten here. */
export const codeForKind: Record<DriverErrorKind, StatusCode> = {
  InvalidArgument: status.INVALID_ARGUMENT,
  NotFound: status.NOT_FOUND,
  AlreadyExists: status.ALREADY_EXISTS,
  FailedPrecondition: status.FAILED_PRECONDITION,
  ResourceExhausted: status.RESOURCE_EXHAUSTED,
  OutOfRange: status.OUT_OF_RANGE,
  Aborted: status.ABORTED,
  Unavailable: status.UNAVAILABLE,
  DeadlineExceeded: status.DEADLINE_EXCEEDED,
  Unauthenticated: status.UNAUTHENTICATED,
  Unimplemented: status.UNIMPLEMENTED,
  Internal: status.INTERNAL,
};

export interface GrpcFailure {
  code: StatusCode;
  details: string;
  /** False for failures we did not foresee (bugs): log them with their stack. */
  expected: boolean;
}

export function toGrpcFailure(err: unknown): GrpcFailure {
  if (isDriverError(err)) {
    return { code: codeForKind[err.kind], details: err.message, expected: true };
  }
  return { code: status.INTERNAL, details: 'internal error in the CSI driver; see the driver log', expected: false };
}

export function statusName(code: StatusCode): string {
  return status[code] ?? String(code);
}
