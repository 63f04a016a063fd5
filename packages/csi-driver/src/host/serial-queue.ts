// Runs jobs one at a time, in the order they arrive. For a host resource that takes one writer:
// iscsiadm's node database is guarded by a lock file that each iscsiadm process polls every 10 ms,
// so concurrent writers spin, starve one another and run into their timeouts on a busy node; queued
// in-process, the node service's writers simply take turns.

export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  #size = 0;

  /** Jobs queued or running. */
  get size(): number {
    return this.#size;
  }

  /** Runs `job` after every job queued before it has settled; its result or error is the job's. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.#size++;
    const result = this.#tail.then(job);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tail = settled;
    return result.finally(() => {
      this.#size--;
    });
  }
}
