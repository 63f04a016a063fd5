// Publish and unpublish. Each volume has its own initiator group (comment
// `opencsp:volume:<target>`) holding the IQNs of the hosts it is published to, and its target has a
// portal group pointing at it only while at least one host is published. When the last host goes,
// the target's groups are emptied before the initiator group is deleted, so the target is never
// left open to every initiator (a deleted group would turn into "any initiator").
// The zvol records which hosts have it (`opencsp:hosts`) and which of them read-only
// (`opencsp:read_only_hosts`): TrueNAS cannot make one extent read-only for one initiator, so the
// node enforces read-only, and the record lets a publish with other access be refused (409).
// It also records the orchestrator node id each host's publish named (`opencsp:node_ids`), which
// volumes report as `published_nodes`.

import type { PublishInfo, PublishOptions, UnpublishOptions } from '@opencsp/csp-spec';
import { CspProblem, invalidInput } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { hostFilters, hostPrefix, type InitiatorGroup, isHostOf, parseHostComment, volumePrefix } from './hosts.js';
import { type DatasetEntry, hostIds, idProp, nodeIdsOf, prop, readOnlyHostIds } from './props.js';
import { querySql } from './sql-query.js';
import { getManagedEntry, isComplete, serialNumber } from './volume-read.js';

interface TargetRow {
  id: number;
  name: string;
  groups: Array<{ portal: number; initiator: number | null; authmethod: string; auth: number | null }>;
}

interface Access {
  entry: DatasetEntry;
  targetName: string;
  groupComment: string;
  /** The volume's own initiator group, if it exists and is really its own. */
  group: InitiatorGroup | undefined;
  /** Host groups the volume is recorded as published to that still exist. */
  hosts: InitiatorGroup[];
  /** Rows of the lookup, for finding the publishing host. */
  rows: InitiatorGroup[];
}

/** One initiator query: the host's group, the published hosts' groups and the volume's group. */
async function loadAccess(ctx: SessionContext, entry: DatasetEntry, hostUuid: string | undefined): Promise<Access> {
  const targetName = ctx.names.iscsiName(entry.id);
  const groupComment = `${volumePrefix}${targetName}`;
  const published = hostIds(entry);
  const groupId = idProp(entry, prop.initiatorId);
  const ids = groupId === undefined ? published : [...published, groupId];
  const alternatives: unknown[] = [...(hostUuid === undefined ? [] : hostFilters(hostUuid))];
  if (ids.length > 0) {
    alternatives.push(['id', 'in', ids]);
  }
  const rows =
    alternatives.length === 0
      ? []
      : await querySql<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [['OR', alternatives]]);
  return {
    entry,
    targetName,
    groupComment,
    group: rows.find((r) => r.id === groupId && r.comment === groupComment),
    hosts: rows.filter((r) => published.includes(r.id) && r.comment.startsWith(hostPrefix)),
    rows,
  };
}

type AuthMethod = 'NONE' | 'CHAP' | 'CHAP_MUTUAL';

function authMethod(hosts: InitiatorGroup[]): AuthMethod {
  const records = hosts.map((h) => parseHostComment(h.comment));
  const chap = records.filter((r) => r?.chapUser);
  if (chap.length === 0) {
    return 'NONE';
  }
  if (chap.length !== records.length) {
    throw invalidInput('body.host_uuid', 'hosts of one volume must all use CHAP or all go without it');
  }
  return chap.every((r) => r?.mutual) ? 'CHAP_MUTUAL' : 'CHAP';
}

/** Order-independent identity of target groups (the array may order keys and groups its own way). */
function groupsKey(groups: TargetRow['groups']): string {
  return groups
    .map((g) => `${g.portal}|${g.initiator ?? '-'}|${g.authmethod}|${g.auth ?? '-'}`)
    .sort()
    .join(',');
}

async function setTargetGroups(ctx: SessionContext, access: Access, groups: TargetRow['groups']): Promise<void> {
  const targetId = idProp(access.entry, prop.targetId);
  const [found] =
    targetId === undefined ? [] : await querySql<TargetRow[]>(ctx, 'iscsi.target.query', [['id', '=', targetId]]);
  const target = found?.name === access.targetName ? found : undefined;
  if (!target) {
    if (groups.length === 0) {
      return; // nothing to close: the target is gone already
    }
    throw new CspProblem(
      'INTERNAL',
      `the iSCSI target ${access.targetName} of volume ${access.entry.id} is missing on the array`,
    );
  }
  if (groupsKey(target.groups) !== groupsKey(groups)) {
    await call(ctx, 'iscsi.target.update', [target.id, { groups }]);
  }
}

