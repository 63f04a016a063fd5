// Operations on the kubelet paths the node is given (staging and target paths). These live in the
// plugin's own mount namespace (kubelet's directory is mounted at the same path), so they use
// node:fs directly; only commands go through the host runner.
import { mkdir, open, rm, rmdir, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { internal } from '../errors.js';

export type PathKind = 'missing' | 'directory' | 'file' | 'block' | 'other';

export async function pathKind(path: string): Promise<PathKind> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) {
      return 'directory';
    }
    if (st.isBlockDevice()) {
      return 'block';
    }
    return st.isFile() ? 'file' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return 'missing';
    }
    // A mount point whose filesystem is gone (ENOTCONN, EIO) still exists.
    if (code === 'ENOTCONN' || code === 'EIO' || code === 'ESTALE') {
      return 'other';
    }
    throw err;
  }
}

export async function makeDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o750 });
}

/** Creates an empty file (and its parent) for a block bind mount; an existing file is kept. */
export async function makeFile(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o750 });
  const handle = await open(path, 'a', 0o640);
  await handle.close();
}

/**
 * Removes the file or empty directory the node created at a target path. A directory that still
 * has content is never removed recursively (it would be user data); that is an error.
 */
export async function removeTarget(path: string): Promise<void> {
  const kind = await pathKind(path);
  if (kind === 'missing') {
    return;
  }
  if (kind === 'directory') {
    try {
      await rmdir(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY') {
        throw internal(`${path} is not mounted but not empty; refusing to delete its content`);
      }
      throw err;
    }
    return;
  }
  await rm(path, { force: true });
}

export interface FsUsage {
  readonly totalBytes: number;
  readonly availableBytes: number;
  readonly usedBytes: number;
  readonly totalInodes: number;
  readonly freeInodes: number;
}

export async function filesystemUsage(path: string): Promise<FsUsage> {
  const s = await statfs(path);
  const totalBytes = s.blocks * s.bsize;
  return {
    totalBytes,
    availableBytes: s.bavail * s.bsize,
    usedBytes: (s.blocks - s.bfree) * s.bsize,
    totalInodes: s.files,
    freeInodes: s.ffree,
  };
}
