// The simulated ZFS namespace: pools, datasets (filesystems and zvols) as a tree, snapshots with
// holds, clones and deferred destroy, and the space accounting behind `available`. It knows
// nothing about JSON-RPC; the method modules validate input and call it.

export type ZfsType = 'FILESYSTEM' | 'VOLUME';

export interface Pool {
  name: string;
  guid: string;
  capacity: number;
  /** Bytes held by thick zvols (sum of refreservations). */
  reserved: number;
  /** Test knob: bytes used by data the simulator does not model. */
  otherUsed: number;
}

export interface Dataset {
  name: string;
  type: ZfsType;
  pool: string;
  guid: string;
  createtxg: number;
  creation: number;
  /** Native properties set on this dataset (raw ZFS values, e.g. compression=lz4). */
  local: Map<string, string>;
  /** User properties (`namespace:key`) set on this dataset. */
  user: Map<string, string>;
  volsize: number;
  volblocksize: number;
  refreservation: number;
  /** `pool/ds@snap` this dataset was cloned from. */
  origin: string | null;
  /** Backing-store key of a zvol's data file. */
  backing: string | undefined;
}

export interface Snapshot {
  name: string;
  dataset: string;
  snapshotName: string;
  guid: string;
  createtxg: number;
  creation: number;
  user: Map<string, string>;
  holds: Set<string>;
  /** `zfs destroy -d` on a snapshot with clones: destroyed when the last clone goes. */
  deferDestroy: boolean;
  volsize: number;
  backing: string | undefined;
}

/** Native properties that children inherit when not set locally. */
export const inheritable = new Set(['compression', 'sync', 'dedup', 'readonly', 'checksum', 'copies', 'snapdev']);

export const nativeDefaults: Record<string, string> = {
  compression: 'off',
  sync: 'standard',
  dedup: 'off',
  readonly: 'off',
  checksum: 'on',
  copies: '1',
  snapdev: 'hidden',
  volthreading: 'on',
};

export function parentName(name: string): string | undefined {
  const cut = name.lastIndexOf('/');
  return cut < 0 ? undefined : name.slice(0, cut);
}

let guidCounter = 0n;
export function newGuid(): string {
  guidCounter += 1n;
  return (12_345_678_901_234_567n + guidCounter * 7_919n).toString();
}

export class ZfsNamespace {
  readonly pools = new Map<string, Pool>();
  readonly datasets = new Map<string, Dataset>();
  readonly snapshots = new Map<string, Snapshot>();
  readonly #children = new Map<string, Set<string>>();
  readonly #snapshotsOf = new Map<string, Set<string>>();
  readonly #clonesOf = new Map<string, Set<string>>();
  #txg = 1000;

  nextTxg(): number {
    this.#txg += 1;
    return this.#txg;
  }

  addPool(name: string, capacity: number, creation: number): Dataset {
    this.pools.set(name, { name, guid: newGuid(), capacity, reserved: 0, otherUsed: 0 });
    const root = this.#newDataset(name, 'FILESYSTEM', name, creation);
    root.local.set('compression', 'lz4');
    this.#insert(root);
    return root;
  }

