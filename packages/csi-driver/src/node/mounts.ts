// Relating mountinfo entries to volumes: a staged filesystem and its bind mounts share major:minor
// and root; btrfs shows an anonymous major:minor, so its mount source is compared too. A block
// publish is a bind of the device node, which mountinfo shows as the /dev filesystem with the
// device's kernel name as root.
import { basename } from 'node:path';
import type { HostFiles } from '../host/files.js';
import { type MountInfo, sameDevice } from '../host/mountinfo.js';

/** Does this mount show a filesystem on `device` (any mount of it, staging or bind)? */
export async function mountIsOnDevice(files: HostFiles, mount: MountInfo, device: string): Promise<boolean> {
  const dev = await files.deviceNumber(device);
  if (dev && sameDevice(mount.device, dev)) {
    return true;
  }
  if (!mount.source.startsWith('/dev/')) {
    return false;
  }
  const [a, b] = await Promise.all([files.realpath(mount.source), files.realpath(device)]);
  return a !== undefined && a === b;
}

/** Kernel name of a device path (/dev/mapper/mpatha → dm-0), undefined when it does not exist. */
export async function kernelName(files: HostFiles, device: string): Promise<string | undefined> {
  const real = await files.realpath(device);
  return real ? basename(real) : undefined;
}

/** Is this mount a bind of the device node `kname` (a block publish)? */
export function isDeviceBind(mount: MountInfo, kname?: string): boolean {
  const devFs = mount.fsType === 'devtmpfs' || mount.fsType === 'tmpfs';
  return devFs && mount.root !== '/' && (kname === undefined || mount.root === `/${kname}`);
}

/** Mounts of the same filesystem tree as `reference` (same device and root), except `exclude`. */
export function bindsOf(mounts: readonly MountInfo[], reference: MountInfo, exclude: readonly string[]): MountInfo[] {
  return mounts.filter(
    (m) =>
      sameDevice(m.device, reference.device) &&
      m.root === reference.root &&
      m.source === reference.source &&
      !exclude.includes(m.mountPoint),
  );
}

/** Per-mount flags that a bind remount can apply (filesystem options cannot change on a bind). */
const bindFlags = new Set(['ro', 'nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'relatime', 'strictatime']);

export function bindRemountFlags(mountFlags: readonly string[], readOnly: boolean): string[] {
  const flags = mountFlags.filter((f) => bindFlags.has(f));
  if (readOnly && !flags.includes('ro')) {
    flags.push('ro');
  }
  return [...new Set(flags)];
}
