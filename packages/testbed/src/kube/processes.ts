// Child processes of one test cluster: each started with its output in a log file of the run
// directory, killed with the test process if that dies (setpriv --pdeathsig), stopped in reverse
// start order with SIGTERM and, after a grace period, SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ProcessSpec {
  /** Unique name; also the log file's name (<name>.log). */
  name: string;
  command: string;
  args: string[];
  /** The whole environment of the process (nothing is inherited). */
  env: Record<string, string>;
  cwd?: string;
  /** Seconds between SIGTERM and SIGKILL at stop (default 5). */
  graceSeconds?: number;
}

export interface Supervised {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<string>;
  /** Set once the process has exited. */
  exitStatus(): string | undefined;
  stop(): Promise<void>;
}

/** The last `lines` lines of a log file ('' when it does not exist). */
export async function logTail(file: string, lines = 30): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

function waitExit(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`));
    child.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
}

export class ProcessGroup {
  private readonly running: Supervised[] = [];
  #closing = false;

  /** True once stopAll has begun: nothing may start any more. */
  get closing(): boolean {
    return this.#closing;
  }

  constructor(readonly logDir: string) {}

  /** Every process started and not yet stopped, in start order. */
  list(): readonly Supervised[] {
    return this.running;
  }

  start(spec: ProcessSpec): Supervised {
    if (this.#closing) {
      throw new Error(`${spec.name}: the process group is stopping`);
    }
    const logFile = join(this.logDir, `${spec.name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', spec.command, ...spec.args], {
      env: spec.env,
      cwd: spec.cwd ?? this.logDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    let status: string | undefined;
    const exited = waitExit(child).then((s) => {
      status = s;
      log.end();
      return s;
    });
    if (child.pid === undefined) {
      throw new Error(`${spec.name}: ${spec.command} could not be started`);
    }
    const grace = (spec.graceSeconds ?? 5) * 1000;
    const supervised: Supervised = {
      name: spec.name,
      pid: child.pid,
      logFile,
      exited,
      exitStatus: () => status,
      stop: async () => {
        const at = this.running.indexOf(supervised);
        if (at >= 0) {
          this.running.splice(at, 1);
        }
        if (status !== undefined) {
          return;
        }
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), grace);
        await exited;
        clearTimeout(timer);
      },
    };
    this.running.push(supervised);
    return supervised;
  }

  /** Stops every process, last started first. */
  async stopAll(): Promise<void> {
    this.#closing = true;
    for (const p of [...this.running].reverse()) {
      await p.stop();
    }
  }
}
