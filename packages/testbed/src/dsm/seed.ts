// Objects a NAS already in use holds before the cluster arrives: a LUN, a target and a host object
// that belong to someone else. They count against the model's ceilings and must never be touched by the CSP.
import { type DsmState, defaultDevAttribs } from './state.js';

const GiB = 1024 ** 3;

export async function seedOwnerObjects(state: DsmState, hostname: string): Promise<void> {
  const location = [...state.volumes.values()].find((v) => v.fsType === 'btrfs')?.path ?? '/volume1';
  const type = state.volumes.get(location)?.fsType === 'btrfs' ? 'BLUN' : 'ADV';
  const uuid = state.newUuid();
  state.luns.set(uuid, {
    uuid,
    lunId: state.nextLunId(),
    name: 'vmware-datastore',
    description: 'owned by the NAS administrator',
    type,
    location,
    size: 100 * GiB,
    devAttribs: { ...defaultDevAttribs, can_snapshot: 1 },
    lockedUntil: 0,
    deletingUntil: undefined,
    parent: undefined,
    snapshots: new Map(),
    backingKey: `lun-${uuid}`,
    createdAt: Date.now(),
  });
  await state.backing.create(`lun-${uuid}`, 100 * GiB);
  const targetId = state.nextTargetId();
  state.targets.set(targetId, {
    targetId,
    name: 'vmware-target',
    iqn: `iqn.2000-01.com.synology:${hostname}.vmware-target`,
    authType: 0,
    user: '',
    password: '',
    mutualUser: '',
    mutualPassword: '',
    maxSessions: 0,
    headerChecksum: false,
    dataChecksum: false,
    maxRecvSegBytes: 262_144,
    maxSendSegBytes: 262_144,
    enabled: true,
    mapped: new Map([[uuid, 1]]),
    sessions: [],
  });
  // The administrator's hypervisor host, allowed on the datastore LUN.
  const hostId = state.nextHostId();
  state.hosts.set(hostId, {
    hostId,
    name: 'esxi-01',
    description: 'owned by the NAS administrator',
    initiators: ['iqn.1998-01.com.vmware:esxi-01'],
    acls: new Map([[uuid, 'rw']]),
  });
}
