// Publish and unpublish. Each volume has its own initiator group (comment
// `opencsp:volume:<target>`) holding the IQNs of the hosts it is published to, and its target has a
// portal group pointing at it only while at least one host is published. When the last host goes,
// the target's groups are emptied before the initiator group is deleted, so the target is never
// left open to every initiator (a deleted group would turn into "any initiator"). The group is
// found by its comment as well as by the id the zvol records, so a group whose create answer was
// lost is adopted (and any duplicate removed) instead of being left behind. Volumes created for
// NVMe/TCP are published by nvme-publish.ts instead, with the same host records.
// The zvol records which hosts have it (`opencsp:hosts`) and which of them read-only
// (`opencsp:read_only_hosts`): TrueNAS can make neither an extent nor a namespace read-only for one
// host, so the node enforces read-only, and the record lets a publish with other access be refused
// (409).
// It also records the orchestrator node id each host's publish named (`opencsp:node_ids`), which
// volumes report as `published_nodes` (access-record.ts).

import type { PublishInfo, PublishOptions, UnpublishOptions } from '@opencsp/csp-spec';
import { CspProblem, invalidInput } from '@opencsp/csp-spec/server';
import { type AccessRecord, accessRecordUpdates, currentRecord, publishRecord } from './access-record.js';
import { dropUnneededHolds, holdFilters, holdsOf } from './chap-entries.js';
import { call, type SessionContext } from './context.js';
import {
  hostFilters,
  hostPrefix,
  type InitiatorGroup,
  isHostOf,
  parseHostComment,
  volumePrefix,
} from './host-comment.js';
import { iqnsOf } from './hosts.js';
import { detachAllNvme, publishNvme, unpublishNvme } from './nvme-publish.js';
import { type DatasetEntry, hostIds, idProp, prop, protocolOf } from './props.js';
import { checkPublish } from './publish-checks.js';
import { querySql } from './sql-query.js';
import { getManagedEntry, isComplete, serialNumber } from './volume-read.js';

interface TargetRow {
  id: number;
  name: string;
  groups: Array<{ portal: number; initiator: number | null; authmethod: string; auth: number | null }>;
}

export interface Access {
  entry: DatasetEntry;
  targetName: string;
  groupComment: string;
  /** The volume's own initiator group, if it exists and is really its own. */
  group: InitiatorGroup | undefined;
  /** Every group with the volume's comment (the group first): more than one after lost answers. */
  groups: InitiatorGroup[];
  /** Host groups the volume is recorded as published to that still exist. */
  hosts: InitiatorGroup[];
  /** Rows of the lookup, for finding the publishing host. */
  rows: InitiatorGroup[];
  /** The CHAP holds of the host the lookup named (chap-entries.ts). */
  holds: InitiatorGroup[];
}

