// Domain errors of the driver. Code below the gRPC service layer throws these; one function in the
// service layer maps them to gRPC status codes. Messages are shown to users (kubectl describe):
// they say what failed and never contain secrets.

export type DriverErrorKind =
  | 'InvalidArgument'
  | 'NotFound'
  | 'AlreadyExists'
  | 'FailedPrecondition'
  | 'ResourceExhausted'
  | 'OutOfRange'
  | 'Aborted'
  | 'Unavailable'
  | 'DeadlineExceeded'
  | 'Unauthenticated'
  | 'Unimplemented'
  | 'Internal';

export class DriverError extends Error {
  override readonly name = 'DriverError';
  readonly kind: DriverErrorKind;
  /** ABORTED because another call works on the same resource right now (a concurrent duplicate). */
  readonly duplicate: boolean;

  constructor(kind: DriverErrorKind, message: string, options?: { cause?: unknown; duplicate?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.duplicate = options?.duplicate === true;
  }
}

export const invalidArgument = (message: string) => new DriverError('InvalidArgument', message);
export const notFound = (message: string) => new DriverError('NotFound', message);
export const alreadyExists = (message: string) => new DriverError('AlreadyExists', message);
export const failedPrecondition = (message: string) => new DriverError('FailedPrecondition', message);
export const resourceExhausted = (message: string) => new DriverError('ResourceExhausted', message);
export const outOfRange = (message: string) => new DriverError('OutOfRange', message);
export const aborted = (message: string) => new DriverError('Aborted', message);
/** ABORTED for a call whose resource another call is working on (counted as a duplicate). */
export const inProgress = (message: string) => new DriverError('Aborted', message, { duplicate: true });
export const unavailable = (message: string, cause?: unknown) => new DriverError('Unavailable', message, { cause });
export const deadlineExceeded = (message: string) => new DriverError('DeadlineExceeded', message);
export const unimplemented = (message: string) => new DriverError('Unimplemented', message);
export const internal = (message: string, cause?: unknown) => new DriverError('Internal', message, { cause });

export function isDriverError(err: unknown): err is DriverError {
  return err instanceof DriverError;
}
