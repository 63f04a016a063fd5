/**
 * Serialises work per key (a volume id, a host uuid...). Callers for the same key run one after
 * the other in arrival order; different keys run in parallel. Entries are dropped when idle.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.#tails.get(key) === tail) {
        this.#tails.delete(key);
      }
    }
  }

  /** Number of keys with work queued or running (for tests and metrics). */
  get size(): number {
    return this.#tails.size;
  }
}
