// Reads and writes of the host's kernel files (/sys, /dev, /etc/iscsi) as the host sees them. In
// chroot and nsenter modes the host's root is mounted into the plugin container (usually at /host);
// every path given here is a host path and gets that root prepended. Tests pass a fake that models
// the kernel's files (by-path links that appear late, sysfs holders...).
import { lstat, readdir, readFile, readlink, realpath, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withoutHostRootMirror } from './mountinfo.js';

export interface DeviceNumber {
  readonly major: number;
  readonly minor: number;
}

export interface HostFiles {
  /** Where the host's `/` is visible to this process. */
  readonly root: string;
  /** File contents, or undefined when the file does not exist. */
  readText(path: string, encoding?: 'utf8' | 'latin1'): Promise<string | undefined>;
  /** Writes a sysfs attribute (or any file). */
  writeText(path: string, data: string): Promise<void>;
  /** Directory entries, [] when the directory does not exist. */
  list(dir: string): Promise<string[]>;
  readlink(path: string): Promise<string | undefined>;
  /** Canonical host path, undefined when it does not resolve. */
  realpath(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
  /** major:minor of a block device node, undefined when absent or not a block device. */
  deviceNumber(path: string): Promise<DeviceNumber | undefined>;
  /**
   * This process's `/proc/self/mountinfo` with mount points as kubelet paths: the mirror of the
   * host's mounts below `root` (chroot and nsenter modes) is left out.
   */
  mountinfo(): Promise<string>;
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** HostFiles over the real filesystem with the host's root at `root`. */
export class RootedHostFiles implements HostFiles {
  readonly root: string;

  constructor(root = '/') {
    this.root = root;
  }

  private at(path: string): string {
    return this.root === '/' ? path : join(this.root, path);
  }

  async readText(path: string, encoding: 'utf8' | 'latin1' = 'utf8'): Promise<string | undefined> {
    try {
      return await readFile(this.at(path), encoding);
    } catch (err) {
      if (isMissing(err)) {
        return undefined;
      }
      throw err;
    }
  }

  async writeText(path: string, data: string): Promise<void> {
    await writeFile(this.at(path), data);
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await readdir(this.at(dir))).sort();
    } catch (err) {
      if (isMissing(err)) {
        return [];
      }
      throw err;
    }
  }

  async readlink(path: string): Promise<string | undefined> {
    try {
      return await readlink(this.at(path));
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'EINVAL') {
        return undefined;
      }
      throw err;
    }
  }

  async realpath(path: string): Promise<string | undefined> {
    try {
      const resolved = await realpath(this.at(path));
      if (this.root === '/') {
        return resolved;
      }
      return resolved.startsWith(this.root) ? resolved.slice(this.root.replace(/\/$/, '').length) || '/' : resolved;
    } catch (err) {
      if (isMissing(err)) {
        return undefined;
      }
      throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await lstat(this.at(path));
      return true;
    } catch (err) {
      if (isMissing(err)) {
        return false;
      }
      throw err;
    }
  }

  async deviceNumber(path: string): Promise<DeviceNumber | undefined> {
    try {
      const st = await stat(this.at(path));
      if (!st.isBlockDevice()) {
        return undefined;
      }
      return splitDev(st.rdev);
    } catch (err) {
      if (isMissing(err)) {
        return undefined;
      }
      throw err;
    }
  }

  async mountinfo(): Promise<string> {
    return withoutHostRootMirror(await readFile('/proc/self/mountinfo', 'utf8'), this.root);
  }
}

/** Linux dev_t → major:minor (the glibc encoding). */
export function splitDev(rdev: number): DeviceNumber {
  const major = ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
  const minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
  return { major, minor };
}

export function formatDev(dev: DeviceNumber): string {
  return `${dev.major}:${dev.minor}`;
}
