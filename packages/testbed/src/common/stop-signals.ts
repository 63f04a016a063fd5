// How every runner entry point (pnpm sanity, e2e:vm, bench, demo) stops when it is stopped: the
// first SIGINT, SIGTERM or SIGHUP (Ctrl-C, CI's timeout, a closed terminal) runs the runner's
// cleanup (children and their process groups stopped, mounts unmounted, loop devices detached,
// temp dirs removed) for at most `boundMs`, then exits with 128+signal as a shell reports a
// process killed by that signal. A second signal exits at once, with what is left said on stderr.
// What a SIGKILL leaves is the children's business: launch/spawn.ts ties them to the runner.

export const stopSignals = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
export type StopSignal = keyof typeof stopSignals;

/** The exit status of a process stopped by `signal` (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
export const signalExitCode = (signal: StopSignal): number => 128 + stopSignals[signal];

/** Default bound on the cleanup after a signal; OPENCSP_STOP_BOUND_SECONDS overrides it. */
export const defaultStopBoundMs = 60_000;

export interface StopOnSignalsOptions {
  /** Stops everything the runner started; its failures are printed, not fatal. */
  cleanup: (signal: StopSignal) => Promise<void>;
  /** The longest the cleanup may take before the runner exits anyway (default 60 s). */
  boundMs?: number;
  /** Where the notices go (default stderr). */
  log?: (line: string) => void;
  /** Called first: true when the runner consumed the signal itself (the demo's pause at --keep). */
  intercept?: (signal: StopSignal) => boolean;
  /** Exits the process (tests replace it). */
  exit?: (code: number) => void;
}

const describe = (err: unknown): string =>
  err instanceof AggregateError
    ? [err.message, ...err.errors.map((e) => `  ${describe(e)}`)].join('\n')
    : err instanceof Error
      ? err.message
      : String(err);

function boundFromEnv(): number | undefined {
  const raw = process.env.OPENCSP_STOP_BOUND_SECONDS;
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`OPENCSP_STOP_BOUND_SECONDS must be a positive number of seconds, not "${raw}"`);
  }
  return seconds * 1000;
}

/**
 * Installs the handlers for SIGINT, SIGTERM and SIGHUP; returns a function that removes them.
 * `stopping()` of the result says whether a signal has begun the cleanup.
 */
export function exitOnStopSignals(options: StopOnSignalsOptions): { remove: () => void; stopping: () => boolean } {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const boundMs = options.boundMs ?? boundFromEnv() ?? defaultStopBoundMs;
  let first: StopSignal | undefined;
  const handlers = new Map<StopSignal, () => void>();
  const onSignal = (signal: StopSignal) => {
    if (first === undefined && options.intercept?.(signal)) {
      return;
    }
    if (first !== undefined) {
      log(`${signal} again: exiting now; processes, mounts, loop devices or temp dirs may be left`);
      exit(signalExitCode(signal));
      return;
    }
    first = signal;
    log(`\n${signal}: stopping what this run started (at most ${Math.ceil(boundMs / 1000)} s; again to quit at once)`);
    const timer = setTimeout(() => {
      log(`${signal}: the cleanup took longer than ${Math.ceil(boundMs / 1000)} s; exiting with it unfinished`);
      exit(signalExitCode(signal));
    }, boundMs);
    void options
      .cleanup(signal)
      .catch((err: unknown) => log(`cleanup after ${signal}: ${describe(err)}`))
      .finally(() => {
        clearTimeout(timer);
        exit(signalExitCode(signal));
      });
  };
  for (const signal of Object.keys(stopSignals) as StopSignal[]) {
    const handler = () => onSignal(signal);
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return {
    remove: () => {
      for (const [signal, handler] of handlers) {
        process.off(signal, handler);
      }
    },
    stopping: () => first !== undefined,
  };
}
