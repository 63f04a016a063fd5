// The JSON shapes DSM answers for LUNs, snapshots and targets. Optional fields appear only when the
// caller lists them in `additional`, as on a real NAS, so a client that forgets to ask sees nothing.
import {
  type DsmState,
  devAttribNames,
  type Host,
  type Lun,
  type LunSnapshot,
  lunTypes,
  type Target,
} from './state.js';

/** The pseudo-initiator DSM uses for "every initiator" in target masking. */
export const defaultAclIqn = 'iqn.2000-01.com.synology:default.acl';

export function snapshotView(lun: Lun, snapshot: LunSnapshot, now: number): Record<string, unknown> {
  return {
    uuid: snapshot.uuid,
    snapshot_id: snapshot.snapshotId,
    name: snapshot.name,
    description: snapshot.description,
    parent_uuid: lun.uuid,
    parent_lun_id: lun.lunId,
    status: now >= snapshot.readyAt ? 'Healthy' : 'Creating',
    total_size: snapshot.size,
    create_time: Math.floor(snapshot.createdAt / 1000),
    // democratic-csi reads `time` (creation, epoch seconds); a DSM 7 listing on hardware shows
    // create_time and snapshot_time only. Both are served: docs/research/dsm-api.md.
    time: Math.floor(snapshot.createdAt / 1000),
    snapshot_time: Math.floor(snapshot.createdAt / 1000),
    root_path: lun.location,
    taken_by: snapshot.takenBy,
    is_user_locked: snapshot.locked,
    is_app_consistent: snapshot.appConsistent,
    mapped_size: 0,
  };
}

export async function lunView(
  state: DsmState,
  lun: Lun,
  additional: Set<string>,
  now: number,
): Promise<Record<string, unknown>> {
  const view: Record<string, unknown> = {
    name: lun.name,
    uuid: lun.uuid,
    lun_id: lun.lunId,
    type: lunTypes[lun.type].code,
    type_str: lun.type,
    location: lun.location,
    size: lun.size,
    description: lun.description,
    block_size: 512,
    vpd_unit_sn: lun.uuid,
    direct_io_pattern: 0,
    restored_time: 0,
    dev_attribs: devAttribNames.map((name) => ({ dev_attrib: name, enable: lun.devAttribs[name] })),
  };
  if (additional.has('allocated_size')) {
    view.allocated_size = await state.allocated(lun);
  }
  if (additional.has('status')) {
    view.status = lun.deletingUntil === undefined ? 'normal' : 'deleting';
  }
  if (additional.has('is_action_locked')) {
    view.is_action_locked = now < lun.lockedUntil || lun.deletingUntil !== undefined;
  }
  if (additional.has('is_mapped')) {
    view.is_mapped = [...state.targets.values()].some((t) => t.mapped.has(lun.uuid));
  }
  if (additional.has('flashcache_status')) {
    view.flashcache_status = 'no_cache';
  }
  if (additional.has('extent_size')) {
    view.extent_size = 0;
  }
  if (additional.has('family_config')) {
    view.family_config = {
      parent_lun_name: lun.parent?.lunName ?? '',
      parent_lun_uuid: lun.parent?.lunUuid ?? '',
      parent_snapshot_time: lun.parent?.snapshotTime ?? 0,
      parent_snapshot_uuid: lun.parent?.snapshotUuid ?? '',
    };
  }
  if (additional.has('snapshot_info')) {
    view.snapshots = [...lun.snapshots.values()].map((s) => snapshotView(lun, s, now));
  }
  return view;
}

export function targetView(target: Target, additional: Set<string>): Record<string, unknown> {
  const view: Record<string, unknown> = {
    target_id: target.targetId,
    name: target.name,
    iqn: target.iqn,
    auth_type: target.authType,
    user: target.user,
    // DSM never returns CHAP secrets.
    password: '',
    mutual_user: target.mutualUser,
    mutual_password: '',
    max_sessions: target.maxSessions,
    is_enabled: target.enabled,
    is_default_target: false,
    mapping_index: -1,
    has_header_checksum: target.headerChecksum,
    has_data_checksum: target.dataChecksum,
    max_recv_seg_bytes: target.maxRecvSegBytes,
    max_send_seg_bytes: target.maxSendSegBytes,
    network_portals: [{ controller_id: 0, interface_name: 'all', ip: '', port: 3260 }],
  };
  if (additional.has('status')) {
    view.status = target.enabled ? 'online' : 'offline';
  }
  if (additional.has('mapped_lun')) {
    view.mapped_luns = [...target.mapped].map(([lun_uuid, mapping_index]) => ({ lun_uuid, mapping_index }));
  }
  if (additional.has('connected_sessions')) {
    view.connected_sessions = target.sessions.map((s) => ({ ...s }));
  }
  if (additional.has('acls')) {
    // DSM 7 keeps the target's own masking at its default (every initiator); LUN access is decided
    // by host objects. `iqn.2000-01.com.synology:default.acl` is DSM's name for "any initiator".
    view.acls = [{ iqn: defaultAclIqn, permission: 'rw' }];
  }
  return view;
}

export function hostView(host: Host, additional: Set<string>): Record<string, unknown> {
  const view: Record<string, unknown> = {
    host_id: host.hostId,
    name: host.name,
    description: host.description,
    initiator_ids: [...host.initiators],
  };
  if (additional.has('acls')) {
    view.acls = [...host.acls].map(([lun_uuid, permission]) => ({ lun_uuid, permission }));
  }
  return view;
}
