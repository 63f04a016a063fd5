// How the demo tells its story: one numbered line per step with its status and duration, the
// step's details indented under it (aligned key/value pairs), and a summary table at the end.
// Colours only when asked (a terminal); the same results go to JSON.

export type StepStatus = 'ok' | 'skipped' | 'failed' | 'not run';

export interface StepResult {
  index: number;
  name: string;
  status: StepStatus;
  /** Wall time of the step; absent when it did not run. */
  seconds?: number;
  /** What the step showed, as printed (without colour). */
  details: string[];
  /** Why a step was skipped or not run. */
  reason?: string;
  /** The failing step's error message. */
  error?: string;
}

export interface DemoOutput {
  /** Receives one line of output at a time (no trailing newline). */
  write(line: string): void;
  color: boolean;
}

/** What a step's work function can say while it runs. */
export interface StepLog {
  /** A `key  value` detail line; keys of one step are aligned. */
  detail(key: string, value: string): void;
  /** A free-form detail line. */
  say(text: string): void;
}

/** Thrown when a step fails or the run is interrupted: the story stops there. */
export class StepFailure extends Error {
  override name = 'StepFailure';
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

const ansi = { green: '32', yellow: '33', red: '31', dim: '2', bold: '1' } as const;

function errorMessage(err: unknown): string {
  if (err instanceof AggregateError) {
    return [err.message, ...err.errors.map(errorMessage)].join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

/** Rejects as soon as the signal fires (Ctrl-C), without waiting for the work. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return work;
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export class Story {
  readonly steps: StepResult[] = [];
  readonly #out: DemoOutput;
  readonly #signal: AbortSignal | undefined;
  /** Width of the step-name column (the longest name of the plan). */
  readonly #nameWidth: number;

  constructor(out: DemoOutput, options: { signal?: AbortSignal | undefined; nameWidth?: number } = {}) {
    this.#out = out;
    this.#signal = options.signal;
    this.#nameWidth = options.nameWidth ?? 48;
  }

  paint(text: string, style: keyof typeof ansi): string {
    return this.#out.color ? `\u001b[${ansi[style]}m${text}\u001b[0m` : text;
  }

  line(text = ''): void {
    this.#out.write(text);
  }

  #statusText(status: StepStatus): string {
    const padded = status.padEnd(7);
    if (status === 'ok') {
      return this.paint(padded, 'green');
    }
    return this.paint(padded, status === 'failed' ? 'red' : 'yellow');
  }

  #print(result: StepResult): void {
    const seconds = result.seconds === undefined ? '' : `${result.seconds.toFixed(2)} s`;
    const head = `${String(result.index).padStart(3)}  ${result.name.padEnd(this.#nameWidth)}  ${this.#statusText(result.status)}${seconds.padStart(9)}`;
    this.line(head.trimEnd());
    const extra = result.error ?? result.reason;
    for (const detail of [...result.details, ...(extra ? [extra] : [])]) {
      this.line(this.paint(`       ${detail}`, 'dim'));
    }
  }

  #record(result: Omit<StepResult, 'index'>): StepResult {
    const full = { index: this.steps.length + 1, ...result };
    this.steps.push(full);
    this.#print(full);
    return full;
  }

  /**
   * Runs one step, timing it; a failure (or Ctrl-C) is recorded and rethrown as StepFailure.
   * `always`: the step runs even after Ctrl-C (the clean-up).
   */
  async step<T>(name: string, work: (log: StepLog) => Promise<T>, options: { always?: boolean } = {}): Promise<T> {
    const watch = options.always ? undefined : this.#signal;
    if (watch?.aborted) {
      throw new StepFailure(name, 'interrupted');
    }
    const pairs: Array<[string, string] | string> = [];
    const log: StepLog = { detail: (key, value) => pairs.push([key, value]), say: (text) => pairs.push(text) };
    const started = performance.now();
    const details = () => {
      const width = Math.max(0, ...pairs.map((p) => (typeof p === 'string' ? 0 : p[0].length)));
      return pairs.map((p) => (typeof p === 'string' ? p : `${p[0].padEnd(width)}  ${p[1]}`));
    };
    try {
      const value = await raceAbort(work(log), watch);
      this.#record({ name, status: 'ok', seconds: (performance.now() - started) / 1000, details: details() });
      return value;
    } catch (err) {
      const message = errorMessage(err);
      this.#record({
        name,
        status: 'failed',
        seconds: (performance.now() - started) / 1000,
        details: details(),
        error: `error: ${message}`,
      });
      throw new StepFailure(name, message);
    }
  }

  /** A step that does not run here, printed with its reason. */
  skip(name: string, reason: string): void {
    this.#record({ name, status: 'skipped', details: [], reason: `skipped: ${reason}` });
  }

  /** Steps left after a failure, listed so the summary shows how far the story got. */
  notRun(names: string[], reason: string): void {
    for (const name of names) {
      this.steps.push({ index: this.steps.length + 1, name, status: 'not run', details: [], reason });
    }
  }

  /** The table printed at the end: every step, its status and time, and the total. */
  summary(totalSeconds: number): string[] {
    const width = Math.max('step'.length, ...this.steps.map((s) => s.name.length));
    const lines = [
      `${'#'.padStart(3)}  ${'step'.padEnd(width)}  ${'status'.padEnd(7)}  ${'seconds'.padStart(8)}`,
      `${'-'.repeat(3)}  ${'-'.repeat(width)}  ${'-'.repeat(7)}  ${'-'.repeat(8)}`,
    ];
    for (const s of this.steps) {
      const seconds = s.seconds === undefined ? '-' : s.seconds.toFixed(2);
      lines.push(
        `${String(s.index).padStart(3)}  ${s.name.padEnd(width)}  ${this.#statusText(s.status)}  ${seconds.padStart(8)}`,
      );
    }
    lines.push(`${' '.repeat(3)}  ${'total'.padEnd(width)}  ${' '.repeat(7)}  ${totalSeconds.toFixed(2).padStart(8)}`);
    return lines.map((l) => l.trimEnd());
  }
}
