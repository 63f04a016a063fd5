// Filesystem size and growth: dumpe2fs/e2fsck/resize2fs for ext4, xfs_growfs for xfs, `btrfs
// filesystem resize max` for btrfs. None of these are killed on a timer (an interrupted resize can
// damage the filesystem); the caller checks its deadline before starting them.
import type { FsType } from '../constants.js';
import { DriverError, failedPrecondition } from '../errors.js';
import { commandError, describeFailure, type Runner, runChecked } from './runner.js';

export interface Ext4Geometry {
  readonly blockCount: number;
  readonly blockSize: number;
  readonly state: string;
}

export function parseDumpe2fs(text: string): Ext4Geometry {
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim();
  const blockCount = Number(field('Block count'));
  const blockSize = Number(field('Block size'));
  if (!Number.isSafeInteger(blockCount) || !Number.isSafeInteger(blockSize) || blockSize <= 0) {
    throw new Error('dumpe2fs output has no Block count/Block size');
  }
  return { blockCount, blockSize, state: field('Filesystem state') ?? 'unknown' };
}

/** Size of an ext4 filesystem in bytes, from its superblock. */
export async function ext4Size(runner: Runner, device: string): Promise<number> {
  const result = await runChecked(runner, 'dumpe2fs', ['-h', device], {
    context: `reading the ext4 superblock of ${device}`,
  });
  const geometry = parseDumpe2fs(result.stdout);
  return geometry.blockCount * geometry.blockSize;
}

/** `resize2fs` reports the new size as "is now N (4k) blocks long". */
export function parseResize2fsBlocks(text: string): number | undefined {
  const m = /is (?:now|already) (\d+) \(\d+k\) blocks long/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** `xfs_growfs` prints "data blocks changed from A to B" when it grew. */
export function parseXfsGrowfs(text: string): { grown: boolean; dataBlocks?: number; blockSize?: number } {
  const changed = /data blocks changed from (\d+) to (\d+)/.exec(text);
  const data = /^data\s+=\s+bsize=(\d+)\s+blocks=(\d+)/m.exec(text);
  return {
    grown: changed !== null,
    dataBlocks: changed ? Number(changed[2]) : data ? Number(data[2]) : undefined,
    blockSize: data ? Number(data[1]) : undefined,
  };
}

/**
 * e2fsck -f -p before an offline resize (resize2fs demands it). Exit 1 (errors fixed) is fine;
 * 4 and above mean the filesystem needs a human.
 */
export async function checkExt4(runner: Runner, device: string): Promise<void> {
  const result = await runner.run('e2fsck', ['-f', '-p', device], { timeoutMs: null });
  if (result.code === 0 || result.code === 1) {
    return;
  }
  if (result.code !== null && result.code >= 4 && !result.timedOut) {
    throw failedPrecondition(
      `the ext4 filesystem on ${device} has errors e2fsck -p cannot fix (${describeFailure(result)}); run e2fsck on the host`,
    );
  }
  throw commandError(result, 'Internal', `checking ${device} before growing it`);
}

/** Grows an unmounted ext4 filesystem to the device size (check first, as resize2fs requires). */
export async function growExt4Offline(runner: Runner, device: string): Promise<void> {
  await checkExt4(runner, device);
  await runChecked(runner, 'resize2fs', [device], { timeoutMs: null, context: `growing ext4 on ${device}` });
}

/**
 * Grows a mounted filesystem to fill its device. ext4 needs CAP_SYS_RESOURCE for online resize; a
 * host that denies it gets FailedPrecondition (the next stage grows it offline).
 */
export async function growMounted(runner: Runner, fsType: FsType, device: string, mountPoint: string): Promise<void> {
  switch (fsType) {
    case 'ext4': {
      const result = await runner.run('resize2fs', [device], { timeoutMs: null });
      if (result.code === 0) {
        return;
      }
      if (/Permission denied to resize filesystem/.test(result.stderr)) {
        throw new DriverError(
          'FailedPrecondition',
          `online ext4 grow is not permitted on this host (${describeFailure(result)}); the node plugin needs CAP_SYS_RESOURCE, or the filesystem grows when the volume is next staged`,
        );
      }
      throw commandError(result, 'Internal', `growing ext4 on ${device}`);
    }
    case 'xfs':
      await runChecked(runner, 'xfs_growfs', [mountPoint], {
        timeoutMs: null,
        context: `growing xfs at ${mountPoint}`,
      });
      return;
    case 'btrfs':
      await runChecked(runner, 'btrfs', ['filesystem', 'resize', 'max', mountPoint], {
        timeoutMs: null,
        context: `growing btrfs at ${mountPoint}`,
      });
      return;
  }
}
