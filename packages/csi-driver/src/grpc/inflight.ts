// Per-resource in-flight guard. A request whose key (volume id, volume name, snapshot name...)
// is already being worked on is refused with ABORTED, as CSI prescribes, instead of queueing
// behind it: the sidecars retry with backoff and then see the finished result.
export class InFlight {
  readonly #keys = new Set<string>();

  /** Takes every key or none; returns the release function, or undefined when one is busy. */
  tryAcquire(keys: readonly string[]): (() => void) | undefined {
    if (keys.some((key) => this.#keys.has(key))) {
      return undefined;
    }
    for (const key of keys) {
      this.#keys.add(key);
    }
    let released = false;
    return () => {
      if (!released) {
        released = true;
        for (const key of keys) {
          this.#keys.delete(key);
        }
      }
    };
  }

  get size(): number {
    return this.#keys.size;
  }
}
