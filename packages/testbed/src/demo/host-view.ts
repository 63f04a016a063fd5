// The node's view of a volume: what is mounted where, which loop device stands in for the iSCSI
// session, and the data a "pod" writes and reads back (with checksums).
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loopsUnder } from '../loop/index.js';

const run = promisify(execFile);

export interface MountView {
  source: string;
  fsType: string;
  options: string;
}

/** The top mount at exactly `path` (from /proc/self/mountinfo), if any. */
export async function mountAt(path: string): Promise<MountView | undefined> {
  const lines = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').reverse();
  for (const line of lines) {
    const fields = line.split(' ');
    if (fields[4] !== path) {
      continue;
    }
    const sep = fields.indexOf('-');
    return { fsType: fields[sep + 1] ?? '', source: fields[sep + 2] ?? '', options: fields[5] ?? '' };
  }
  return undefined;
}

/** The size of the filesystem mounted at `path` (statfs). */
export async function filesystemBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return stats.blocks * stats.bsize;
}

/** The loop devices attached to a LUN's backing file. */
export async function loopDevicesOf(file: string): Promise<string[]> {
  return (await loopsUnder(file)).map((l) => l.device);
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** What an application does before a snapshot it wants consistent: flush the filesystem. */
export async function syncFs(path: string): Promise<void> {
  await run('sync', ['-f', path]);
}

/** Writes `size` random bytes to `dir/name`, flushes the filesystem, returns the sha256. */
export async function writeRandomFile(dir: string, name: string, size: number): Promise<string> {
  const data = randomBytes(size);
  await writeFile(join(dir, name), data);
  await syncFs(dir);
  return sha256(data);
}

/** Writes a small text file and flushes the filesystem. */
export async function writeTextFile(dir: string, name: string, text: string): Promise<void> {
  await writeFile(join(dir, name), text);
  await syncFs(dir);
}

/** The sha256 of a file, or undefined when it does not exist. */
export async function checksumOf(dir: string, name: string): Promise<string | undefined> {
  try {
    return sha256(await readFile(join(dir, name)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw err;
  }
}
