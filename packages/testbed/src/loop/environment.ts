// What real-filesystem tests need from the machine: Linux, root, the loop driver and the
// filesystem tools. Missing pieces are reported with the reason (such tests never pass silently).
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const tools = ['losetup', 'mount', 'umount', 'blkid', 'blockdev', 'mkfs.ext4', 'e2fsck', 'resize2fs', 'dumpe2fs'];
const fsTools = ['mkfs.xfs', 'xfs_growfs', 'mkfs.btrfs', 'btrfs'];

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function which(tool: string): Promise<boolean> {
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (await exists(join(dir, tool))) {
      return true;
    }
  }
  return false;
}

/** Throws with the reason when the machine cannot run real-filesystem tests on loop devices. */
export async function requireLoopEnvironment(): Promise<void> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error('real-filesystem tests need Linux and root (they create loop devices and mounts)');
  }
  if (!(await exists('/dev/loop-control'))) {
    throw new Error(
      '/dev/loop-control is missing: the loop driver is not available, so real-filesystem tests cannot run',
    );
  }
  const missing: string[] = [];
  for (const tool of [...tools, ...fsTools]) {
    if (!(await which(tool))) {
      missing.push(tool);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `missing host tools ${missing.join(', ')}: run "pnpm setup" (installs e2fsprogs, xfsprogs, btrfs-progs)`,
    );
  }
}

/** True when this process may resize a mounted ext4 (CAP_SYS_RESOURCE, bit 24 of CapEff). */
export async function hasSysResource(): Promise<boolean> {
  const status = await readFile('/proc/self/status', 'utf8');
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
  return (BigInt(`0x${capEff}`) & (1n << 24n)) !== 0n;
}