/** Who has the volume: host group ids, those of them read-only, and each one's node id. */
interface AccessRecord {
  readOnly: number[];
  nodeIds: Record<string, string>;
}

/** ZFS refuses user property values over 8 KiB; the node id record must fit in one. */
const maxNodeIdsBytes = 8000;

function encodeNodeIds(hosts: number[], nodeIds: Record<string, string>): string {
  const kept = [...hosts]
    .sort((a, b) => a - b)
    .filter((id) => nodeIds[String(id)] !== undefined)
    .map((id) => [String(id), nodeIds[String(id)]]);
  return kept.length === 0 ? '' : JSON.stringify(Object.fromEntries(kept));
}

/** The zvol's record of who has it: a user property update, or nothing when it already says so. */
function recordUpdates(entry: DatasetEntry, hosts: number[], record: AccessRecord, groupId: number | undefined) {
  const list = (ids: number[]) => [...ids].sort((a, b) => a - b).join(',');
  const set = (key: string, value: string) => (value === '' ? { key, remove: true } : { key, value });
  const updates = [];
  if (list(hostIds(entry)) !== list(hosts)) {
    updates.push(set(prop.hosts, list(hosts)));
  }
  if (list(readOnlyHostIds(entry)) !== list(record.readOnly)) {
    updates.push(set(prop.readOnlyHosts, list(record.readOnly)));
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

function nodeIdsRecorded(entry: DatasetEntry): boolean {
  return entry.user_properties?.[prop.nodeIds]?.source === 'LOCAL';
}

/**
 * Makes the array admit exactly `hosts` to the volume, and records on the zvol who has it, which
 * of them read-only, and their node ids.
 */
async function applyAccess(
  ctx: SessionContext,
  access: Access,
  hosts: InitiatorGroup[],
  record: AccessRecord,
): Promise<void> {
  const { entry } = access;
  let groupId: number | undefined;
  if (hosts.length === 0) {
    await setTargetGroups(ctx, access, []);
    if (access.group) {
      await call(ctx, 'iscsi.initiator.delete', [access.group.id]);
    }
  } else {
    const method = authMethod(hosts);
    const initiators = [...new Set(hosts.flatMap((h) => h.initiators))].sort();
    if (!access.group) {
      groupId = (
        await call<InitiatorGroup>(ctx, 'iscsi.initiator.create', [{ initiators, comment: access.groupComment }])
      ).id;
    } else {
      groupId = access.group.id;
      if ([...access.group.initiators].sort().join('\n') !== initiators.join('\n')) {
        await call(ctx, 'iscsi.initiator.update', [groupId, { initiators }]);
      }
    }
    const auth = method === 'NONE' ? null : ctx.config.chapTag;
    await setTargetGroups(ctx, access, [{ portal: ctx.facts.portal.id, initiator: groupId, authmethod: method, auth }]);
  }
  const ids = hosts.map((h) => h.id);
  const updates = recordUpdates(
    entry,
    ids,
    { readOnly: record.readOnly.filter((id) => ids.includes(id)), nodeIds: record.nodeIds },
    groupId,
  );
  if (updates.length > 0) {
    await call(ctx, 'pool.dataset.update', [entry.id, { user_properties_update: updates }]);
  }
}

/**
 * How many volumes `host` has: the volume initiator groups holding its first IQN. One filtered
 * query; TrueNAS cannot match group members in SQL, so the middleware reads every group to answer
 * it (only publishes with a host_volume_limit ask).
 */
async function hostVolumeCount(ctx: SessionContext, host: InitiatorGroup): Promise<number> {
  const [iqn] = host.initiators;
  if (iqn === undefined) {
    return 0;
  }
  const groups = await read<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [
    [
      ['comment', '^', volumePrefix],
      ['initiators', 'rin', iqn],
    ],
  ]);
  return groups.filter((g) => g.comment.startsWith(volumePrefix) && g.initiators.includes(iqn)).length;
}

/** Refuses a publish that changes the host's access or exceeds its volume limit; changes nothing. */
async function checkPublish(ctx: SessionContext, access: Access, host: InitiatorGroup, options: PublishOptions) {
  const readOnly = options.read_only === true;
  if (access.hosts.some((h) => h.id === host.id)) {
    if (readOnlyHostIds(access.entry).includes(host.id) !== readOnly) {
      throw new CspProblem(
        'ACCESS_MISMATCH',
        `volume ${ctx.names.volumeId(access.entry.id)} is published to host ${options.host_uuid} ${readOnly ? 'read-write' : 'read-only'} already`,
      );
    }
    return;
  }
  const limit = options.host_volume_limit;
  if (limit !== undefined && (await hostVolumeCount(ctx, host)) >= limit) {
    throw new CspProblem('LIMIT_EXCEEDED', `host ${options.host_uuid} has ${limit} volume(s) published, its limit`);
  }
}

function publishInfo(ctx: SessionContext, entry: DatasetEntry, targetName: string, host: InitiatorGroup): PublishInfo {
  const info: PublishInfo = {
    serial_number: serialNumber(entry) as string,
    access_protocol: 'iscsi',
    lun_id: 0,
    target_names: [`${ctx.facts.basename}:${targetName}`],
    discovery_ips: [...ctx.facts.portal.discoveryIps],
    target_scope: 'volume',
  };
  const chapUser = parseHostComment(host.comment)?.chapUser;
  if (chapUser) {
    info.chap_user = chapUser;
  }
  return info;
}

export async function publishVolume(ctx: SessionContext, id: string, options: PublishOptions): Promise<PublishInfo> {
  if (options.access_protocol !== undefined && options.access_protocol !== 'iscsi') {
    throw invalidInput('body.access_protocol', 'the TrueNAS CSP serves iscsi only');
  }
  const entry = await getManagedEntry(ctx, id);
  if (!isComplete(entry)) {
    throw new CspProblem('UNAVAILABLE', `volume ${id} is not fully created yet; create it again to finish`);
  }
  const access = await loadAccess(ctx, entry, options.host_uuid);
  const host = access.rows.find((r) => isHostOf(r, options.host_uuid));
  if (!host) {
    throw new CspProblem('NOT_FOUND', `host ${options.host_uuid} not found; register it with POST /hosts first`);
  }
  await checkPublish(ctx, access, host, options);
  const hosts = [...access.hosts.filter((h) => h.id !== host.id), host];
  const readOnly = readOnlyHostIds(entry).filter((h) => h !== host.id);
  const nodeIds = { ...nodeIdsOf(entry), [String(host.id)]: options.node_id ?? options.host_uuid };
  if (
    Buffer.byteLength(
      encodeNodeIds(
        hosts.map((h) => h.id),
        nodeIds,
      ),
    ) > maxNodeIdsBytes
  ) {
    throw new CspProblem(
      'LIMIT_EXCEEDED',
      `volume ${id}: the node ids of its ${hosts.length} hosts do not fit in one ZFS user property (8 KiB)`,
    );
  }
  await applyAccess(ctx, access, hosts, {
    readOnly: options.read_only === true ? [...readOnly, host.id] : readOnly,
    nodeIds,
  });
  return publishInfo(ctx, entry, access.targetName, host);
}

export async function unpublishVolume(ctx: SessionContext, id: string, options: UnpublishOptions): Promise<void> {
  const entry = await getManagedEntry(ctx, id);
  const access = await loadAccess(ctx, entry, options.host_uuid);
  const host = access.rows.find((r) => isHostOf(r, options.host_uuid));
  if (!host || !access.hosts.some((h) => h.id === host.id)) {
    return;
  }
  await applyAccess(
    ctx,
    access,
    access.hosts.filter((h) => h.id !== host.id),
    { readOnly: readOnlyHostIds(entry), nodeIds: nodeIdsOf(entry) },
  );
}

/** Removes every host's access (delete with force, and cleanup of a leftover group). */
export async function detachAllHosts(ctx: SessionContext, entry: DatasetEntry): Promise<void> {
  if (!isComplete(entry)) {
    return;
  }
  const access = await loadAccess(ctx, entry, undefined);
  await applyAccess(ctx, access, [], { readOnly: [], nodeIds: {} });
}
