// The one place where TrueNAS failures become contract problems. Call sites handle the failures
// they expect (a missing object, a name clash) before this; everything else lands here.
import { CspProblem } from '@opencsp/csp-spec/server';
import { CallTimeout, ConnectionLost, errnos, LoginRefused, RpcFailure, rpc } from './errors.js';

export function toProblem(err: unknown): CspProblem {
  if (err instanceof CspProblem) {
    return err;
  }
  if (err instanceof LoginRefused) {
    return err.kind === 'insecure'
      ? new CspProblem('INVALID_INPUT', err.message, { cause: err })
      : new CspProblem('UNAUTHENTICATED', err.message, { cause: err });
  }
  if (err instanceof CallTimeout) {
    return new CspProblem('TIMEOUT', `${err.message}; the operation may still complete, retry it`, { cause: err });
  }
  if (err instanceof ConnectionLost) {
    return new CspProblem('UNAVAILABLE', `TrueNAS is unreachable (${err.message}); retry later`, { cause: err });
  }
  if (err instanceof RpcFailure) {
    return rpcProblem(err);
  }
  return new CspProblem('INTERNAL', 'unexpected failure talking to TrueNAS', { cause: err });
}

function rpcProblem(err: RpcFailure): CspProblem {
  const options = { cause: err };
  if (err.code === rpc.tooManyConcurrentCalls) {
    return new CspProblem('UNAVAILABLE', 'TrueNAS is busy (too many concurrent calls); retry later', options);
  }
  if (err.code === rpc.methodNotFound) {
    return new CspProblem(
      'INTERNAL',
      `TrueNAS does not know ${err.method}: check the API version and TrueNAS release`,
      options,
    );
  }
  switch (err.detailErrno) {
    case errnos.ENOENT:
      return new CspProblem('NOT_FOUND', err.message, options);
    case errnos.EEXIST:
      return new CspProblem('NAME_TAKEN', err.message, options);
    case errnos.ENOSPC:
      return new CspProblem('OUT_OF_SPACE', err.message, options);
    case errnos.EBUSY:
      return new CspProblem('UNAVAILABLE', `${err.message} (busy; retry later)`, options);
    case errnos.EACCES:
      return new CspProblem(
        'INTERNAL',
        `the TrueNAS account may not call ${err.method}: give it the roles listed in the CSP's README`,
        options,
      );
    case errnos.ENOTAUTHENTICATED:
      return new CspProblem('UNAUTHENTICATED', 'the TrueNAS session ended; log in again', options);
    default:
      return new CspProblem('INTERNAL', `TrueNAS refused ${err.message}`, options);
  }
}

/** Runs `work` and converts any failure with `toProblem`. */
export async function asProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toProblem(err);
  }
}
