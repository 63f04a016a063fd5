// The stage benchmark's tracer: every host command and kernel-file access is charged to the stage
// that made it, in the phase of that call, also while several stages interleave. Only counts and
// attribution are asserted, never durations.
import type { HostFiles, Runner, RunResult } from '@opencsp/csi-driver/node';
import { describe, expect, it } from 'vitest';
import { commandPhase, filePhase, PHASES, PhaseTracer, parseCpuTimes } from '../../src/vm/guest/stagebench/trace.js';

const ok: RunResult = { command: '', code: 0, signal: null, stdout: '', stderr: '', timedOut: false };

describe('stage benchmark tracer', () => {
  it('puts each host command and kernel file in its phase', () => {
    expect(commandPhase('iscsiadm', ['-m', 'node', '-o', 'update'])).toBe('node-db');
    expect(commandPhase('iscsiadm', ['-m', 'session'])).toBe('node-db');
    expect(commandPhase('iscsiadm', ['-m', 'node', '-T', 'iqn.x', '--login'])).toBe('login');
    expect(commandPhase('mkfs.ext4', ['-q', '/dev/mapper/mpatha'])).toBe('mkfs');
    expect(commandPhase('blkid', ['-p'])).toBe('fs-check');
    expect(commandPhase('mount', [])).toBe('mount');
    expect(commandPhase('multipathd', ['show', 'maps'])).toBe('map');
    expect(commandPhase('true', [])).toBe('other');
    expect(filePhase('/sys/block/sdb/holders')).toBe('map');
    expect(filePhase('/sys/block/dm-0/dm/uuid')).toBe('map');
    expect(filePhase('/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-iqn.x-lun-0')).toBe('device');
    expect(filePhase('/sys/class/scsi_host/host3/scan')).toBe('device');
    expect(filePhase('/etc/iscsi/initiatorname.iscsi')).toBe('other');
  });

  it('charges interleaved stages to their own traces and counts their commands', async () => {
    const tracer = new PhaseTracer();
    const gates: Array<() => void> = [];
    const inner: Runner = {
      run: () => new Promise((resolve) => gates.push(() => resolve(ok))),
    };
    const runner = tracer.runner(inner);
    const files = tracer.files({
      root: '/',
      readText: async () => 'x',
      list: async () => [],
    } as unknown as HostFiles);
    const stage = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await runner.run('iscsiadm', ['-m', 'node', '--login']);
      }
      await files.list('/sys/block/sda/holders');
      await runner.run('mkfs.ext4', ['/dev/x']);
    };
    let settled = 0;
    const a = tracer.run('a', () => stage(1)).finally(() => settled++);
    const b = tracer.run('b', () => stage(3)).finally(() => settled++);
    // Answer the pending commands one at a time, oldest first, so the two stages interleave.
    while (settled < 2) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    const [ta, tb] = await Promise.all([a, b]);
    expect(ta.trace.commands).toEqual({ iscsiadm: 1, 'mkfs.ext4': 1 });
    expect(tb.trace.commands).toEqual({ iscsiadm: 3, 'mkfs.ext4': 1 });
    for (const { trace } of [ta, tb]) {
      expect(Object.keys(trace.phases)).toEqual([...PHASES]);
      const sum = PHASES.reduce((total, p) => total + trace.phases[p], 0);
      expect(sum).toBeCloseTo(trace.totalMs, 6);
    }
  });

  it('returns the trace of a stage that fails', async () => {
    const tracer = new PhaseTracer();
    const failing: Runner = { run: async () => Promise.reject(new Error('boom')) };
    const runner = tracer.runner(failing);
    const { trace, error } = await tracer.run('c', () => runner.run('iscsiadm', ['-m', 'session']));
    expect((error as Error).message).toBe('boom');
    expect(trace.commands).toEqual({ iscsiadm: 1 });
  });

  it('reads busy and total CPU time from /proc/stat: idle and iowait are not busy', () => {
    const stat = ['cpu  100 5 40 800 20 3 2 0 0 0', 'cpu0 50 2 20 400 10 1 1 0 0 0', 'intr 12345'].join('\n');
    expect(parseCpuTimes(stat)).toEqual({ busy: 150, total: 970 });
    expect(() => parseCpuTimes('intr 1\n')).toThrow('no aggregate cpu line');
  });
});
