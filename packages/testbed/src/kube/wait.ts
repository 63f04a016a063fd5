// Polling until a condition holds, with the last observation in the timeout error.
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the error message. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Fails the wait at once (e.g. a process that died). */
  abort?: () => string | undefined;
}

/**
 * Calls `check` until it returns a value other than undefined; `check` may throw (the error is
 * remembered and shown if time runs out).
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last = 'no answer yet';
  for (;;) {
    const aborted = options.abort?.();
    if (aborted !== undefined) {
      throw new Error(`${options.what}: ${aborted}`);
    }
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
      last = 'not yet';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what} (last: ${last})`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/** A TCP port nobody listens on at 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') {
          resolve(address.port);
        } else {
          reject(new Error('no port'));
        }
      });
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    ports.add(await freePort());
  }
  return [...ports];
}