/** One initiator query: the host's group, the published hosts' groups and the volume's group. */
export async function loadAccess(
  ctx: SessionContext,
  entry: DatasetEntry,
  hostUuid: string | undefined,
): Promise<Access> {
  const targetName = ctx.names.iscsiName(entry.id);
  const groupComment = `${volumePrefix}${targetName}`;
  const published = hostIds(entry);
  const groupId = idProp(entry, prop.initiatorId);
  const ids = groupId === undefined ? published : [...published, groupId];
  const alternatives: unknown[] = [
    ['comment', '=', groupComment],
    ...(hostUuid === undefined ? [] : [...hostFilters(hostUuid), ...holdFilters(hostUuid)]),
  ];
  if (ids.length > 0) {
    alternatives.push(['id', 'in', ids]);
  }
  const rows = await querySql<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [['OR', alternatives]]);
  const own = rows.filter((r) => r.comment === groupComment);
  const group = own.find((r) => r.id === groupId) ?? own[0];
  return {
    entry,
    targetName,
    groupComment,
    group,
    groups: group ? [group, ...own.filter((r) => r !== group)] : [],
    hosts: rows.filter((r) => published.includes(r.id) && r.comment.startsWith(hostPrefix)),
    rows,
    holds: hostUuid === undefined ? [] : holdsOf(rows, hostUuid),
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
    for (const group of access.groups) {
      await call(ctx, 'iscsi.initiator.delete', [group.id]);
    }
  } else {
    const method = authMethod(hosts);
    const initiators = [...new Set(hosts.flatMap(iqnsOf))].sort();
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
    for (const duplicate of access.groups.slice(1)) {
      await call(ctx, 'iscsi.initiator.delete', [duplicate.id]);
    }
  }
  const ids = hosts.map((h) => h.id);
  const updates = accessRecordUpdates(entry, ids, record, groupId);
  if (updates.length > 0) {
    await call(ctx, 'pool.dataset.update', [entry.id, { user_properties_update: updates }]);
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
  const entry = await getManagedEntry(ctx, id);
  const protocol = protocolOf(entry);
  if (options.access_protocol !== undefined && options.access_protocol !== protocol) {
    throw invalidInput(
      'body.access_protocol',
      `volume ${id} was created for ${protocol}; TrueNAS cannot export a zvol over ${options.access_protocol} as well`,
    );
  }
  if (!isComplete(entry)) {
    throw new CspProblem('UNAVAILABLE', `volume ${id} is not fully created yet; create it again to finish`);
  }
  const access = await loadAccess(ctx, entry, options.host_uuid);
  const host = access.rows.find((r) => isHostOf(r, options.host_uuid));
  if (!host) {
    throw new CspProblem('NOT_FOUND', `host ${options.host_uuid} not found; register it with POST /hosts first`);
  }
  if (protocol === 'iscsi' && iqnsOf(host).length === 0) {
    // An access group without IQNs would admit every initiator.
    throw invalidInput('body.host_uuid', `host ${options.host_uuid} has no iSCSI initiator name (iqns)`);
  }
  await checkPublish(ctx, access, host, options);
  const hosts = [...access.hosts.filter((h) => h.id !== host.id), host];
  const record = publishRecord(
    entry,
    id,
    hosts.map((h) => h.id),
    host.id,
    options,
  );
  if (protocol === 'nvmetcp') {
    return publishNvme(ctx, access, host, options.host_uuid, record);
  }
  await applyAccess(ctx, access, hosts, record);
  return publishInfo(ctx, entry, access.targetName, host);
}

export async function unpublishVolume(ctx: SessionContext, id: string, options: UnpublishOptions): Promise<void> {
  const entry = await getManagedEntry(ctx, id);
  const access = await loadAccess(ctx, entry, options.host_uuid);
  const host = access.rows.find((r) => isHostOf(r, options.host_uuid));
  if (!host || !access.hosts.some((h) => h.id === host.id)) {
    return;
  }
  if (protocolOf(entry) === 'nvmetcp') {
    await unpublishNvme(ctx, access, host);
    return;
  }
  await applyAccess(
    ctx,
    access,
    access.hosts.filter((h) => h.id !== host.id),
    currentRecord(entry),
  );
  // The last volume over CHAP on a hold's initiator names going ends the hold.
  if (access.holds.length > 0) {
    await dropUnneededHolds(ctx, access.holds);
  }
}

/** Removes every host's access to an NVMe/TCP volume (delete with force). */
export async function detachAllNvmeHosts(ctx: SessionContext, entry: DatasetEntry): Promise<void> {
  if (!isComplete(entry)) {
    return;
  }
  await detachAllNvme(ctx, await loadAccess(ctx, entry, undefined));
}

/**
 * The volume's initiator groups (by its comment and by the id its zvol records), for a delete that
 * removes the target first and then these. Works for a zvol that is gone too (`entry` undefined).
 */
export async function volumeGroups(
  ctx: SessionContext,
  path: string,
  entry: DatasetEntry | undefined,
): Promise<InitiatorGroup[]> {
  const comment = `${volumePrefix}${ctx.names.iscsiName(path)}`;
  const recorded = entry === undefined ? undefined : idProp(entry, prop.initiatorId);
  const rows = await querySql<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [
    ['OR', [['comment', '=', comment], ...(recorded === undefined ? [] : [['id', '=', recorded]])]],
  ]);
  return rows.filter((r) => r.comment === comment);
}
