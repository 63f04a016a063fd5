import { CspHttpError } from '@opencsp/csp-spec/client';

/** The CSP error a call fails with (status, reason, field, message), or undefined when it succeeds. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ status: number; reason: string | undefined; field: string | undefined; message: string } | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    if (!(err instanceof CspHttpError)) {
      throw err;
    }
    return { status: err.status, reason: err.reason, field: err.field, message: err.detail };
  }
}
