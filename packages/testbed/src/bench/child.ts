// A Node process of ours (a CSP, the driver) run as a child so its memory figures are its own.
// A small probe preloaded with --import answers memory requests (after a full GC: the child runs
// with --expose-gc), CPU-time requests and the time spent waiting for answers to its own HTTP
// requests (diagnostics_channel) over the IPC channel, and exits when the parent goes away.
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { serviceNode } from '../launch/service-node.js';
import { spawnTied } from '../launch/spawn.js';
import { mallocArenas } from './malloc-arenas.js';
import { toMiB } from './memory.js';

const probe = `
import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { readFileSync } from 'node:fs';
const started = new WeakMap();
let httpWaitMs = 0;
subscribe('http.client.request.start', ({ request }) => started.set(request, performance.now()));
subscribe('http.client.response.finish', ({ request }) => {
  const t = started.get(request);
  if (t !== undefined) httpWaitMs += performance.now() - t;
});
process.on('message', (m) => {
  if (m && m.type === 'httpWait') {
    process.send({ type: 'httpWait', id: m.id, ms: httpWaitMs });
  }
  if (m && m.type === 'memory') {
    if (m.gc) globalThis.gc?.();
    const u = process.memoryUsage();
    const spaces = {};
    for (const s of getHeapSpaceStatistics()) spaces[s.space_name] = s.physical_space_size;
    let status = '';
    try { status = readFileSync('/proc/self/smaps_rollup', 'utf8'); } catch {}
    const kib = (key) => (Number.parseInt(status.split('\\n').find((l) => l.startsWith(key + ':'))?.slice(key.length + 1) ?? '0', 10) || 0) * 1024;
    process.send({ type: 'memory', id: m.id, rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal,
      external: u.external, arrayBuffers: u.arrayBuffers, spaces, rssAnon: kib('Anonymous'), rssFile: kib('Rss') - kib('Anonymous') });
  }
  if (m && m.type === 'heapSnapshot') {
    globalThis.gc?.();
    writeHeapSnapshot(m.path);
    process.send({ type: 'heapSnapshot', id: m.id, ms: 0 });
  }
  if (m && m.type === 'cpu') {
    const c = process.cpuUsage();
    process.send({ type: 'cpu', id: m.id, cpuMs: (c.user + c.system) / 1000 });
  }
});
process.on('disconnect', () => process.exit(0));
`;

export interface ChildMemory {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  arrayBuffersMiB: number;
  /** Resident anonymous memory (heaps, malloc arenas, stacks) and the rest (the node binary), from smaps_rollup (Linux). */
  rssAnonMiB: number;
  rssFileMiB: number;
  /** Physical size of each V8 heap space (new_space, old_space, code_space, ...). */
  spacesMiB: Record<string, number>;
  /** Resident in glibc malloc's main arena and in its per-thread arenas (Linux; 0 elsewhere or on musl). */
  mallocMainMiB: number;
  mallocThreadMiB: number;
  /** How many per-thread arena heaps (64 MiB regions) the process has mapped. */
  mallocThreadHeaps: number;
}

interface MemoryMessage {
  rss?: number;
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
  arrayBuffers?: number;
  rssAnon?: number;
  rssFile?: number;
  spaces?: Record<string, number>;
}

function childMemory(m: MemoryMessage): ChildMemory {
  return {
    rssMiB: toMiB(m.rss ?? 0),
    heapUsedMiB: toMiB(m.heapUsed ?? 0),
    heapTotalMiB: toMiB(m.heapTotal ?? 0),
    externalMiB: toMiB(m.external ?? 0),
    arrayBuffersMiB: toMiB(m.arrayBuffers ?? 0),
    rssAnonMiB: toMiB(m.rssAnon ?? 0),
    rssFileMiB: toMiB(m.rssFile ?? 0),
    spacesMiB: Object.fromEntries(Object.entries(m.spaces ?? {}).map(([k, v]) => [k, toMiB(v)])),
    mallocMainMiB: 0,
    mallocThreadMiB: 0,
    mallocThreadHeaps: 0,
  };
}

/** The child's malloc arenas, read from outside right after it answered a memory request. */
async function withArenas(pid: number | undefined, memory: ChildMemory): Promise<ChildMemory> {
  const smaps = pid === undefined ? '' : await readFile(`/proc/${pid}/smaps`, 'utf8').catch(() => '');
  const arenas = mallocArenas(smaps);
  return {
    ...memory,
    mallocMainMiB: toMiB(arenas.mainKiB * 1024),
    mallocThreadMiB: toMiB(arenas.threadKiB * 1024),
    mallocThreadHeaps: arenas.threadHeaps,
  };
}

