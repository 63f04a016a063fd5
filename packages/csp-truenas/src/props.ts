// CSP metadata kept in ZFS user properties (strings), and readers for the property objects
// `{parsed, rawvalue, value, source}` that pool.dataset.query and pool.snapshot.query return.
// Only LOCAL values count: user properties inherit down the tree and into snapshots, so a value
// inherited from a parent (or set by another tool) must never make an object look like ours.

export const prop = {
  volumeName: 'opencsp:volume_name',
  targetId: 'opencsp:target_id',
  extentId: 'opencsp:extent_id',
  targetExtentId: 'opencsp:targetextent_id',
  naa: 'opencsp:naa',
  initiatorId: 'opencsp:initiator_id',
  hosts: 'opencsp:hosts',
  readOnlyHosts: 'opencsp:read_only_hosts',
  nodeIds: 'opencsp:node_ids',
  destroyOnDelete: 'opencsp:destroy_on_delete',
  baseSnapshot: 'opencsp:base_snapshot',
  retainedName: 'opencsp:retained_name',
  snapshotName: 'opencsp:snapshot_name',
  snapshotDescription: 'opencsp:description',
  temporary: 'opencsp:temporary',
  /** The name a snapshot had before it was deleted while clones still needed it. */
  deletedSnapshotName: 'opencsp:deleted_snapshot_name',
  /** On a volume group's dataset: the group's name; on a snapshot group's snapshots: its name. */
  groupName: 'opencsp:group_name',
  groupDescription: 'opencsp:group_description',
  snapshotGroupName: 'opencsp:snapshot_group_name',
  /** `nvmetcp` on volumes exported over NVMe/TCP; absent means iSCSI. */
  protocol: 'opencsp:protocol',
  subsysId: 'opencsp:subsys_id',
  namespaceId: 'opencsp:namespace_id',
  subnqn: 'opencsp:subnqn',
  nsid: 'opencsp:nsid',
  nguid: 'opencsp:nguid',
  nsUuid: 'opencsp:ns_uuid',
} as const;

/** The user properties that describe a volume's NVMe exposure (removed together). */
export const nvmeProps = [
  prop.protocol,
  prop.subsysId,
  prop.namespaceId,
  prop.subnqn,
  prop.nsid,
  prop.nguid,
  prop.nsUuid,
];

export interface PropObject {
  parsed?: unknown;
  rawvalue?: string | null;
  value?: string | null;
  source?: string | null;
}

export interface DatasetEntry {
  id: string;
  name: string;
  type: 'FILESYSTEM' | 'VOLUME';
  pool: string;
  user_properties?: Record<string, PropObject>;
  [property: string]: unknown;
}

export interface SnapshotEntry {
  id: string;
  name: string;
  dataset: string;
  snapshot_name: string;
  createtxg: string;
  properties: Record<string, PropObject>;
  holds?: Record<string, number>;
}

/** A locally set user property of a dataset, or undefined. */
export function localUserProp(entry: DatasetEntry, key: string): string | undefined {
  const p = entry.user_properties?.[key];
  return p?.source === 'LOCAL' && typeof p.value === 'string' ? p.value : undefined;
}

/** A locally set user property of a snapshot, or undefined. */
export function localSnapshotProp(entry: SnapshotEntry, key: string): string | undefined {
  const p = entry.properties[key];
  return p?.source === 'LOCAL' && typeof p.value === 'string' ? p.value : undefined;
}

/** Any (local or inherited) user property of a snapshot. */
export function snapshotProp(entry: SnapshotEntry, key: string): string | undefined {
  const p = entry.properties[key];
  return typeof p?.value === 'string' ? p.value : undefined;
}

export function propObject(entry: DatasetEntry, key: string): PropObject | undefined {
  const p = entry[key];
  return p && typeof p === 'object' ? (p as PropObject) : undefined;
}

/** A numeric property (`volsize`, `available`...) from its raw value. */
export function numberProp(entry: DatasetEntry, key: string): number | undefined {
  const p = propObject(entry, key);
  const n = Number(p?.rawvalue ?? p?.parsed);
  return p && Number.isFinite(n) ? n : undefined;
}

/** The display value (`LZ4`, `STANDARD`) of a property. */
export function valueProp(entry: DatasetEntry, key: string): string | undefined {
  const v = propObject(entry, key)?.value;
  return typeof v === 'string' ? v : undefined;
}

/** A positive integer id stored in a user property. */
export function idProp(entry: DatasetEntry, key: string): number | undefined {
  const raw = localUserProp(entry, key);
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The protocol a volume was created for. */
export function protocolOf(entry: DatasetEntry): 'iscsi' | 'nvmetcp' {
  return localUserProp(entry, prop.protocol) === 'nvmetcp' ? 'nvmetcp' : 'iscsi';
}

function idList(entry: DatasetEntry, key: string): number[] {
  const raw = localUserProp(entry, key) ?? '';
  return raw
    .split(',')
    .map(Number)
    .filter((n) => Number.isSafeInteger(n) && n > 0);
}

/** Host initiator-group ids a volume is published to (iSCSI and NVMe/TCP alike). */
export function hostIds(entry: DatasetEntry): number[] {
  return idList(entry, prop.hosts);
}

/** Those of them whose access is read-only (recorded so a publish with other access is refused). */
export function readOnlyHostIds(entry: DatasetEntry): number[] {
  return idList(entry, prop.readOnlyHosts);
}

/**
 * The orchestrator node id each published host's publish named (`opencsp:node_ids`, JSON
 * `{"<host group id>": "<node id>"}`); entries of hosts no longer published are ignored.
 */
export function nodeIdsOf(entry: DatasetEntry): Record<string, string> {
  const raw = localUserProp(entry, prop.nodeIds);
  if (raw === undefined) {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return {};
    }
    const published = new Set(hostIds(entry).map(String));
    return Object.fromEntries(
      Object.entries(parsed).filter(([id, node]) => published.has(id) && typeof node === 'string' && node !== ''),
    ) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The node ids a volume is published to, in the order of its hosts (hosts without one are left out). */
export function publishedNodes(entry: DatasetEntry): string[] {
  const nodes = nodeIdsOf(entry);
  return hostIds(entry)
    .map((id) => nodes[String(id)])
    .filter((n): n is string => n !== undefined);
}

/** Epoch seconds from a `creation` property. */
export function creationTime(props: Record<string, PropObject> | DatasetEntry): number {
  const p = (props as Record<string, unknown>).creation as PropObject | undefined;
  const raw = Number(p?.rawvalue);
  if (Number.isFinite(raw) && raw > 0) {
    return Math.floor(raw);
  }
  const date = (p?.parsed as { $date?: number } | undefined)?.$date;
  return typeof date === 'number' ? Math.floor(date / 1000) : 0;
}
