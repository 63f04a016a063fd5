// Bulk seeding straight into the simulator's state (no RPC), for scale tests such as "2,000
// volumes already exist": zvols with user properties and, optionally, their iSCSI target, extent,
// LUN 0 mapping and initiator group, exactly as a client would have created them.
import { createHash } from 'node:crypto';
import type { SimCore } from './state/core.js';

export interface SeedZvol {
  /** Full dataset name; the parent must exist. */
  dataset: string;
  volsize: number;
  volblocksize?: number;
  sparse?: boolean;
  userProperties?: Record<string, string>;
  /** A sparse backing file (default true); scale seeds that are never attached skip it. */
  backing?: boolean;
  /** Snapshots of the zvol: name, user properties, and whether it has the `truenas` hold. */
  snapshots?: Array<{ name: string; userProperties?: Record<string, string>; hold?: boolean }>;
  iscsi?: {
    targetName: string;
    extentName: string;
    /** Creates an initiator group with these IQNs and attaches it to the target on `portal`. */
    initiators?: string[];
    initiatorComment?: string;
    portal?: number;
  };
}

export interface SeededZvol {
  dataset: string;
  targetId?: number;
  extentId?: number;
  targetExtentId?: number;
  initiatorId?: number;
  naa?: string;
}

function naaFor(name: string): string {
  return `0x6589cfc000000${createHash('sha256').update(`seed:${name}`).digest('hex').slice(0, 19)}`;
}

export async function seedZvols(sim: SimCore, specs: SeedZvol[]): Promise<SeededZvol[]> {
  const out: SeededZvol[] = [];
  for (const spec of specs) {
    if (sim.zfs.datasets.has(spec.dataset)) {
      throw new Error(`seed: ${spec.dataset} exists already`);
    }
    const ds = sim.zfs.createDataset(spec.dataset, 'VOLUME', sim.now(), {
      volsize: spec.volsize,
      volblocksize: spec.volblocksize ?? 16_384,
      refreservation: spec.sparse === false ? spec.volsize : 0,
    });
    for (const [key, value] of Object.entries(spec.userProperties ?? {})) {
      ds.user.set(key, value);
    }
    if (spec.backing !== false) {
      await sim.backing.createZvol(ds);
    }
    for (const snapshot of spec.snapshots ?? []) {
      const snap = sim.zfs.addSnapshot(ds, snapshot.name, sim.now());
      for (const [key, value] of Object.entries(snapshot.userProperties ?? {})) {
        snap.user.set(key, value);
      }
      if (snapshot.hold) {
        snap.holds.add('truenas');
      }
    }
    const seeded: SeededZvol = { dataset: spec.dataset };
    if (spec.iscsi) {
      const { iscsi } = sim;
      const extent = iscsi.extents.insert({
        name: spec.iscsi.extentName,
        type: 'DISK',
        disk: `zvol/${spec.dataset}`,
        serial: createHash('sha256').update(spec.dataset).digest('hex').slice(0, 15),
        path: `zvol/${spec.dataset}`,
        filesize: '0',
        blocksize: 512,
        pblocksize: false,
        avail_threshold: null,
        comment: '',
        naa: naaFor(spec.dataset),
        insecure_tpc: true,
        xen: false,
        rpm: 'SSD',
        ro: false,
        enabled: true,
        vendor: 'TrueNAS',
        locked: false,
      });
      let initiatorId: number | null = null;
      if (spec.iscsi.initiators) {
        initiatorId = iscsi.initiators.insert({
          initiators: [...spec.iscsi.initiators],
          comment: spec.iscsi.initiatorComment ?? '',
        }).id;
        seeded.initiatorId = initiatorId;
      }
      const target = iscsi.targets.insert({
        name: spec.iscsi.targetName,
        alias: null,
        mode: 'ISCSI',
        groups:
          initiatorId === null
            ? []
            : [{ portal: spec.iscsi.portal ?? 1, initiator: initiatorId, authmethod: 'NONE', auth: null }],
        auth_networks: [],
        rel_tgt_id: iscsi.nextRelTgtId(),
        iscsi_parameters: null,
      });
      const te = iscsi.targetextents.insert({ target: target.id, extent: extent.id, lunid: 0 });
      Object.assign(seeded, { targetId: target.id, extentId: extent.id, targetExtentId: te.id, naa: extent.naa });
    }
    out.push(seeded);
  }
  return out;
}
