// blkid, dd, mkfs.*, mount, umount, blockdev, dumpe2fs, e2fsck, resize2fs, xfs_growfs, btrfs and
// udevadm against a FakeKernel. Mount points are real directories (kubelet paths live in a temp
// dir); the mounts themselves exist only in the model and its rendered mountinfo.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { CmdResult } from './iscsi-commands.js';
import type { FakeKernel, FakeMount } from './kernel.js';

const ok = (stdout = ''): CmdResult => ({ code: 0, stdout });
const fail = (code: number, stderr: string): CmdResult => ({ code, stderr: `${stderr}\n` });

const perMount = new Set(['ro', 'rw', 'noatime', 'nodiratime', 'relatime', 'strictatime', 'nosuid', 'nodev', 'noexec']);

export interface FsFaults {
  /** Remaining "target is busy" answers per mount point. */
  busy: Map<string, number>;
  /** Online ext4 grow allowed (false models a host without CAP_SYS_RESOURCE). */
  onlineExt4Grow: boolean;
  mkfsCount: number;
}

/** The kernel name of a device path, or of the device bound onto a file. */
function deviceOf(k: FakeKernel, path: string): string | undefined {
  const direct = k.kernelName(path);
  if (direct) {
    return direct;
  }
  const top = k.mountsAt(path).at(-1);
  return top?.fsType === 'devtmpfs' ? top.root.slice(1) : undefined;
}

function top(k: FakeKernel, path: string): FakeMount | undefined {
  return k.mountsAt(path).at(-1);
}

export function blkid(k: FakeKernel, args: readonly string[]): CmdResult {
  const dev = args.at(-1) ?? '';
  const name = deviceOf(k, dev);
  if (!name) {
    return fail(2, '');
  }
  const fs = k.fsOn(name);
  if (!fs) {
    return { code: 2, stdout: '' };
  }
  return ok(`DEVNAME=${dev}\nUUID=${fs.uuid}\nBLOCK_SIZE=4096\nTYPE=${fs.type}\nUSAGE=filesystem\n`);
}

export function mkfs(k: FakeKernel, type: string, args: readonly string[], faults: FsFaults): CmdResult {
  const dev = args.at(-1) ?? '';
  const name = deviceOf(k, dev);
  if (!name) {
    return fail(1, `mkfs.${type}: ${dev}: No such file or directory`);
  }
  if (k.deviceMounted(name)) {
    return fail(1, `${dev} is mounted; will not make a filesystem here!`);
  }
  if (type !== 'ext4' && k.fsOn(name) && !args.includes('-f')) {
    return fail(1, `mkfs.${type}: ${dev} appears to contain an existing filesystem`);
  }
  faults.mkfsCount++;
  k.filesystems.set(k.lunOf(name) ?? name, { type, uuid: randomUUID(), size: k.deviceSize(name) ?? 0 });
  return ok();
}

function mountFs(k: FakeKernel, fsType: string, opts: string[], source: string, target: string): CmdResult {
  const name = deviceOf(k, source);
  const fs = name ? k.fsOn(name) : undefined;
  if (!name || !fs || fs.type !== fsType) {
    return fail(
      32,
      `mount: ${target}: wrong fs type, bad option, bad superblock on ${source}, missing codepage or helper program, or other error.`,
    );
  }
  const dev = fsType === 'btrfs' ? k.anonDevice() : k.deviceNumber(name);
  if (fsType === 'xfs' && !opts.includes('nouuid')) {
    const twin = k.mounts.find((m) => m.fsType === 'xfs' && k.fsOn(k.kernelName(m.source) ?? '')?.uuid === fs.uuid);
    if (twin) {
      return fail(32, `mount: ${target}: wrong fs type, bad option, bad superblock on ${source} (duplicate UUID)`);
    }
  }
  const ro = opts.includes('ro');
  k.addMount({
    major: dev?.major ?? 0,
    minor: dev?.minor ?? 0,
    root: '/',
    mountPoint: target,
    options: [ro ? 'ro' : 'rw', ...opts.filter((o) => perMount.has(o) && o !== 'ro' && o !== 'rw'), 'relatime'],
    fsType,
    source,
    superOptions: [ro ? 'ro' : 'rw', ...opts.filter((o) => !perMount.has(o))],
  });
  return ok();
}

function bind(k: FakeKernel, source: string, target: string): CmdResult {
  const dev = k.kernelName(source);
  if (dev) {
    k.addMount({
      major: 0,
      minor: 5,
      root: `/${dev}`,
      mountPoint: target,
      options: ['rw', 'nosuid', 'relatime'],
      fsType: 'devtmpfs',
      source: 'udev',
      superOptions: ['rw', 'size=1024k', 'mode=755'],
    });
    return ok();
  }
  const from = top(k, source);
  if (!from) {
    return fail(32, `mount: ${target}: special device ${source} is not a mount point in this fake`);
  }
  const { id: _id, parentId: _p, ...copy } = from;
  k.addMount({ ...copy, mountPoint: target, options: [...from.options] });
  return ok();
}

