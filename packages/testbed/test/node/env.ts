// Layer-2 environment: real loop devices, filesystems and mounts. These tests need root, the loop
// driver and the filesystem tools; without them they fail with the reason (never pass silently).
// Cleanup removes every mount under the test's directory and every loop device of its files.
import { execFile } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const tools = ['losetup', 'mount', 'umount', 'blkid', 'blockdev', 'mkfs.ext4', 'e2fsck', 'resize2fs', 'dumpe2fs'];
const fsTools = ['mkfs.xfs', 'xfs_growfs', 'mkfs.btrfs', 'btrfs'];

async function which(tool: string): Promise<boolean> {
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (
      await access(join(dir, tool)).then(
        () => true,
        () => false,
      )
    ) {
      return true;
    }
  }
  return false;
}

/** Throws with the reason when the machine cannot run real-filesystem tests. */
export async function requireLoopEnvironment(): Promise<void> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error('layer-2 node tests need Linux and root (they create loop devices and mounts)');
  }
  if (
    !(await access('/dev/loop-control').then(
      () => true,
      () => false,
    ))
  ) {
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

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'opencsp-l2-'));
}

function unescapeField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Unmounts everything under `dir` (deepest first), detaches loop devices of its files, removes it. */
export async function cleanupDir(dir: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const info = await readFile('/proc/self/mountinfo', 'utf8');
    const points = info
      .split('\n')
      .map((l) => unescapeField(l.split(' ')[4] ?? ''))
      .filter((p) => p === dir || p.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    if (points.length === 0) {
      break;
    }
    for (const point of points) {
      await run('umount', [point]).catch(() => run('umount', ['-l', point]).catch(() => undefined));
    }
  }
  const files = await listFiles(dir);
  for (const file of files.filter((f) => f.endsWith('.img'))) {
    const { stdout } = await run('losetup', ['-j', file, '-n', '-O', 'NAME']).catch(() => ({ stdout: '' }));
    for (const device of stdout.split('\n').filter((l) => l.startsWith('/dev/'))) {
      await run('losetup', ['-d', device.trim()]).catch(() => undefined);
    }
  }
  await rm(dir, { recursive: true, force: true });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...(await listFiles(path)));
    } else if (e.isFile()) {
      out.push(path);
    }
  }
  return out;
}
