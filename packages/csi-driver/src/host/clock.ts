// Time as the node service sees it. Polling loops (by-path links, multipath maps, busy umounts,
// device growth) sleep and read deadlines through a Clock, so tests run them on virtual time.
import { setTimeout as sleep } from 'node:timers/promises';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    await sleep(ms);
  },
};

/**
 * Calls `probe` until it returns a value other than undefined or `timeoutMs` passes; returns the
 * value or undefined on timeout. The first probe runs at once.
 */
export async function pollUntil<T>(
  clock: Clock,
  timeoutMs: number,
  intervalMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (clock.now() >= deadline) {
      return undefined;
    }
    await clock.sleep(intervalMs);
  }
}
