// One JSON file per volume under the node's state directory (a hostPath such as
// /var/lib/opencsp/node), named by sha256(volume id) so any id is a safe file name. Writes are
// atomic (temp file, fsync, rename, fsync of the directory) with mode 0600.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { internal } from '../errors.js';
import { invalidStateReason, type VolumeState } from './volume-state.js';

export interface StateStore {
  get(volumeId: string): Promise<VolumeState | undefined>;
  put(state: VolumeState): Promise<void>;
  remove(volumeId: string): Promise<void>;
  list(): Promise<VolumeState[]>;
}

export const defaultStateDir = '/var/lib/opencsp/node';

export function stateFileName(volumeId: string): string {
  return `${createHash('sha256').update(volumeId).digest('hex')}.json`;
}

export class FileStateStore implements StateStore {
  readonly dir: string;
  private ready: Promise<void> | undefined;

  constructor(dir: string = defaultStateDir) {
    this.dir = dir;
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => undefined);
    return this.ready;
  }

  private async load(file: string): Promise<VolumeState | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw internal(`node state file ${file} is not valid JSON; inspect or remove it`);
    }
    const reason = invalidStateReason(parsed);
    if (reason) {
      throw internal(`node state file ${file} is invalid (${reason}); inspect or remove it`);
    }
    return parsed as VolumeState;
  }

  async get(volumeId: string): Promise<VolumeState | undefined> {
    const state = await this.load(join(this.dir, stateFileName(volumeId)));
    if (state && state.volumeId !== volumeId) {
      throw internal(`node state file for ${volumeId} names another volume (${state.volumeId})`);
    }
    return state;
  }

  async put(state: VolumeState): Promise<void> {
    await this.ensureDir();
    const target = join(this.dir, stateFileName(state.volumeId));
    const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await this.syncDir();
  }

  async remove(volumeId: string): Promise<void> {
    await rm(join(this.dir, stateFileName(volumeId)), { force: true });
    await this.syncDir().catch(() => undefined);
  }

  async list(): Promise<VolumeState[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw err;
    }
    const states: VolumeState[] = [];
    for (const name of names.filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).sort()) {
      const state = await this.load(join(this.dir, name));
      if (state) {
        states.push(state);
      }
    }
    return states;
  }

  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