export function mount(k: FakeKernel, args: readonly string[]): CmdResult {
  const target = args.at(-1) ?? '';
  if (!existsSync(target)) {
    return fail(32, `mount: ${target}: mount point does not exist.`);
  }
  if (args[0] === '--bind') {
    return bind(k, args[1] ?? '', target);
  }
  const oIndex = args.indexOf('-o');
  const opts = oIndex >= 0 ? (args[oIndex + 1] ?? '').split(',') : [];
  if (opts.includes('remount')) {
    const m = top(k, target);
    if (!m) {
      return fail(32, `mount: ${target}: not mounted.`);
    }
    const flags = opts.filter((o) => perMount.has(o));
    m.options = [flags.includes('ro') ? 'ro' : 'rw', ...flags.filter((f) => f !== 'ro' && f !== 'rw'), 'relatime'];
    return ok();
  }
  const tIndex = args.indexOf('-t');
  return mountFs(k, args[tIndex + 1] ?? '', opts, args.at(-2) ?? '', target);
}

export function umount(k: FakeKernel, args: readonly string[], faults: FsFaults): CmdResult {
  const target = args.at(-1) ?? '';
  const m = top(k, target);
  if (!m) {
    return fail(32, `umount: ${target}: not mounted.`);
  }
  const busy = faults.busy.get(target) ?? 0;
  if (busy > 0) {
    faults.busy.set(target, busy - 1);
    return fail(32, `umount: ${target}: target is busy.`);
  }
  k.mounts.splice(k.mounts.indexOf(m), 1);
  return ok();
}

export function blockdev(k: FakeKernel, args: readonly string[]): CmdResult {
  const name = deviceOf(k, args[1] ?? '');
  if (!name) {
    return fail(1, `blockdev: cannot open ${args[1]}: No such file or directory`);
  }
  return args[0] === '--getsize64' ? ok(`${k.deviceSize(name)}\n`) : ok();
}

/** `dd if=<dev> of=/dev/null ...`: the node's read check; any device the kernel has reads. */
export function dd(k: FakeKernel, args: readonly string[]): CmdResult {
  const dev = args.find((a) => a.startsWith('if='))?.slice(3) ?? '';
  return deviceOf(k, dev) ? ok() : fail(1, `dd: failed to open '${dev}': No such file or directory`);
}

export function growTools(k: FakeKernel, cmd: string, args: readonly string[], faults: FsFaults): CmdResult {
  const mountPoint = cmd === 'xfs_growfs' ? args[0] : cmd === 'btrfs' ? args.at(-1) : undefined;
  const m = mountPoint ? top(k, mountPoint) : undefined;
  const name = m ? deviceOf(k, m.source) : deviceOf(k, args.at(-1) ?? '');
  const fs = name ? k.fsOn(name) : undefined;
  if (!name || !fs) {
    return fail(1, `${cmd}: ${args.at(-1)} is not a filesystem`);
  }
  const size = k.deviceSize(name) ?? fs.size;
  if (cmd === 'dumpe2fs') {
    return ok(
      `Filesystem state:         clean\nBlock count:              ${fs.size / 4096}\nBlock size:               4096\n`,
    );
  }
  if (cmd === 'e2fsck') {
    return ok(`${args.at(-1)}: 11/65536 files (0.0% non-contiguous), 12345/${fs.size / 4096} blocks\n`);
  }
  if (cmd === 'resize2fs' && k.deviceMounted(name) && !faults.onlineExt4Grow) {
    return fail(1, 'resize2fs 1.47.0 (5-Feb-2023)\nresize2fs: Permission denied to resize filesystem');
  }
  fs.size = size;
  return ok(cmd === 'resize2fs' ? `The filesystem on ${args.at(-1)} is now ${size / 4096} (4k) blocks long.\n` : '');
}

export function losetup(k: FakeKernel, args: readonly string[]): CmdResult {
  const dev = args.at(-1) ?? '';
  if (args[0] === '-j') {
    const backing = k.kernelName(args[1] ?? '');
    const names = [...k.loops.entries()].filter(([, l]) => l.backing === backing).map(([n]) => `/dev/${n}`);
    return ok(names.map((n) => `${n}\n`).join(''));
  }
  if (args.includes('--find')) {
    const backing = k.kernelName(dev);
    if (!backing) {
      return fail(1, `losetup: ${dev}: failed to set up loop device: No such file or directory`);
    }
    return ok(`/dev/${k.addLoop(backing, args.includes('--read-only'))}\n`);
  }
  const name = k.kernelName(dev);
  if (!name || !k.loops.has(name)) {
    return fail(1, `losetup: ${dev}: failed to use device: No such device`);
  }
  if (args[0] === '-d') {
    k.loops.delete(name);
  }
  return ok();
}
