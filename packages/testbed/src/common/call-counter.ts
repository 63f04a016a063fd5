// Counts API calls per method, so tests can prove an operation costs a bounded number of array
// calls however many objects the array holds.

export class CallCounter {
  readonly #counts = new Map<string, number>();

  record(method: string): void {
    this.#counts.set(method, (this.#counts.get(method) ?? 0) + 1);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.#counts.values()) {
      sum += n;
    }
    return sum;
  }

  byMethod(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.#counts.clear();
  }

  /** Runs `work` and returns the calls it made (by method) alongside its result. */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; calls: Record<string, number>; total: number }> {
    const before = new Map(this.#counts);
    const result = await work();
    const calls: Record<string, number> = {};
    let total = 0;
    for (const [method, count] of this.#counts) {
      const delta = count - (before.get(method) ?? 0);
      if (delta > 0) {
        calls[method] = delta;
        total += delta;
      }
    }
    return { result, calls, total };
  }
}
