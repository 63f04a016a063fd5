// Waiting for an array to finish something asynchronous (a job, a lock, a delete): probe with
// exponential backoff until the probe yields a value or the deadline passes (TIMEOUT problem).
import { setTimeout as sleep } from 'node:timers/promises';
import { CspProblem } from './errors.js';

export interface PollOptions {
  /** Give up after this long (the probe runs at least once). */
  timeoutMs: number;
  /** First pause between probes; doubles up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** For the TIMEOUT message: "waiting for <what>". */
  what: string;
}

export async function pollUntil<T>(probe: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.intervalMs ?? 500;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new CspProblem('TIMEOUT', `gave up waiting for ${options.what} after ${options.timeoutMs} ms`);
    }
    await sleep(Math.min(interval, left));
    interval = Math.min(interval * 2, options.maxIntervalMs ?? 10_000);
  }
}
