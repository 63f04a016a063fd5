// removeMountsBelow / removeTree through a symlinked directory: the kernel lists mount points by
// their real path, so the image build's cache reached through a `.cache` symlink must still have
// its rootfs mounts found and removed before anything deletes the tree. Mounts a tmpfs (root only).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTree } from '../../src/vm/mounts.js';

const isRoot = process.getuid?.() === 0;

describe('removeTree through a symlink', () => {
  it.skipIf(!isRoot)('unmounts what is mounted below the real directory, then deletes the tree', async () => {
    const base = await mkdtemp(join(tmpdir(), 'opencsp-mounts-'));
    const real = join(base, 'real');
    const point = join(real, 'build', 'rootfs', 'proc');
    await mkdir(point, { recursive: true });
    await symlink(real, join(base, 'link'));
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', point]);
      mounted = true;
      await writeFile(join(point, 'inside'), 'x');
      await removeTree(join(base, 'link', 'build'));
      mounted = (await readFile('/proc/self/mountinfo', 'utf8')).includes(` ${point} `);
      expect(mounted).toBe(false);
      await expect(stat(join(real, 'build'))).rejects.toThrow(/ENOENT/);
    } finally {
      if (mounted) {
        execFileSync('umount', ['-l', point]);
      }
      await rm(base, { recursive: true, force: true });
    }
  });
});
