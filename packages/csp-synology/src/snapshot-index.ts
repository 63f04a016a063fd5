// Which LUN holds a snapshot of a given name. DSM keeps snapshots per LUN: it has no call that
// finds one by name across the NAS without listing every LUN. This index, shared by every
// session of the CSP process for one NAS, is built from one such listing the first time it is
// needed (and again when older than its maximum age), then kept current by this process's own
// snapshot and delete operations. Every hit is checked with one DSM `get` before it is
// believed, so an object removed behind the CSP's back is never reported; an object another
// writer adds with this CSP's prefix is seen at the next rebuild.
import type { DsmApi } from './dsm/api.js';
import type { Naming } from './ids.js';

export interface IndexedSnapshot {
  lunUuid: string;
  snapshotUuid: string;
}

type Change = (index: Maps) => void;

interface Maps {
  /** DSM snapshot name → the snapshots of that name (one, unless made outside this CSP). */
  names: Map<string, IndexedSnapshot[]>;
}

function emptyMaps(): Maps {
  return { names: new Map() };
}

function addName(maps: Maps, name: string, entry: IndexedSnapshot): void {
  const list = (maps.names.get(name) ?? []).filter((e) => e.snapshotUuid !== entry.snapshotUuid);
  maps.names.set(name, [...list, entry]);
}

function removeSnapshotFrom(maps: Maps, snapshotUuid: string): void {
  for (const [name, list] of maps.names) {
    const kept = list.filter((e) => e.snapshotUuid !== snapshotUuid);
    if (kept.length !== list.length) {
      if (kept.length === 0) {
        maps.names.delete(name);
      } else {
        maps.names.set(name, kept);
      }
    }
  }
}

export class SnapshotIndex {
  readonly #maxAgeMs: number;
  #maps: Maps = emptyMaps();
  #builtAt: number | undefined;
  #building: Promise<void> | undefined;
  /** Changes made while a rebuild lists the NAS, replayed onto its result. */
  #journal: Change[] | undefined;
  /** Full listings made so far (tests and logs). */
  builds = 0;

  constructor(maxAgeMs: number) {
    this.#maxAgeMs = maxAgeMs;
  }

  /** Builds the index when it never was, or when it is older than its maximum age (one at a time). */
  async ready(api: DsmApi, naming: Naming, now = Date.now()): Promise<void> {
    const fresh = this.#builtAt !== undefined && now - this.#builtAt < this.#maxAgeMs;
    if (fresh) {
      return;
    }
    this.#building ??= this.#build(api, naming, now).finally(() => {
      this.#building = undefined;
    });
    await this.#building;
  }

  async #build(api: DsmApi, naming: Naming, now: number): Promise<void> {
    this.#journal = [];
    try {
      const luns = await api.luns(['snapshot_info', 'status']);
      const maps = emptyMaps();
      for (const lun of luns) {
        if (lun.status === 'deleting') {
          continue;
        }
        if (naming.csiName(lun.name) === undefined) {
          continue;
        }
        for (const snapshot of lun.snapshots ?? []) {
          if (naming.csiName(snapshot.name) !== undefined) {
            addName(maps, snapshot.name, { lunUuid: lun.uuid, snapshotUuid: snapshot.uuid });
          }
        }
      }
      for (const change of this.#journal) {
        change(maps);
      }
      this.#maps = maps;
      this.#builtAt = now;
      this.builds++;
    } finally {
      this.#journal = undefined;
    }
  }

  #apply(change: Change): void {
    change(this.#maps);
    this.#journal?.push(change);
  }

  /** Names indexed (tests: the index holds only snapshots that exist). */
  get size(): number {
    return this.#maps.names.size;
  }

  /** Snapshots of a DSM name (unverified: check each with a `get`). */
  named(name: string): IndexedSnapshot[] {
    return [...(this.#maps.names.get(name) ?? [])];
  }

  addSnapshot(name: string, entry: IndexedSnapshot): void {
    this.#apply((maps) => addName(maps, name, entry));
  }

  removeSnapshot(snapshotUuid: string): void {
    this.#apply((maps) => removeSnapshotFrom(maps, snapshotUuid));
  }

  /** A LUN is gone: its snapshots went with it. */
  removeLun(lunUuid: string): void {
    this.#apply((maps) => {
      for (const [name, list] of maps.names) {
        const kept = list.filter((e) => e.lunUuid !== lunUuid);
        if (kept.length === 0) {
          maps.names.delete(name);
        } else if (kept.length !== list.length) {
          maps.names.set(name, kept);
        }
      }
    });
  }
}

/** One index per NAS (serial) and name prefix, for every session of the process. */
export class SnapshotIndexes {
  readonly #maxAgeMs: number;
  readonly #indexes = new Map<string, SnapshotIndex>();

  constructor(maxAgeMs: number) {
    this.#maxAgeMs = maxAgeMs;
  }

  of(serial: string, prefix: string): SnapshotIndex {
    const key = `${serial}|${prefix}`;
    let index = this.#indexes.get(key);
    if (!index) {
      index = new SnapshotIndex(this.#maxAgeMs);
      this.#indexes.set(key, index);
    }
    return index;
  }
}