  #newDataset(name: string, type: ZfsType, pool: string, creation: number): Dataset {
    return {
      name,
      type,
      pool,
      guid: newGuid(),
      createtxg: this.nextTxg(),
      creation,
      local: new Map(),
      user: new Map(),
      volsize: 0,
      volblocksize: 0,
      refreservation: 0,
      origin: null,
      backing: undefined,
    };
  }

  #insert(ds: Dataset): void {
    this.datasets.set(ds.name, ds);
    const parent = parentName(ds.name);
    if (parent !== undefined) {
      let set = this.#children.get(parent);
      if (!set) {
        set = new Set();
        this.#children.set(parent, set);
      }
      set.add(ds.name);
    }
    if (ds.type === 'VOLUME') {
      this.#pool(ds).reserved += ds.refreservation;
    }
    if (ds.origin) {
      this.#link(this.#clonesOf, ds.origin, ds.name);
    }
  }

  #link(map: Map<string, Set<string>>, key: string, value: string): void {
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
    }
    set.add(value);
  }

  #unlink(map: Map<string, Set<string>>, key: string, value: string): void {
    const set = map.get(key);
    set?.delete(value);
    if (set?.size === 0) {
      map.delete(key);
    }
  }

  #pool(ds: Dataset | Snapshot): Pool {
    const name = ds.name.split(/[/@]/)[0] as string;
    return this.pools.get(name) as Pool;
  }

  createDataset(
    name: string,
    type: ZfsType,
    creation: number,
    init: Partial<Pick<Dataset, 'volsize' | 'volblocksize' | 'refreservation' | 'origin'>> = {},
  ): Dataset {
    const pool = name.split('/')[0] as string;
    const ds = Object.assign(this.#newDataset(name, type, pool, creation), init);
    this.#insert(ds);
    return ds;
  }

  children(name: string): string[] {
    return [...(this.#children.get(name) ?? [])];
  }

  /** Every descendant (depth first), not including `name` itself. */
  descendants(name: string): string[] {
    const out: string[] = [];
    const walk = (n: string) => {
      for (const child of this.#children.get(n) ?? []) {
        out.push(child);
        walk(child);
      }
    };
    walk(name);
    return out;
  }

  snapshotsOf(dataset: string): Snapshot[] {
    return [...(this.#snapshotsOf.get(dataset) ?? [])].map((n) => this.snapshots.get(n) as Snapshot);
  }

  clonesOf(snapshot: string): string[] {
    return [...(this.#clonesOf.get(snapshot) ?? [])];
  }

  /** Space free in the pool (what `available` reports for every dataset without quotas). */
  poolFree(pool: string): number {
    const p = this.pools.get(pool) as Pool;
    return Math.max(0, p.capacity - p.reserved - p.otherUsed);
  }

  /** Bytes a dataset and its descendants consume. */
  used(ds: Dataset): number {
    if (ds.type === 'VOLUME') {
      return ds.refreservation;
    }
    if (!ds.name.includes('/')) {
      const pool = this.#pool(ds);
      return pool.reserved + pool.otherUsed;
    }
    return this.descendants(ds.name).reduce((sum, n) => {
      const child = this.datasets.get(n) as Dataset;
      return child.type === 'VOLUME' ? sum + child.refreservation : sum;
    }, 0);
  }

  setRefreservation(ds: Dataset, bytes: number): void {
    this.#pool(ds).reserved += bytes - ds.refreservation;
    ds.refreservation = bytes;
  }

  /** Resolves an inheritable native property: [raw value, source, source dataset]. */
  resolve(ds: Dataset, key: string): [string, 'LOCAL' | 'INHERITED' | 'DEFAULT', string | null] {
    const own = ds.local.get(key);
    if (own !== undefined) {
      return [own, 'LOCAL', null];
    }
    if (inheritable.has(key)) {
      for (let p = parentName(ds.name); p !== undefined; p = parentName(p)) {
        const v = this.datasets.get(p)?.local.get(key);
        if (v !== undefined) {
          return [v, 'INHERITED', p];
        }
      }
    }
    return [nativeDefaults[key] ?? '', 'DEFAULT', null];
  }

  /** User properties visible on a dataset: own (LOCAL) and inherited from ancestors. */
  userProperties(name: string): Map<string, { value: string; source: 'LOCAL' | 'INHERITED'; from: string | null }> {
    const out = new Map<string, { value: string; source: 'LOCAL' | 'INHERITED'; from: string | null }>();
    const chain: string[] = [];
    for (let p: string | undefined = name; p !== undefined; p = parentName(p)) {
      chain.push(p);
    }
    for (const dsName of chain.reverse()) {
      const ds = this.datasets.get(dsName);
      for (const [key, value] of ds?.user ?? []) {
        out.set(
          key,
          dsName === name ? { value, source: 'LOCAL', from: null } : { value, source: 'INHERITED', from: dsName },
        );
      }
    }
    return out;
  }

  removeDataset(name: string): Dataset {
    const ds = this.datasets.get(name) as Dataset;
    this.datasets.delete(name);
    const parent = parentName(name);
    if (parent !== undefined) {
      this.#unlink(this.#children, parent, name);
    }
    if (ds.type === 'VOLUME') {
      this.#pool(ds).reserved -= ds.refreservation;
    }
    if (ds.origin) {
      this.#unlink(this.#clonesOf, ds.origin, name);
    }
    return ds;
  }

  addSnapshot(dataset: Dataset, snapshotName: string, creation: number): Snapshot {
    const snap: Snapshot = {
      name: `${dataset.name}@${snapshotName}`,
      dataset: dataset.name,
      snapshotName,
      guid: newGuid(),
      createtxg: this.nextTxg(),
      creation,
      user: new Map(),
      holds: new Set(),
      deferDestroy: false,
      volsize: dataset.volsize,
      backing: undefined,
    };
    this.snapshots.set(snap.name, snap);
    this.#link(this.#snapshotsOf, dataset.name, snap.name);
    return snap;
  }

  removeSnapshot(name: string): Snapshot {
    const snap = this.snapshots.get(name) as Snapshot;
    this.snapshots.delete(name);
    this.#unlink(this.#snapshotsOf, snap.dataset, name);
    return snap;
  }
}
