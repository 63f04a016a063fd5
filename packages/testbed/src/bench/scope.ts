// Everything a benchmark starts (simulators, CSPs, the driver, child processes, temp dirs) is
// registered here and stopped in reverse order: at the end, after a failure, or on Ctrl-C.

export class Scope {
  readonly #stack: Array<{ label: string; stop: () => Promise<void> | void }> = [];
  #closing: Promise<string[]> | undefined;

  /** Registers a stop function; returns the resource for chaining. */
  defer<T>(label: string, stop: () => Promise<void> | void, resource?: T): T {
    this.#stack.push({ label, stop });
    return resource as T;
  }

  /** Awaits a started resource and registers its `stop()`. */
  async adopt<T extends { stop(): Promise<void> | void }>(label: string, starting: Promise<T>): Promise<T> {
    const resource = await starting;
    this.defer(label, () => resource.stop());
    return resource;
  }

  /** A nested scope, closed with this one unless closed earlier. */
  child(label: string): Scope {
    const child = new Scope();
    this.defer(label, async () => {
      const problems = await child.close();
      if (problems.length > 0) {
        throw new Error(problems.join('; '));
      }
    });
    return child;
  }

  get size(): number {
    return this.#stack.length;
  }

  /** Stops everything (newest first); returns the failures as messages instead of throwing. */
  close(): Promise<string[]> {
    this.#closing ??= (async () => {
      const problems: string[] = [];
      for (const { label, stop } of this.#stack.splice(0).reverse()) {
        try {
          await stop();
        } catch (err) {
          problems.push(`stopping ${label}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      return problems;
    })();
    const closing = this.#closing;
    void closing.finally(() => {
      if (this.#closing === closing) {
        this.#closing = undefined;
      }
    });
    return closing;
  }
}
