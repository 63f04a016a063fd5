// One of our programs run as a child process from its real command line (`node <script> args`,
// on the images' Node: service-node.ts), as a user starts it: output goes to a log file and is kept for errors, readiness is a line it
// prints, and stop() is SIGTERM (its graceful shutdown), then SIGKILL after a grace period, to its
// process group (it is the leader: spawn.ts), so the host commands it runs stop with it; it dies
// with the runner even when that is SIGKILLed.
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serviceNode } from './service-node.js';
import { spawnTied } from './spawn.js';

/** The built entry point of a workspace package, e.g. `builtScript('csp-truenas', 'main.js')`. */
export function builtScript(pkg: string, file: string): string {
  // This module is packages/testbed/{src,dist}/launch/program.{ts,js}: two levels below the package.
  const path = fileURLToPath(new URL(`../../../${pkg}/dist/${file}`, import.meta.url));
  if (!existsSync(path)) {
    throw new Error(`${path} does not exist: run "pnpm build" first`);
  }
  return path;
}

export interface ProgramOptions {
  /** Shown in errors and logs, e.g. `csp-truenas`. */
  name: string;
  script: string;
  args: string[];
  /** Where stdout and stderr go (appended). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

export class Program {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #log: WriteStream;
  readonly #tail: string[] = [];
  /** Its first lines, so a wait that starts late still finds a start-up line. */
  readonly #head: string[] = [];
  readonly #waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  readonly #exited: Promise<number | null>;

  constructor(options: ProgramOptions) {
    this.name = options.name;
    this.#log = createWriteStream(options.logFile, { flags: 'a' });
    this.#child = spawnTied(serviceNode().path, [options.script, ...options.args], {
      env: { ...process.env, ...options.env },
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code) => resolve(code));
      this.#child.once('error', () => resolve(-1));
    });
    let partial = '';
    const onData = (chunk: Buffer) => {
      this.#log.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        this.#see(line);
      }
    };
    this.#child.stdout?.on('data', onData);
    this.#child.stderr?.on('data', onData);
  }

  #see(line: string): void {
    if (this.#head.length < 200) {
      this.#head.push(line);
    }
    this.#tail.push(line);
    if (this.#tail.length > 20) {
      this.#tail.shift();
    }
    for (const waiter of [...this.#waiters]) {
      if (waiter.pattern.test(line)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last lines it printed, for error messages. */
  get tail(): string {
    return this.#tail.join('\n');
  }

  /** The first line matching `pattern` (among its first 200, or later), within `timeoutMs`; rejects if it exits first. */
  waitForLine(pattern: RegExp, timeoutMs = 120_000): Promise<string> {
    const seen = this.#head.find((line) => pattern.test(line));
    if (seen !== undefined) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name} printed nothing matching ${pattern} in ${timeoutMs} ms:\n${this.tail}`));
      }, timeoutMs);
      void this.#exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code}) before printing ${pattern}:\n${this.tail}`));
      });
      this.#waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** The JSON object of the first output line matching `pattern`. */
  async waitForJson<T = Record<string, unknown>>(pattern: RegExp, timeoutMs?: number): Promise<T> {
    const line = await this.waitForLine(pattern, timeoutMs);
    try {
      return JSON.parse(line.slice(line.indexOf('{'))) as T;
    } catch {
      throw new Error(`${this.name} printed a line that is not JSON: ${line}`);
    }
  }

  /** Whether it is still running. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  #signalGroup(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    try {
      if (pid !== undefined) {
        process.kill(-pid, signal);
      }
    } catch {
      this.#child.kill(signal);
    }
  }

  /** SIGTERM (graceful shutdown), then SIGKILL after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (this.running) {
      this.#signalGroup('SIGTERM');
      const timer = setTimeout(() => this.#signalGroup('SIGKILL'), graceMs);
      await this.#exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.#log.end(() => resolve()));
    return this.#exited;
  }
}
