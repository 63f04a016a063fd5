// Where the time of a NodeStageVolume goes, per volume, while many run at once in one process: the
// host commands and kernel-file reads the NodeService makes are wrapped, each call is attributed to
// the volume whose stage made it (AsyncLocalStorage), and the time since that volume's previous
// call ended is charged to the phase of this call. So a wait (a poll's sleep, an in-process lock,
// a queue) counts for what it waited for, and the phases of one stage add up to its wall time.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { HostFiles, Runner, RunOptions, RunResult } from '@opencsp/csi-driver/node';

export const PHASES = ['node-db', 'login', 'device', 'map', 'fs-check', 'mkfs', 'mount', 'other'] as const;
export type Phase = (typeof PHASES)[number];

export interface StageTrace {
  volume: string;
  totalMs: number;
  phases: Record<Phase, number>;
  /** Host commands run, by program (iscsiadm, mkfs.ext4...). */
  commands: Record<string, number>;
}

/** What one benchmark process hands the host (stagebench-<mode>.json). */
export interface StageBenchResult {
  mode: 'one' | 'many';
  count: number;
  /** From the first stage call to the last answer. */
  wallMs: number;
  unstageWallMs: number;
  /** Guest CPU time, all vCPUs, busy (not idle or waiting on I/O) during the stages (/proc/stat). */
  cpuBusyMs: number;
  /** CPU time of this process (the NodeService's own JavaScript and its I/O) during the stages. */
  serviceCpuMs: number;
  /** vCPUs of the guest. */
  cpus: number;
  stages: StageTrace[];
  failures: string[];
}

interface Live {
  trace: StageTrace;
  last: number;
}

const fsCheckTools = new Set(['blkid', 'blockdev', 'dd', 'dumpe2fs', 'e2fsck', 'resize2fs', 'xfs_growfs']);

/** The phase of one host command. */
export function commandPhase(cmd: string, args: readonly string[]): Phase {
  if (cmd === 'iscsiadm') {
    return args.includes('--login') || args.includes('--logout') ? 'login' : 'node-db';
  }
  if (cmd === 'udevadm') {
    return 'device';
  }
  if (cmd === 'multipath' || cmd === 'multipathd') {
    return 'map';
  }
  if (cmd.startsWith('mkfs.')) {
    return 'mkfs';
  }
  if (fsCheckTools.has(cmd)) {
    return 'fs-check';
  }
  return cmd === 'mount' || cmd === 'umount' ? 'mount' : 'other';
}

/** The phase of one kernel-file access: the map's sysfs (holders, dm), else the SCSI device's. */
export function filePhase(path: string): Phase {
  if (/\/holders|\/slaves|\/dm\/|^\/dev\/mapper\//.test(path)) {
    return 'map';
  }
  if (path.startsWith('/sys/') || path.startsWith('/dev/disk/')) {
    return 'device';
  }
  return 'other';
}

function emptyPhases(): Record<Phase, number> {
  return Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
}

export class PhaseTracer {
  private readonly als = new AsyncLocalStorage<Live>();

  /** Runs one stage with its own trace; the trace is returned also when the stage fails. */
  async run<T>(volume: string, fn: () => Promise<T>): Promise<{ trace: StageTrace; value?: T; error?: unknown }> {
    const started = performance.now();
    const live: Live = { trace: { volume, totalMs: 0, phases: emptyPhases(), commands: {} }, last: started };
    const done = () => {
      this.charge(live, 'other');
      return { ...live.trace, totalMs: live.last - started };
    };
    try {
      const value = await this.als.run(live, fn);
      return { trace: done(), value };
    } catch (error) {
      return { trace: done(), error };
    }
  }

  private charge(live: Live | undefined, phase: Phase): void {
    if (!live) {
      return;
    }
    const now = performance.now();
    live.trace.phases[phase] += now - live.last;
    live.last = now;
  }

  private async traced<T>(phase: Phase, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } finally {
      this.charge(this.als.getStore(), phase);
    }
  }

  runner(inner: Runner): Runner {
    return {
      run: (cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult> => {
        const live = this.als.getStore();
        if (live) {
          live.trace.commands[cmd] = (live.trace.commands[cmd] ?? 0) + 1;
        }
        return this.traced(commandPhase(cmd, args), () => inner.run(cmd, args, options));
      },
    };
  }

  files(inner: HostFiles): HostFiles {
    const at = <T>(path: string, call: () => Promise<T>) => this.traced(filePhase(path), call);
    return {
      root: inner.root,
      readText: (path, encoding) => at(path, () => inner.readText(path, encoding)),
      writeText: (path, data) => at(path, () => inner.writeText(path, data)),
      list: (dir) => at(dir, () => inner.list(dir)),
      readlink: (path) => at(path, () => inner.readlink(path)),
      realpath: (path) => at(path, () => inner.realpath(path)),
      exists: (path) => at(path, () => inner.exists(path)),
      deviceNumber: (path) => this.traced('mount', () => inner.deviceNumber(path)),
      mountinfo: () => this.traced('mount', () => inner.mountinfo()),
    };
  }
}

/** Busy and total jiffies of all CPUs from /proc/stat's first line ("cpu user nice system idle iowait ..."). */
export function parseCpuTimes(procStat: string): { busy: number; total: number } {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  const fields = (line ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 5 || fields.some((n) => !Number.isFinite(n))) {
    throw new Error(`/proc/stat: no aggregate cpu line: ${JSON.stringify(line ?? '')}`);
  }
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}
