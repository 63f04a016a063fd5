// Layer 2: the driver's blank check (probeDevice: blkid -p, then both ends of the device read with
// O_DIRECT) on a real loop device, held open as a mount or a multipath map holds its device. While
// it is held, the kernel keeps the device's page cache, so a buffered read answers with what was
// read before; the check's direct reads must get what the device holds now.
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeDevice, type Runner, type RunOptions, SpawnRunner } from '@opencsp/csi-driver/node';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attachLoop } from '../../src/loop/index.js';
import { pwrite } from '../block-io.js';
import { cleanupDir, makeTempDir, requireLoopEnvironment } from './env.js';

const KiB = 1024;
const edge = 64 * KiB;

/** Runs the real commands; every dd writes what it read to a file of `dir` instead of /dev/null. */
class CapturingRunner implements Runner {
  readonly reads: { args: string[]; file: string }[] = [];
  private readonly real = new SpawnRunner({ kind: 'direct' });
  constructor(private readonly dir: string) {}

  run(cmd: string, args: readonly string[], options?: RunOptions) {
    if (cmd !== 'dd') {
      return this.real.run(cmd, args, options);
    }
    const file = join(this.dir, `read-${this.reads.length}`);
    this.reads.push({ args: [...args], file });
    return this.real.run(
      cmd,
      args.map((a) => (a === 'of=/dev/null' ? `of=${file}` : a)),
      options,
    );
  }
}

describe('the blank check reads the device, not its page cache', () => {
  let dir: string;
  beforeAll(async () => {
    await requireLoopEnvironment();
  });
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await cleanupDir(dir);
  });

  it('gets what the device holds now where a buffered read of the held device gets stale pages', async () => {
    const backing = join(dir, 'lun');
    await writeFile(backing, Buffer.alloc(4 * 1024 * KiB));
    await pwrite(backing, Buffer.alloc(edge, 'A'), 0);
    const runner = new CapturingRunner(dir);
    const device = await attachLoop(runner, backing);
    const holder = await open(device, 'r');
    try {
      // The holder reads the first 64 KiB through the page cache, then the data changes below the
      // device (as when the LUN behind a map changes or its paths go): the cached pages are stale.
      await holder.read(Buffer.alloc(edge), 0, edge, 0);
      await pwrite(backing, Buffer.alloc(edge, 'B'), 0);

      const buffered = join(dir, 'buffered');
      const stale = await new SpawnRunner({ kind: 'direct' }).run('dd', [
        `if=${device}`,
        `of=${buffered}`,
        `bs=${edge}`,
        'count=1',
        'status=none',
      ]);
      expect(stale.code).toBe(0);
      expect((await readFile(buffered)).subarray(0, 4).toString()).toBe('AAAA');

      expect(await probeDevice(runner, device)).toBeUndefined();
      expect(runner.reads).toHaveLength(2);
      const [first, last] = runner.reads;
      expect(first?.args).toContain('iflag=direct');
      expect(last?.args).toContain('iflag=skip_bytes,direct');
      expect((await readFile(first?.file as string)).equals(Buffer.alloc(edge, 'B'))).toBe(true);
      expect((await readFile(last?.file as string)).length).toBe(edge);
    } finally {
      await holder.close();
    }
  });
});
