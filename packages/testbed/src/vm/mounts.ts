// Mount-safe removal of build directories: debootstrap mounts /proc and /sys inside the rootfs
// while it runs, and a recursive delete must never walk into a mounted filesystem. The kernel
// lists mount points by their real path, so a directory reached through a symlink (a `.cache`
// linked to another checkout's) is resolved first: otherwise nothing would match, the mounts
// would stay, and the delete would walk into them.
import { readFile, realpath, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runCommand } from './proc.js';

/** Mount points in a mountinfo text that lie strictly below `dir`, deepest first. */
export function mountsBelow(mountinfo: string, dir: string): string[] {
  const base = `${resolve(dir)}/`;
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))))
    .filter((p) => p.startsWith(base));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** `dir` with every symlink resolved (as the kernel lists mount points); as given when it is gone. */
async function realDir(dir: string): Promise<string> {
  return realpath(dir).catch(() => resolve(dir));
}

/** Unmounts everything below `dir` (lazily); throws if a mount survives. */
export async function removeMountsBelow(dir: string): Promise<void> {
  const real = await realDir(dir);
  for (const point of mountsBelow(await readFile('/proc/self/mountinfo', 'utf8'), real)) {
    await runCommand('umount', ['-l', point]);
  }
  const left = mountsBelow(await readFile('/proc/self/mountinfo', 'utf8'), real);
  if (left.length > 0) {
    throw new Error(`still mounted below ${dir}: ${left.join(', ')}`);
  }
}

/** Unmounts everything below `dir` (lazily), then removes it; refuses if a mount survives. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await removeMountsBelow(dir);
  } catch (error) {
    throw new Error(`not removing ${dir}: ${(error as Error).message}`);
  }
  await rm(dir, { recursive: true, force: true });
}
