// How the sidecars retry: codes that mean "in progress or temporarily impossible" are retried
// with exponential backoff; anything else is final and goes back to the caller (the sidecar
// records it as an event and tries again much later, which tests model by calling again).
import { status } from '@grpc/grpc-js';
import { isGrpcError } from './client.js';

/** external-provisioner's non-final codes: the operation may still complete. */
export const transientCodes = new Set<number>([
  status.CANCELLED,
  status.DEADLINE_EXCEEDED,
  status.UNAVAILABLE,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
]);

export interface RetryPolicy {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Which failures are retried (default: gRPC errors with a transient code). */
  retryable?: (err: unknown) => boolean;
}

const transient = (err: unknown) => isGrpcError(err) && transientCodes.has(err.code);

export const defaultRetry: RetryPolicy = { attempts: 8, initialDelayMs: 50, maxDelayMs: 1000 };

export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy = defaultRetry): Promise<T> {
  let delay = policy.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(policy.retryable ?? transient)(err) || attempt >= policy.attempts) {
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}
