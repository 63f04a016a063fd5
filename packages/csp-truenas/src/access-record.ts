// The zvol's record of who has a volume, kept the same way for iSCSI and NVMe/TCP: the host group
// ids (`opencsp:hosts`), those of them read-only (`opencsp:read_only_hosts`), the orchestrator node
// id each host's publish named (`opencsp:node_ids`, reported as `published_nodes`) and, for iSCSI,
// the volume's own initiator group (`opencsp:initiator_id`).
import type { PublishOptions } from '@opencsp/csp-spec';
import { CspProblem } from '@opencsp/csp-spec/server';
import { type DatasetEntry, hostIds, idProp, nodeIdsOf, prop, readOnlyHostIds } from './props.js';

/** Who has the volume besides the host ids: those read-only, and each one's node id. */
export interface AccessRecord {
  readOnly: number[];
  nodeIds: Record<string, string>;
}

/** Nobody has the volume. */
export const noAccess: AccessRecord = Object.freeze({ readOnly: [], nodeIds: {} });

type RecordUpdate = { key: string; value: string } | { key: string; remove: true };

/** ZFS refuses user property values over 8 KiB; the node id record must fit in one. */
const maxNodeIdsBytes = 8000;

function encodeNodeIds(hosts: number[], nodeIds: Record<string, string>): string {
  const kept = [...hosts]
    .sort((a, b) => a - b)
    .filter((id) => nodeIds[String(id)] !== undefined)
    .map((id) => [String(id), nodeIds[String(id)]]);
  return kept.length === 0 ? '' : JSON.stringify(Object.fromEntries(kept));
}

function nodeIdsRecorded(entry: DatasetEntry): boolean {
  return entry.user_properties?.[prop.nodeIds]?.source === 'LOCAL';
}

/** The record as the zvol holds it now. */
export function currentRecord(entry: DatasetEntry): AccessRecord {
  return { readOnly: readOnlyHostIds(entry), nodeIds: nodeIdsOf(entry) };
}

/**
 * The record after `host` is published with `options` (its access and node id replace any it had),
 * `hosts` being every host that will have the volume. LIMIT_EXCEEDED, before anything changes,
 * when the node ids no longer fit in one user property.
 */
export function publishRecord(
  entry: DatasetEntry,
  volumeId: string,
  hosts: number[],
  host: number,
  options: PublishOptions,
): AccessRecord {
  const others = readOnlyHostIds(entry).filter((h) => h !== host);
  const nodeIds = { ...nodeIdsOf(entry), [String(host)]: options.node_id ?? options.host_uuid };
  if (Buffer.byteLength(encodeNodeIds(hosts, nodeIds)) > maxNodeIdsBytes) {
    throw new CspProblem(
      'LIMIT_EXCEEDED',
      `volume ${volumeId}: the node ids of its ${hosts.length} hosts do not fit in one ZFS user property (8 KiB)`,
    );
  }
  return { readOnly: options.read_only === true ? [...others, host] : others, nodeIds };
}

/**
 * The user property updates that make the zvol's record say `hosts`, `record` (limited to those
 * hosts) and the volume's initiator group `groupId` (none for NVMe/TCP); empty when it says so
 * already.
 */
export function accessRecordUpdates(
  entry: DatasetEntry,
  hosts: number[],
  record: AccessRecord,
  groupId: number | undefined,
): RecordUpdate[] {
  const list = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b).join(',');
  const set = (key: string, value: string): RecordUpdate => (value === '' ? { key, remove: true } : { key, value });
  const updates: RecordUpdate[] = [];
  if (list(hostIds(entry)) !== list(hosts)) {
    updates.push(set(prop.hosts, list(hosts)));
  }
  const readOnly = record.readOnly.filter((id) => hosts.includes(id));
  if (list(readOnlyHostIds(entry)) !== list(readOnly)) {
    updates.push(set(prop.readOnlyHosts, list(readOnly)));
  }
  const nodes = encodeNodeIds(hosts, record.nodeIds);
  if (encodeNodeIds(hostIds(entry), nodeIdsOf(entry)) !== nodes || (nodes === '' && nodeIdsRecorded(entry))) {
    updates.push(set(prop.nodeIds, nodes));
  }
  if (idProp(entry, prop.initiatorId) !== groupId) {
    updates.push(set(prop.initiatorId, groupId === undefined ? '' : String(groupId)));
  }
  return updates;
}
