import { describe, expect, it } from 'vitest';
import { DriverError } from '../../src/errors.js';
import { probeDevice } from '../../src/host/blkid.js';
import { fixture } from './fixtures.js';
import { ScriptedRunner } from './scripted-runner.js';

const dev = '/dev/mapper/mpatha';
const mib = 1024 * 1024;
const isCmd = (name: string) => (cmd: string) => cmd === name;

async function caught(p: Promise<unknown>): Promise<DriverError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriverError);
  return err as DriverError;
}

/** blkid finds nothing; the device is `size` bytes; dd answers `dd` (first read) and `tail`. */
function blankRunner(size = 8 * mib) {
  return new ScriptedRunner().on(isCmd('blkid'), { code: 2 }).on(isCmd('blockdev'), { stdout: `${size}\n` });
}

describe('blkid probe', () => {
  it('calls a device blank only after blkid exit 2 and both ends read back', async () => {
    const runner = blankRunner();
    expect(await probeDevice(runner, dev)).toBeUndefined();
    const reads = runner.calls.filter((c) => c.cmd === 'dd').map((c) => c.args);
    expect(reads).toEqual([
      [`if=${dev}`, 'of=/dev/null', 'bs=65536', 'count=1', 'status=none', 'iflag=direct'],
      [
        `if=${dev}`,
        'of=/dev/null',
        'bs=65536',
        'count=1',
        'status=none',
        `skip=${8 * mib - 65536}`,
        'iflag=skip_bytes,direct',
      ],
    ]);
  });

  it('reads a device of 64 KiB or less once', async () => {
    const runner = blankRunner(65536);
    expect(await probeDevice(runner, dev)).toBeUndefined();
    expect(runner.calls.filter((c) => c.cmd === 'dd')).toHaveLength(1);
  });

  it('returns what blkid found and refuses ambivalent results (exit 8)', async () => {
    const ext4 = new ScriptedRunner().on(() => true, { stdout: fixture('blkid-ext4.txt') });
    expect((await probeDevice(ext4, '/dev/sdx'))?.type).toBe('ext4');
    expect(ext4.calls.map((c) => c.cmd)).toEqual(['blkid']);
    const amb = new ScriptedRunner().on(() => true, {
      code: 8,
      stderr: 'ambivalent result (probably more filesystems on the device)',
    });
    const err = await caught(probeDevice(amb, '/dev/sdx'));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(/several conflicting signatures .* refusing to format or mount it/);
  });

  it('is Unavailable when blkid exit 2 comes with an error on stderr', async () => {
    const runner = new ScriptedRunner().on(isCmd('blkid'), {
      code: 2,
      stderr: `blkid: error: ${dev}: Input/output error\n`,
    });
    const err = await caught(probeDevice(runner, dev));
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toBe(
      `blkid could not probe ${dev} (blkid: error: ${dev}: Input/output error); not formatting it`,
    );
    expect(runner.calls.map((c) => c.cmd)).toEqual(['blkid']);
  });

  it('is Unavailable when the device does not exist (blkid 2.38 exits 2 silently)', async () => {
    const runner = blankRunner().on(isCmd('dd'), {
      code: 1,
      stderr: `dd: failed to open '${dev}': No such file or directory\n`,
    });
    const err = await caught(probeDevice(runner, dev));
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toBe(
      `${dev} cannot be read (dd: failed to open '${dev}': No such file or directory) although blkid found no signature; not formatting it`,
    );
  });

  it('is Unavailable when the end of the device cannot be read', async () => {
    const runner = blankRunner()
      .on(isCmd('dd'), { code: 0 }, 1)
      .on(isCmd('dd'), { code: 1, stderr: `dd: error reading '${dev}': Input/output error\n` });
    const err = await caught(probeDevice(runner, dev));
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toMatch(/cannot be read \(dd: error reading .*: Input\/output error\) although blkid found/);
  });

  it('is Unavailable when a read hangs past its timeout or the size cannot be read', async () => {
    const hung = blankRunner().on(isCmd('dd'), { timedOut: true });
    expect((await caught(probeDevice(hung, dev))).message).toMatch(/\(the read timed out\)/);
    const noSize = new ScriptedRunner()
      .on(isCmd('blkid'), { code: 2 })
      .on(isCmd('blockdev'), { code: 1, stderr: `blockdev: cannot open ${dev}: No such device\n` });
    const err = await caught(probeDevice(noSize, dev));
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toMatch(/cannot be read \(reading the size of .*: .*No such device\) although/);
  });
});
