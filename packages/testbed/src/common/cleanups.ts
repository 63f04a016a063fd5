// Stop functions registered while something starts, run in reverse order by one `stop()`; every
// one runs even when an earlier one fails, and the failures come back together.
export interface Cleanups {
  push(cleanup: () => Promise<void>): void;
  stop(): Promise<void>;
}

export function cleanups(label: string): Cleanups {
  const list: Array<() => Promise<void>> = [];
  return {
    push: (cleanup) => {
      list.push(cleanup);
    },
    async stop() {
      const errors: unknown[] = [];
      for (const cleanup of list.splice(0).reverse()) {
        await cleanup().catch((err: unknown) => errors.push(err));
      }
      if (errors.length > 0) {
        throw new AggregateError(errors, `${label} cleanup failed`);
      }
    },
  };
}
