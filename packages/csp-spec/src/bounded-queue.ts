// Runs jobs at most `limit` at a time, starting them in the order they arrive. Used where a resource
// tolerates only so many users at once:
// - iscsiadm's node database (the driver's node) is guarded by a lock file that each iscsiadm
//   process polls every 10 ms, so dozens of concurrent writers spin, starve one another and run
//   into their timeouts on a busy node. A small limit keeps the pollers few while the writers'
//   process start-up (most of an iscsiadm call) still overlaps.
// - csp-synology's connections to DSM: Node's HTTP agent counts a connection only once it is
//   established, so with a connection step that waits for the TLS check (as the DSM transport's
//   does) a burst of requests each opened its own connection past `maxSockets`, and the agent
//   closed the surplus as they came free. The queue keeps requests, and so connections, at the cap.

export class BoundedQueue {
  readonly limit: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit = 1) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`queue limit must be a positive integer, got ${limit}`);
    }
    this.limit = limit;
  }

  /** Jobs queued or running. */
  get size(): number {
    return this.#running + this.#waiting.length;
  }

  /** Runs `job` once a slot is free (first come, first served); its result or error is the job's. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running < this.limit) {
      this.#running++;
    } else {
      // The finishing job hands its slot over, so `#running` stays as it is.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    try {
      return await job();
    } finally {
      const next = this.#waiting.shift();
      if (next) {
        next();
      } else {
        this.#running--;
      }
    }
  }
}
