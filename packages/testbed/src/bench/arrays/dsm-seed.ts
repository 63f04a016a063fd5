// Bulk seeding of the DSM simulator straight into its state (no Web API calls), for "2,000
// volumes already exist": Btrfs LUNs named as the Synology CSP names them (so they are its own),
// half of them mapped into per-node targets masked to seed nodes, optionally with one snapshot of
// the CSP's each. No backing files: seeds are never attached or cloned.
// The seeds are thick (BLUN_THICK): the simulator computes a storage volume's used space by
// reading the backing file of every thin LUN on each `Storage.Volume list`, which DSM (a
// filesystem statistic) does not, and that simulator cost would hide the CSP's.
import { type DsmState, defaultDevAttribs, type Host, type Lun, type Target } from '../../dsm/state.js';
import { GiB, type SeedOptions } from './types.js';

const seedNodes = 16;

function seedTarget(state: DsmState, hostname: string, node: number): Target {
  const targetId = state.nextTargetId();
  const name = `k8s-host-seed-node-${node}-${String(targetId).padStart(8, '0')}`;
  const target: Target = {
    targetId,
    name,
    iqn: `iqn.2000-01.com.synology:${hostname}.${name}`,
    authType: 0,
    user: '',
    password: '',
    mutualUser: '',
    mutualPassword: '',
    maxSessions: 1,
    headerChecksum: false,
    dataChecksum: false,
    maxRecvSegBytes: 262_144,
    maxSendSegBytes: 262_144,
    enabled: true,
    mapped: new Map(),
    sessions: [],
  };
  state.targets.set(targetId, target);
  return target;
}

/** The DSM 7 host object of a seeded node: its initiator, and rw on the LUNs mapped for it. */
function seedHost(state: DsmState, node: number): Host {
  const host: Host = {
    hostId: state.nextHostId(),
    name: `seed-node-${node}`,
    description: '',
    initiators: [`iqn.2005-10.org.example:seed-node-${node}`],
    acls: new Map(),
  };
  state.hosts.set(host.hostId, host);
  return host;
}

function seedSnapshot(state: DsmState, lun: Lun, name: string): void {
  const uuid = state.newUuid();
  lun.snapshots.set(uuid, {
    uuid,
    snapshotId: state.nextSnapshotId(),
    name,
    description: '',
    takenBy: 'opencsp',
    locked: true,
    appConsistent: false,
    lunUuid: lun.uuid,
    size: lun.size,
    createdAt: lun.createdAt,
    readyAt: lun.createdAt,
    backingKey: `snap-${uuid}`,
  });
}

export function seedLuns(state: DsmState, hostname: string, count: number, options: SeedOptions = {}): void {
  const location = [...state.volumes.values()].find((v) => v.fsType === 'btrfs')?.path ?? '/volume1';
  const targets = Array.from({ length: seedNodes }, (_, node) => seedTarget(state, hostname, node));
  const hosts = Array.from({ length: seedNodes }, (_, node) => seedHost(state, node));
  const first = state.luns.size;
  let lunId = Math.max(-1, ...[...state.luns.values()].map((l) => l.lunId)) + 1;
  for (let i = 0; i < count; i++) {
    const uuid = state.newUuid();
    const lun: Lun = {
      uuid,
      lunId: lunId++,
      name: `k8s-seed-${first + i}`,
      description: '',
      type: 'BLUN_THICK',
      location,
      size: GiB,
      devAttribs: { ...defaultDevAttribs, can_snapshot: 1 },
      lockedUntil: 0,
      deletingUntil: undefined,
      parent: undefined,
      snapshots: new Map(),
      backingKey: `lun-${uuid}`,
      createdAt: Date.now(),
    };
    state.luns.set(uuid, lun);
    if (options.snapshots) {
      seedSnapshot(state, lun, `k8s-seed-snap-${first + i}`);
    }
    if (i % 2 === 0) {
      const node = (i / 2) % seedNodes;
      const target = targets[node] as Target;
      target.mapped.set(uuid, target.mapped.size + 1);
      (hosts[node] as Host).acls.set(uuid, 'rw');
    }
  }
}
