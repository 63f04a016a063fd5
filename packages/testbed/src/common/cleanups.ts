// Stop functions registered while something starts, run in reverse order by one `stop()`; every
// one runs even when an earlier one fails, and the failures come back together. A stop that begins
// while another runs joins it (a signal's cleanup and the run's own `finally` share one pass).
export interface Cleanups {
  /** Registers a stop function; the returned function drops it once the run stopped it itself. */
  push(cleanup: () => Promise<void>): () => void;
  stop(): Promise<void>;
}

export function cleanups(label: string): Cleanups {
  let list: Array<() => Promise<void>> = [];
  let running: Promise<void> | undefined;
  const runAll = async () => {
    const errors: unknown[] = [];
    while (list.length > 0) {
      const cleanup = list.pop() as () => Promise<void>;
      await cleanup().catch((err: unknown) => errors.push(err));
    }
    if (errors.length > 0) {
      throw new AggregateError(errors, `${label} cleanup failed`);
    }
  };
  return {
    push: (cleanup) => {
      list.push(cleanup);
      return () => {
        list = list.filter((c) => c !== cleanup);
      };
    },
    stop() {
      running ??= runAll().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
