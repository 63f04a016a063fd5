// /proc/self/mountinfo: the kernel's own view of mounts (proc(5)). Preferred over findmnt because it
// needs no tool, never hangs on a stale filesystem, and gives major:minor and the bind root that
// publish idempotency compares.
import type { DeviceNumber, HostFiles } from './files.js';

export interface MountInfo {
  readonly id: number;
  readonly parentId: number;
  readonly device: DeviceNumber;
  /** Path inside the filesystem that is mounted here ("/" for a whole fs, "/loop3" for a device bind). */
  readonly root: string;
  readonly mountPoint: string;
  /** Per-mount options (ro/rw, nosuid...). */
  readonly options: readonly string[];
  readonly fsType: string;
  readonly source: string;
  /** Per-superblock options (ro here means the filesystem itself is read-only, e.g. after errors). */
  readonly superOptions: readonly string[];
}

/** Undoes the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash). */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

export function parseMountInfo(text: string): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0 || fields.length < sep + 4) {
      throw new Error(`unparsable mountinfo line: ${line}`);
    }
    const [major, minor] = (fields[2] ?? '').split(':').map(Number);
    mounts.push({
      id: Number(fields[0]),
      parentId: Number(fields[1]),
      device: { major: major ?? 0, minor: minor ?? 0 },
      root: unescapeMountField(fields[3] ?? ''),
      mountPoint: unescapeMountField(fields[4] ?? ''),
      options: (fields[5] ?? '').split(','),
      fsType: fields[sep + 1] ?? '',
      source: unescapeMountField(fields[sep + 2] ?? ''),
      superOptions: (fields[sep + 3] ?? '').split(','),
    });
  }
  return mounts;
}

/**
 * Drops the mounts at or under `hostRoot` from a mountinfo text. In chroot and nsenter modes the
 * plugin container holds the host's `/` at --host-root (Bidirectional): every host mount shows up
 * twice, at its kubelet path and again below the host root. The node reasons about kubelet paths
 * only; the mirror would make each staged volume look published a second time.
 */
export function withoutHostRootMirror(text: string, hostRoot: string): string {
  const root = trimSlash(hostRoot);
  if (root === '/') {
    return text;
  }
  return text
    .split('\n')
    .filter((line) => {
      const mountPoint = unescapeMountField(line.split(' ')[4] ?? '');
      return mountPoint !== root && !mountPoint.startsWith(`${root}/`);
    })
    .join('\n');
}

export async function readMounts(files: HostFiles): Promise<MountInfo[]> {
  return parseMountInfo(await files.mountinfo());
}

/** The mounts at `path`, bottom first (a path can carry stacked mounts). */
export function mountsAt(mounts: readonly MountInfo[], path: string): MountInfo[] {
  const wanted = trimSlash(path);
  return mounts.filter((m) => m.mountPoint === wanted);
}

/** The visible (topmost) mount at `path`, if any. */
export function topMountAt(mounts: readonly MountInfo[], path: string): MountInfo | undefined {
  const at = mountsAt(mounts, path);
  return at[at.length - 1];
}

export function isReadOnly(mount: MountInfo): boolean {
  return mount.options.includes('ro');
}

export function sameDevice(a: DeviceNumber, b: DeviceNumber): boolean {
  return a.major === b.major && a.minor === b.minor;
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
