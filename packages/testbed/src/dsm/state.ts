// Everything a simulated NAS holds: storage volumes, LUNs with their snapshots and backing files,
// iSCSI targets with their mappings, and DSM 7 host objects with per-LUN permissions. Handlers in
// lun.ts, lun-snapshots.ts, target.ts and host.ts change it; the audit reads it.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import type { BackingStore } from '../common/index.js';
import { codes, DsmError } from './codes.js';
import type { FsType, ModelSpec } from './models.js';

export type LunTypeName = 'BLUN' | 'BLUN_THICK' | 'ADV' | 'FILE' | 'THIN';

export interface LunTypeSpec {
  /** DSM's integer type. 263 and 259 are observed; the others are simulator-assigned. */
  code: number;
  /** Filesystems the type can live on. */
  fs: FsType[];
  thick: boolean;
}

export const lunTypes: Readonly<Record<LunTypeName, LunTypeSpec>> = {
  BLUN: { code: 263, fs: ['btrfs'], thick: false },
  BLUN_THICK: { code: 259, fs: ['btrfs'], thick: true },
  ADV: { code: 3, fs: ['ext4'], thick: false },
  FILE: { code: 1, fs: ['ext4'], thick: true },
  THIN: { code: 2, fs: ['ext4', 'btrfs'], thick: false },
};

/** Type names DSM knows but refuses for new LUNs (internal or retired). */
export const refusedLunTypes = new Set([
  'BLOCK',
  'SINK',
  'CINDER',
  'CINDER_BLUN',
  'CINDER_BLUN_THICK',
  'BLUN_SINK',
  'BLUN_THICK_SINK',
]);

export const devAttribNames = [
  'emulate_3pc',
  'emulate_tpws',
  'emulate_caw',
  'emulate_tpu',
  'emulate_fua_write',
  'emulate_sync_cache',
  'can_snapshot',
] as const;
export type DevAttrib = (typeof devAttribNames)[number];

export const defaultDevAttribs: Readonly<Record<DevAttrib, number>> = {
  emulate_3pc: 0,
  emulate_tpws: 0,
  emulate_caw: 1,
  emulate_tpu: 0,
  emulate_fua_write: 0,
  emulate_sync_cache: 0,
  can_snapshot: 0,
};

export interface StorageVolume {
  path: string;
  fsType: FsType;
  totalBytes: number;
  status: 'normal' | 'degraded' | 'crashed' | 'read_only';
}

export interface LunSnapshot {
  uuid: string;
  snapshotId: number;
  name: string;
  description: string;
  takenBy: string;
  locked: boolean;
  appConsistent: boolean;
  lunUuid: string;
  size: number;
  createdAt: number;
  readyAt: number;
  backingKey: string;
}

export interface Lun {
  uuid: string;
  lunId: number;
  name: string;
  description: string;
  type: LunTypeName;
  location: string;
  size: number;
  devAttribs: Record<DevAttrib, number>;
  lockedUntil: number;
  /** Set while an asynchronous delete runs; the LUN disappears at that time. */
  deletingUntil: number | undefined;
  parent: { lunUuid: string; lunName: string; snapshotUuid: string; snapshotTime: number } | undefined;
  snapshots: Map<string, LunSnapshot>;
  backingKey: string;
  createdAt: number;
}

/** A host's access to a LUN: read-write, read-only, or none (an explicit deny). */
export type Permission = 'rw' | 'ro' | 'none';

export const permissions: readonly Permission[] = ['rw', 'ro', 'none'];

/** DSM 7 host object (SAN Manager > Host): initiators, and a permission per LUN. */
export interface Host {
  hostId: number;
  name: string;
  description: string;
  initiators: string[];
  /** lun uuid → permission. */
  acls: Map<string, Permission>;
}

export interface Target {
  targetId: number;
  name: string;
  iqn: string;
  authType: 0 | 1 | 2;
  user: string;
  password: string;
  mutualUser: string;
  mutualPassword: string;
  maxSessions: number;
  headerChecksum: boolean;
  dataChecksum: boolean;
  maxRecvSegBytes: number;
  maxSendSegBytes: number;
  enabled: boolean;
  /** lun uuid → mapping_index (starts at 1, lowest free index reused). */
  mapped: Map<string, number>;
  sessions: { iqn: string; ip: string }[];
}

export class DsmState {
  readonly model: ModelSpec;
  readonly volumes = new Map<string, StorageVolume>();
  readonly luns = new Map<string, Lun>();
  readonly targets = new Map<number, Target>();
  readonly hosts = new Map<number, Host>();
  readonly backing: BackingStore;
  #nextTargetId = 1;
  #nextHostId = 1;
  #nextSnapshotId = 1;

