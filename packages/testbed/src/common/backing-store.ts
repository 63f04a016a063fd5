// Sparse files that hold the data of simulated LUNs, so that what the node path writes through a
// loop device is real and survives snapshots and clones. Point-in-time copies use reflinks where
// the filesystem has them and sparse copies elsewhere.
// A file holds at most `maxBackingBytes` (8 TiB): ext4 refuses files from 16 TiB (EFBIG), where a
// real array makes a sparse zvol or thin LUN of any size. A larger LUN keeps its size on the
// simulated array, and the node side sees only its first 8 TiB.
import { execFile } from 'node:child_process';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The largest backing file (ext4 with 4 KiB blocks refuses 16 TiB and more). */
export const maxBackingBytes = 2 ** 43;

export class BackingStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Path of the backing file for a key (keys are simulator-internal ids, never user input). */
  path(key: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(key)) {
      throw new Error(`invalid backing key ${JSON.stringify(key)}`);
    }
    return join(this.dir, `${key}.img`);
  }

  /** Creates a sparse file of `size` bytes, at most `maxBackingBytes` (no blocks allocated). */
  async create(key: string, size: number): Promise<string> {
    const file = this.path(key);
    const handle = await open(file, 'wx');
    try {
      await handle.truncate(Math.min(size, maxBackingBytes));
    } finally {
      await handle.close();
    }
    return file;
  }

  /** Grows the file to `size` bytes, at most `maxBackingBytes`; never shrinks. */
  async grow(key: string, size: number): Promise<void> {
    const file = this.path(key);
    const current = (await stat(file)).size;
    if (size < current) {
      throw new Error(`refusing to shrink ${key} from ${current} to ${size} bytes`);
    }
    const handle = await open(file, 'r+');
    try {
      await handle.truncate(Math.min(size, maxBackingBytes));
    } finally {
      await handle.close();
    }
  }

  /** A point-in-time copy of `from` under `to` (reflink when possible, holes preserved). */
  async copy(from: string, to: string): Promise<string> {
    const target = this.path(to);
    await run('cp', ['--reflink=auto', '--sparse=always', this.path(from), target]);
    return target;
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** Removes the whole store (tests call this in their cleanup). */
  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
