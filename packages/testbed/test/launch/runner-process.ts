// A runner entry point (`node packages/testbed/dist/<runner>/main.js`) started as a user or CI
// starts it, in a process group of its own and with TMPDIR pointing at a directory of the test, so
// that everything it creates there (run directories, backing files, mounts) can be found; its
// descendants are recorded from /proc while it runs, so a test can check that each is gone.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detachLoopsUnder, loopsUnder, mountsUnder, unmountUnder } from '../../src/loop/index.js';

/** The built entry point of a runner, e.g. `runnerScript('csi-sanity')`. */
export const runnerScript = (runner: string) => fileURLToPath(new URL(`../../dist/${runner}/main.js`, import.meta.url));

/** A process as /proc shows it: the pid and its start time (so a reused pid is not mistaken for it). */
interface ProcEntry {
  pid: number;
  ppid: number;
  start: string;
  comm: string;
}

async function readProc(pid: number): Promise<ProcEntry | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) {
    return undefined;
  }
  // pid (comm) state ppid ... field 22 is the start time; comm may hold spaces and parentheses.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  if (fields[0] === 'Z') {
    return undefined; // a zombie has finished; only its parent's wait is missing
  }
  return { pid, ppid: Number(fields[1]), start: fields[19] ?? '', comm: stat.slice(stat.indexOf('(') + 1, close) };
}

async function processTable(): Promise<ProcEntry[]> {
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  const entries = await Promise.all(pids.map(readProc));
  return entries.filter((e): e is ProcEntry => e !== undefined);
}

export class RunnerProcess {
  readonly child: ChildProcess;
  /** Every descendant seen so far, by pid. */
  readonly seen = new Map<number, ProcEntry>();
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** The runner's TMPDIR: nothing may be left here. */
  readonly tmp: string;
  /** A directory for what the runner is meant to keep (`--report-dir`). */
  readonly reports: string;

  private constructor(
    readonly base: string,
    script: string,
    args: (base: RunnerProcess) => string[],
  ) {
    this.tmp = join(base, 'tmp');
    this.reports = join(base, 'reports');
    this.child = spawn(process.execPath, [script, ...args(this)], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: this.tmp, NO_COLOR: '1' },
    });
    this.child.stdout?.on('data', (c: Buffer) => (this.output += c.toString('utf8')));
    this.child.stderr?.on('data', (c: Buffer) => (this.output += c.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(runner: string, args: (r: RunnerProcess) => string[] = () => []): Promise<RunnerProcess> {
    const base = await mkdtemp(join(tmpdir(), `opencsp-signal-${runner}-`));
    try {
      await mkdir(join(base, 'tmp'));
      return new RunnerProcess(base, runnerScript(runner), args);
    } catch (err) {
      await rm(base, { recursive: true, force: true });
      throw err;
    }
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Records the runner's descendants as they are now; returns them. */
  async snapshot(): Promise<ProcEntry[]> {
    const table = await processTable();
    const found: ProcEntry[] = [];
    let parents = new Set([this.pid]);
    while (parents.size > 0) {
      const next = table.filter((e) => parents.has(e.ppid) && !found.includes(e));
      found.push(...next);
      parents = new Set(next.map((e) => e.pid));
    }
    for (const e of found) {
      this.seen.set(e.pid, e);
    }
    return found;
  }

  /** Polls (recording descendants) until `ready` holds; fails with the output if the runner exits first. */
  async waitFor(what: string, ready: (descendants: ProcEntry[]) => Promise<boolean> | boolean): Promise<void> {
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`the runner exited before ${what}:\n${this.output.slice(-3000)}`);
      }
      if (await ready(await this.snapshot())) {
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The recorded descendants that still run (same pid and start time). */
  async stillAlive(): Promise<string[]> {
    const alive: string[] = [];
    for (const e of this.seen.values()) {
      const now = await readProc(e.pid);
      if (now && now.start === e.start) {
        alive.push(`${e.pid} ${e.comm}`);
      }
    }
    return alive;
  }

  /** Waits a while (at most `polls` looks, 100 ms apart) for the recorded descendants to be gone. */
  async waitGone(polls = 150): Promise<void> {
    for (let i = 0; i < polls && (await this.stillAlive()).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** What the runner left under its TMPDIR: mounts, loop devices, files. */
  async leftovers(): Promise<string[]> {
    return [
      ...(await mountsUnder(this.tmp)).map((m) => `mount ${m}`),
      ...(await loopsUnder(this.tmp)).map((l) => `loop device ${l.device} (${l.file})`),
      ...(await readdir(this.tmp)).map((f) => `file ${join(this.tmp, f)}`),
    ];
  }

  /** The test's own cleanup, whatever happened: kill the group and every descendant, unmount, detach, remove. */
  async destroy(): Promise<void> {
    const kill = (pid: number) => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    kill(-this.pid);
    for (const e of this.seen.values()) {
      const now = await readProc(e.pid);
      if (now && now.start === e.start) {
        kill(-e.pid);
        kill(e.pid);
      }
    }
    await this.exited;
    await unmountUnder(this.base);
    await detachLoopsUnder(this.base);
    await rm(this.base, { recursive: true, force: true });
  }
}