  constructor(model: ModelSpec, backing: BackingStore) {
    this.model = model;
    this.backing = backing;
    for (const v of model.volumes) {
      this.volumes.set(v.path, { path: v.path, fsType: v.fsType, totalBytes: v.sizeBytes, status: 'normal' });
    }
  }

  newUuid(): string {
    return randomUUID();
  }

  nextSnapshotId(): number {
    return this.#nextSnapshotId++;
  }

  /** Lowest free LUN number (DSM reuses numbers of deleted LUNs). */
  nextLunId(): number {
    const used = new Set([...this.luns.values()].map((l) => l.lunId));
    let id = 0;
    while (used.has(id)) {
      id++;
    }
    return id;
  }

  nextTargetId(): number {
    return this.#nextTargetId++;
  }

  nextHostId(): number {
    return this.#nextHostId++;
  }

  host(id: number): Host {
    const host = this.hosts.get(id);
    if (!host) {
      throw new DsmError(codes.noSuchObject, `no host ${id}`);
    }
    return host;
  }

  volume(path: string): StorageVolume {
    const volume = this.volumes.get(path);
    if (!volume) {
      throw new DsmError(codes.noSuchObject, `no volume ${path}`);
    }
    return volume;
  }

  /** A LUN by uuid or by name (DSM resolves either in `uuid` parameters). */
  findLun(uuidOrName: string): Lun | undefined {
    const direct = this.luns.get(uuidOrName);
    if (direct) {
      return direct;
    }
    for (const lun of this.luns.values()) {
      if (lun.name === uuidOrName) {
        return lun;
      }
    }
    return undefined;
  }

  lun(uuidOrName: string): Lun {
    const lun = this.findLun(uuidOrName);
    if (!lun) {
      throw new DsmError(codes.noSuchLun, uuidOrName);
    }
    return lun;
  }

  findSnapshot(uuid: string): { lun: Lun; snapshot: LunSnapshot } | undefined {
    for (const lun of this.luns.values()) {
      const snapshot = lun.snapshots.get(uuid);
      if (snapshot) {
        return { lun, snapshot };
      }
    }
    return undefined;
  }

  /** A target by numeric id or by name (as DSM resolves `target_id`). */
  findTarget(idOrName: string): Target | undefined {
    if (/^\d+$/.test(idOrName)) {
      const byId = this.targets.get(Number(idOrName));
      if (byId) {
        return byId;
      }
    }
    for (const target of this.targets.values()) {
      if (target.name === idOrName) {
        return target;
      }
    }
    return undefined;
  }

  target(idOrName: string): Target {
    const target = this.findTarget(idOrName);
    if (!target) {
      throw new DsmError(codes.noSuchObject, `no target ${idOrName}`);
    }
    return target;
  }

  /** Bytes the LUN occupies on its volume: the full size when thick, written blocks when thin. */
  async allocated(lun: Lun): Promise<number> {
    return this.#allocatedNow(lun);
  }

  /**
   * A volume's used bytes, as DSM reports it at once from its file system: every LUN on it, thin
   * ones by the blocks their files hold. The files are read synchronously: with thousands of thin
   * LUNs an asynchronous stat each (a thread-pool round trip and a promise per file) made every
   * volume query cost the simulator milliseconds of CPU (issue 14), while `statSync` costs a few
   * microseconds per file. Nothing else runs meanwhile, as with DSM's one-SAN-call-at-a-time rule.
   */
  async usedBytes(path: string): Promise<number> {
    let used = 0;
    for (const lun of this.luns.values()) {
      if (lun.location === path) {
        used += this.#allocatedNow(lun);
      }
    }
    return used;
  }

  #allocatedNow(lun: Lun): number {
    if (lunTypes[lun.type].thick) {
      return lun.size;
    }
    try {
      return statSync(this.backing.path(lun.backingKey)).blocks * 512;
    } catch {
      return 0;
    }
  }

  async freeBytes(path: string): Promise<number> {
    const volume = this.volume(path);
    return Math.max(0, volume.totalBytes - (await this.usedBytes(path)));
  }

  /** Removes LUNs whose asynchronous delete has finished, with their snapshots and files. */
  async reap(now = Date.now()): Promise<void> {
    for (const lun of [...this.luns.values()]) {
      if (lun.deletingUntil !== undefined && now >= lun.deletingUntil) {
        await this.destroyLun(lun);
      }
    }
  }

  async destroyLun(lun: Lun): Promise<void> {
    this.luns.delete(lun.uuid);
    for (const target of this.targets.values()) {
      target.mapped.delete(lun.uuid);
    }
    for (const host of this.hosts.values()) {
      host.acls.delete(lun.uuid);
    }
    for (const snapshot of lun.snapshots.values()) {
      await this.backing.remove(snapshot.backingKey);
    }
    await this.backing.remove(lun.backingKey);
  }
}
