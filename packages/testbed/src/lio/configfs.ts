// The few configfs operations the LIO bridge needs, behind an interface so the bridge's logic is
// tested on the host against a fake tree (test/lio/fake-configfs.ts) and runs in the VM against
// the kernel's /sys/kernel/config/target. Paths are relative to that root.
import { lstat, mkdir, readdir, readFile, readlink, rmdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LIO_ROOT = '/sys/kernel/config/target';

export type EntryKind = 'dir' | 'file' | 'link';

export interface ConfigFs {
  /** Entries of a directory; [] when it does not exist. */
  entries(path: string): Promise<Array<{ name: string; kind: EntryKind }>>;
  exists(path: string): Promise<boolean>;
  read(path: string): Promise<string>;
  write(path: string, value: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  /** A link at `path` to the object at `target` (both relative to the root). */
  link(target: string, path: string): Promise<void>;
  /** Where a link points, relative to the root (`core/iblock_0/x`). */
  readlink(path: string): Promise<string>;
  unlink(path: string): Promise<void>;
}

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** The kernel's configfs under `root` (default /sys/kernel/config/target). */
export class KernelConfigFs implements ConfigFs {
  constructor(private readonly root = LIO_ROOT) {}

  #abs(path: string): string {
    if (path.split('/').includes('..')) {
      throw new Error(`configfs path ${JSON.stringify(path)} leaves the target tree`);
    }
    return join(this.root, path);
  }

  async entries(path: string): Promise<Array<{ name: string; kind: EntryKind }>> {
    try {
      const list = await readdir(this.#abs(path), { withFileTypes: true });
      return list.map((e) => ({ name: e.name, kind: e.isSymbolicLink() ? 'link' : e.isDirectory() ? 'dir' : 'file' }));
    } catch (err) {
      if (missing(err)) {
        return [];
      }
      throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    return lstat(this.#abs(path)).then(
      () => true,
      (err: unknown) => {
        if (missing(err)) {
          return false;
        }
        throw err;
      },
    );
  }

  read(path: string): Promise<string> {
    return readFile(this.#abs(path), 'utf8');
  }

  write(path: string, value: string): Promise<void> {
    return writeFile(this.#abs(path), value);
  }

  async mkdir(path: string): Promise<void> {
    await mkdir(this.#abs(path));
  }

  rmdir(path: string): Promise<void> {
    return rmdir(this.#abs(path));
  }

  link(target: string, path: string): Promise<void> {
    return symlink(this.#abs(target), this.#abs(path));
  }

  async readlink(path: string): Promise<string> {
    // configfs answers with a relative path (../../../../target/core/iblock_0/x).
    const text = await readlink(this.#abs(path));
    const at = text.indexOf('/target/');
    return at >= 0 ? text.slice(at + '/target/'.length) : text.replace(/^(\.\.\/)+/, '');
  }

  unlink(path: string): Promise<void> {
    return unlink(this.#abs(path));
  }
}
