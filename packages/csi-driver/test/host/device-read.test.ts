import { describe, expect, it } from 'vitest';
import { DriverError } from '../../src/errors.js';
import { assertDeviceReadable, ddArgs, refusedDirect } from '../../src/host/device-read.js';
import type { RunResult } from '../../src/host/runner.js';
import { ScriptedRunner } from './scripted-runner.js';

const dev = '/dev/mapper/mpatha';
const mib = 1024 * 1024;
const isCmd = (name: string) => (cmd: string) => cmd === name;
const direct = (args: readonly string[]) => args.some((a) => a.startsWith('iflag=') && a.includes('direct'));
const einval = { code: 1, stderr: `dd: failed to open '${dev}': Invalid argument\n` };

function result(code: number | null, stderr: string, timedOut = false): RunResult {
  return { command: 'dd', code, signal: null, stdout: '', stderr, timedOut };
}

/** A device of `size` bytes whose dd reads answer as `dd` says. */
function device(size = 8 * mib) {
  return new ScriptedRunner().on(isCmd('blockdev'), { stdout: `${size}\n` });
}

function debugLog() {
  const lines: { obj: object; msg: string }[] = [];
  return { lines, debug: (obj: object, msg: string) => lines.push({ obj, msg }) };
}

describe('device edge reads', () => {
  it('reads each end with O_DIRECT, skipping by bytes to the last 64 KiB', () => {
    expect(ddArgs(dev, 0, true)).toEqual([
      `if=${dev}`,
      'of=/dev/null',
      'bs=65536',
      'count=1',
      'status=none',
      'iflag=direct',
    ]);
    expect(ddArgs(dev, 3 * mib, true).slice(5)).toEqual([`skip=${3 * mib}`, 'iflag=skip_bytes,direct']);
    expect(ddArgs(dev, 0, false)).toEqual([`if=${dev}`, 'of=/dev/null', 'bs=65536', 'count=1', 'status=none']);
    expect(ddArgs(dev, 3 * mib, false).slice(5)).toEqual([`skip=${3 * mib}`, 'iflag=skip_bytes']);
  });

  it('takes only EINVAL (to open or to read) as a refusal of direct I/O', () => {
    expect(refusedDirect(result(1, einval.stderr))).toBe(true);
    expect(refusedDirect(result(1, `dd: error reading '${dev}': Invalid argument\n`))).toBe(true);
    expect(refusedDirect(result(1, `dd: error reading '${dev}': Input/output error\n`))).toBe(false);
    expect(refusedDirect(result(0, ''))).toBe(false);
    expect(refusedDirect(result(null, 'Invalid argument', true))).toBe(false);
  });

  it('reads both ends directly and logs nothing when the device takes O_DIRECT', async () => {
    const runner = device();
    const log = debugLog();
    await assertDeviceReadable(runner, dev, 'although blkid found no signature', log);
    const reads = runner.calls.filter((c) => c.cmd === 'dd').map((c) => c.args);
    expect(reads).toHaveLength(2);
    expect(reads.every(direct)).toBe(true);
    expect(log.lines).toEqual([]);
  });

  it('falls back to a buffered read where the device refuses O_DIRECT, and says so in a debug line', async () => {
    const runner = device().on((cmd, args) => cmd === 'dd' && direct(args), einval);
    const log = debugLog();
    await assertDeviceReadable(runner, dev, 'although blkid found no signature', log);
    const reads = runner.calls.filter((c) => c.cmd === 'dd').map((c) => direct(c.args));
    expect(reads).toEqual([true, false, true, false]);
    expect(log.lines.map((l) => l.msg)).toEqual([
      'device refuses direct I/O; reading it through the page cache instead',
      'device refuses direct I/O; reading it through the page cache instead',
    ]);
    expect(log.lines[1]?.obj).toMatchObject({ device: dev, offset: 8 * mib - 65536 });
  });

  it('is Unavailable when the buffered read after a refusal fails too, naming its error', async () => {
    const runner = device()
      .on((cmd, args) => cmd === 'dd' && direct(args), einval)
      .on(isCmd('dd'), { code: 1, stderr: `dd: error reading '${dev}': Input/output error\n` });
    const err = await assertDeviceReadable(runner, dev, 'although blkid found no signature').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverError);
    expect((err as DriverError).kind).toBe('Unavailable');
    expect((err as DriverError).message).toBe(
      `${dev} cannot be read (dd: error reading '${dev}': Input/output error) although blkid found no signature; not formatting it`,
    );
  });

  it('does not retry buffered after an I/O error on the direct read: the device did not answer', async () => {
    const runner = device().on(isCmd('dd'), { code: 1, stderr: `dd: error reading '${dev}': Input/output error\n` });
    await expect(assertDeviceReadable(runner, dev, 'before formatting')).rejects.toThrow(/Input\/output error/);
    expect(runner.calls.filter((c) => c.cmd === 'dd')).toHaveLength(1);
  });
});
