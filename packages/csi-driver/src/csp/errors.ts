// CSP client failures in domain terms. Messages say which CSP call failed and why, never
// carry credentials, and keep the CSP's own explanation.
import { CspConnectionError, CspHttpError, CspProtocolError, CspTimeoutError } from '@opencsp/csp-spec/client';
import { DriverError, type DriverErrorKind, isDriverError } from '../errors.js';

function kindForHttp(err: CspHttpError): DriverErrorKind {
  if (err.reason === 'PUBLISHED') {
    return 'FailedPrecondition';
  }
  switch (err.status) {
    case 400:
      return 'InvalidArgument';
    case 401:
    case 403:
      return 'Unauthenticated';
    case 404:
      return 'NotFound';
    case 409:
      // NAME_TAKEN: a create by name; ACCESS_MISMATCH: the node has the volume with other access.
      return err.reason === 'NAME_TAKEN' || err.reason === 'ACCESS_MISMATCH' ? 'AlreadyExists' : 'FailedPrecondition';
    case 501:
      return 'Unimplemented';
    case 507:
      return 'ResourceExhausted';
    case 429: // too many failed logins, or the array blocks the CSP: retry after a pause
    case 502:
    case 503:
      return 'Unavailable';
    case 504:
      return 'DeadlineExceeded';
    default:
      return 'Internal';
  }
}

/** Turns anything the CSP client threw into a DriverError; `action` says what the driver was doing. */
export function cspFailure(err: unknown, action: string): DriverError {
  if (isDriverError(err)) {
    return err;
  }
  if (err instanceof CspHttpError) {
    const suffix = err.status === 401 ? ' (the session was renewed once and still refused)' : '';
    return new DriverError(kindForHttp(err), `${action}: ${err.message}${suffix}`, { cause: err });
  }
  if (err instanceof CspTimeoutError) {
    return new DriverError('DeadlineExceeded', `${action}: ${err.message}`, { cause: err });
  }
  if (err instanceof CspConnectionError) {
    return new DriverError('Unavailable', `${action}: ${err.message}`, { cause: err });
  }
  if (err instanceof CspProtocolError) {
    return new DriverError('Internal', `${action}: the CSP broke the contract: ${err.message}`, { cause: err });
  }
  return new DriverError('Internal', `${action}: unexpected failure: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
  });
}

/** Runs one CSP call, converting its failure. */
export async function csp<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw cspFailure(err, action);
  }
}

/** Like `csp`, but a 404 answer becomes `undefined`. */
export async function cspOrMissing<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof CspHttpError && err.status === 404) {
      return undefined;
    }
    throw cspFailure(err, action);
  }
}
