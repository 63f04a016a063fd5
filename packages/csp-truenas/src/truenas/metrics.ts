// How TrueNAS calls count in metrics: the JSON-RPC method, and `ok` or the failure's code (the
// errno name TrueNAS sends, else the JSON-RPC error code; timeout and connection_lost when no
// answer came). Parameters never become labels.
import type { ArrayMetrics } from '@opencsp/csp-spec/metrics';
import { CallTimeout, ConnectionLost, LoginRefused, RpcFailure } from './errors.js';

export function failureCode(err: unknown): string {
  if (err instanceof RpcFailure) {
    return err.errname ?? (err.errno !== undefined ? `errno${err.errno}` : `jsonrpc${err.code}`);
  }
  if (err instanceof CallTimeout) {
    return 'timeout';
  }
  return err instanceof ConnectionLost ? 'connection_lost' : 'error';
}

/** Reports the outcome and latency of one call whose answer is `answer`. */
export async function measureCall<T>(metrics: ArrayMetrics, method: string, answer: Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const value = await answer;
    metrics.call(method, 'ok', (performance.now() - started) / 1000);
    return value;
  } catch (err) {
    metrics.call(method, failureCode(err), (performance.now() - started) / 1000);
    throw err;
  }
}

export function loginResult(err: unknown): 'refused' | 'error' {
  return err instanceof LoginRefused ? 'refused' : 'error';
}
