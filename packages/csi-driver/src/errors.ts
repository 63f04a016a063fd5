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

  constructor(kind: DriverErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export const invalidArgument = (message: string) => new DriverError('InvalidArgument', message);
export const notFound = (message: string) => new DriverError('NotFound', message);
export const alreadyExists = (message: string) => new DriverError('AlreadyExists', message);
export const failedPrecondition = (message: string) => new DriverError('FailedPrecondition', message);
export const resourceExhausted = (message: string) => new DriverError('ResourceExhausted', message);
export const outOfRange = (message: string) => new DriverError('OutOfRange', message);
export const aborted = (message: string) => new DriverError('Aborted', message);
export const unavailable = (message: string, cause?: unknown) => new DriverError('Unavailable', message, { cause });
export const deadlineExceeded = (message: string) => new DriverError('DeadlineExceeded', message);
export const unimplemented = (message: string) => new DriverError('Unimplemented', message);
export const internal = (message: string, cause?: unknown) => new DriverError('Internal', message, { cause });

export function isDriverError(err: unknown): err is DriverError {
  return err instanceof DriverError;
}
