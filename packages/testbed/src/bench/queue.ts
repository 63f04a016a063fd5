// A work queue for sidecar-like worker pools: workers take items until the queue is closed and
// drained; a producer pushes as results arrive (a PV bound → a VolumeAttachment to attach).

export class WorkQueue<T> {
  readonly #items: T[] = [];
  readonly #waiters: Array<(item: T | undefined) => void> = [];
  #closed = false;

  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter(item);
    } else {
      this.#items.push(item);
    }
  }

  /** No more items will come; waiting workers get undefined once the queue is empty. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      waiter(undefined);
    }
  }

  take(): Promise<T | undefined> {
    if (this.#items.length > 0) {
      return Promise.resolve(this.#items.shift());
    }
    if (this.#closed) {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Runs `workers` loops of `work` over the queue; resolves when the queue is closed and drained. */
  async drain(workers: number, work: (item: T) => Promise<void>): Promise<void> {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let item = await this.take(); item !== undefined; item = await this.take()) {
          await work(item);
        }
      }),
    );
  }
}