/**
 * Extra Node flags for every child, space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to
 * profile the CSPs and the driver (Node refuses `--cpu-prof` in NODE_OPTIONS).
 */
const benchNodeArgs = (process.env.OPENCSP_BENCH_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');

export class NodeChild {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #lineWaiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  readonly #pending = new Map<number, (m: ChildMemory) => void>();
  readonly #cpuPending = new Map<number, (ms: number) => void>();
  #nextId = 1;
  #exited: Promise<number | null>;

  constructor(name: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []) {
    this.name = name;
    // Tied to the bench (launch/spawn.ts): it dies with it even when the bench is SIGKILLed.
    this.#child = spawnTied(
      serviceNode().path,
      [
        '--expose-gc',
        ...benchNodeArgs,
        ...nodeArgs,
        '--import',
        `data:text/javascript,${encodeURIComponent(probe)}`,
        script,
        ...args,
      ],
      { ipc: true, env: { ...process.env, ...env } },
    );
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') {
          continue;
        }
        if (this.#lines.length < 200) {
          this.#lines.push(line);
        }
        for (const waiter of [...this.#lineWaiters]) {
          if (waiter.pattern.test(line)) {
            this.#lineWaiters.splice(this.#lineWaiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    };
    this.#child.stdout?.on('data', onData);
    this.#child.stderr?.on('data', onData);
    this.#child.on('message', (m: { type?: string; id?: number; cpuMs?: number; ms?: number } & MemoryMessage) => {
      if ((m?.type === 'cpu' || m?.type === 'httpWait' || m?.type === 'heapSnapshot') && typeof m.id === 'number') {
        this.#cpuPending.get(m.id)?.(m.cpuMs ?? m.ms ?? 0);
        this.#cpuPending.delete(m.id);
      }
      if (m?.type === 'memory' && typeof m.id === 'number') {
        this.#pending.get(m.id)?.(childMemory(m));
        this.#pending.delete(m.id);
      }
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The first output line (stdout or stderr) matching `pattern`, within `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const seen = this.#lines.find((l) => pattern.test(l));
    if (seen) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `${this.name} printed nothing matching ${pattern} in ${timeoutMs} ms:\n${this.#lines.slice(-10).join('\n')}`,
          ),
        );
      }, timeoutMs);
      void this.#exited.then((code) => {
        clearTimeout(timer);
        reject(
          new Error(`${this.name} exited (${code}) before printing ${pattern}:\n${this.#lines.slice(-10).join('\n')}`),
        );
      });
      this.#lineWaiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** RSS and heap of the child, after a full GC unless `gc` is false. */
  memory(gc = true): Promise<ChildMemory> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name} did not answer the memory probe`));
      }, 10_000);
      this.#pending.set(id, (m) => {
        clearTimeout(timer);
        withArenas(this.#child.pid, m).then(resolve, reject);
      });
      this.#child.send({ type: 'memory', id, gc });
    });
  }

  /** CPU time (user + system, ms) the child has used since it started. */
  cpuMs(): Promise<number> {
    return this.#ask('cpu');
  }

  /** Time (ms) the child has spent, since it started, between sending HTTP requests and their answers. */
  httpWaitMs(): Promise<number> {
    return this.#ask('httpWait');
  }

  /** Writes a V8 heap snapshot of the child (after a full GC) to `path`. */
  async heapSnapshot(path: string): Promise<void> {
    await this.#ask('heapSnapshot', { path }, 120_000);
  }

  #ask(type: 'cpu' | 'httpWait' | 'heapSnapshot', extra: { path?: string } = {}, timeoutMs = 10_000): Promise<number> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#cpuPending.delete(id);
        reject(new Error(`${this.name} did not answer the ${type} probe`));
      }, timeoutMs);
      this.#cpuPending.set(id, (ms) => {
        clearTimeout(timer);
        resolve(ms);
      });
      this.#child.send({ type, id, ...extra });
    });
  }

  /** SIGKILL: the process dies mid-work, as in a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGKILL');
    }
    await this.#exited;
  }

  /** SIGTERM (graceful shutdown), then SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
      return;
    }
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
