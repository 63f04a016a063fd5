// The DSM objects this CSP reads, with only the fields it uses. Numbers DSM sometimes sends as
// strings (volume sizes, `type=define` ceilings) are typed as both.

export interface DsmLun {
  uuid: string;
  name: string;
  lun_id?: number;
  /** 263 = BLUN, 259 = BLUN_THICK; `type_str` names the type where DSM sends it. */
  type: number;
  type_str?: string;
  location: string;
  size: number;
  description?: string;
  vpd_unit_sn?: string;
  dev_attribs?: { dev_attrib: string; enable: number }[];
  allocated_size?: number;
  status?: string;
  is_action_locked?: boolean;
  is_mapped?: boolean;
  family_config?: {
    parent_lun_uuid: string;
    parent_lun_name: string;
    parent_snapshot_uuid: string;
    parent_snapshot_time: number;
  };
  snapshots?: DsmSnapshot[];
}

export interface DsmSnapshot {
  uuid: string;
  name: string;
  description?: string;
  parent_uuid: string;
  status: string | { type?: string };
  total_size: number;
  create_time: number;
  root_path?: string;
  taken_by?: string;
}

export interface DsmTarget {
  target_id: number;
  name: string;
  iqn: string;
  auth_type: number;
  user?: string;
  mutual_user?: string;
  max_sessions: number;
  mapped_luns?: { lun_uuid: string; mapping_index: number }[];
}

/** A host's access to a LUN as DSM names it: read-write, read-only or none. */
export type DsmPermission = 'rw' | 'ro' | 'none';

/** A DSM 7 host object (SAN Manager > Host): initiators and a permission per LUN. */
export interface DsmHost {
  host_id: number | string;
  name: string;
  initiator_ids?: string[];
  acls?: { lun_uuid: string; permission: string }[];
}

export interface DsmVolume {
  volume_path: string;
  display_name?: string;
  status: string;
  fs_type: string;
  size_total_byte: string | number;
  size_free_byte: string | number;
  container?: string;
}

export interface DsmSystemInfo {
  model: string;
  serial: string;
  firmware_ver?: string;
}

export interface DsmDefines {
  max_iscsiluns?: string | number;
  max_iscsitrgs?: string | number;
  max_snapshot_per_lun?: string | number;
}

/** A count or byte size DSM sent as a number or a numeric string. */
export function toNumber(value: string | number | undefined): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
    return Number(value);
  }
  return undefined;
}

/** Snapshot status: a string on `get_snapshot`/`list_snapshot`, an object inside LUN listings. */
export function snapshotStatus(snapshot: DsmSnapshot): string {
  return typeof snapshot.status === 'string' ? snapshot.status : (snapshot.status?.type ?? '');
}

const typeCodes: Record<number, string> = { 263: 'BLUN', 259: 'BLUN_THICK' };

export function lunTypeName(lun: DsmLun): string {
  return lun.type_str ?? typeCodes[lun.type] ?? String(lun.type);
}
