// Publish and unpublish of volumes created for NVMe/TCP. The subsystem admits no host by itself
// (`allow_any_host: false`); publishing links the `nvmet.host` rows of the host's NQNs to it,
// unpublishing removes those links, so when the last host goes nobody can connect. The zvol records
// which host groups it is published to, which of them read-only and their node ids, as for iSCSI.
// Lookups are by id or by NQN, filtered on the array: a publish costs the same calls with 2 or
// 2,000 volumes.
import type { PublishInfo } from '@opencsp/csp-spec';
import { CspProblem, invalidInput } from '@opencsp/csp-spec/server';
import { type AccessRecord, accessRecordUpdates, currentRecord, noAccess } from './access-record.js';
import { call, read, type SessionContext } from './context.js';
import type { InitiatorGroup } from './host-comment.js';
import { nqnsNamedElsewhere, nqnsOf } from './hosts.js';
import { hostRowsByNqn, type NvmetHostRow, releaseNvmeHosts } from './nvme-hosts.js';
import { nvmePorts } from './nvme-objects.js';
import { type DatasetEntry, idProp, localUserProp, prop } from './props.js';
import type { Access } from './publish.js';
import { querySql } from './sql-query.js';

interface Link {
  id: number;
  /** Expanded by the datastore (`extend_fk`): the host's own prefix stripped, its extend applied. */
  host: { id: number; hostnqn: string } | null;
}

const linkNqn = (link: Link): string | undefined => link.host?.hostnqn;

/** The volume's subsystem, checked by name (ids are reused), with its host links. */
async function subsystemOf(ctx: SessionContext, entry: DatasetEntry): Promise<{ id: number; links: Link[] }> {
  const id = idProp(entry, prop.subsysId);
  const name = ctx.names.iscsiName(entry.id);
  const [subsys] =
    id === undefined
      ? []
      : await querySql<Array<{ id: number; name: string }>>(ctx, 'nvmet.subsys.query', [['id', '=', id]]);
  if (subsys?.name !== name) {
    throw new CspProblem('INTERNAL', `the NVMe subsystem ${name} of volume ${entry.id} is missing on the array`);
  }
  const links = await read<Link[]>(ctx, 'nvmet.host_subsys.query', [[['subsys.id', '=', subsys.id]]]);
  return { id: subsys.id, links };
}

/** The host's `nvmet.host` rows; NOT_FOUND when the array lost one (register the host again). */
async function hostRows(ctx: SessionContext, host: InitiatorGroup, uuid: string): Promise<NvmetHostRow[]> {
  const nqns = nqnsOf(host);
  if (nqns.length === 0) {
    throw invalidInput('body.host_uuid', `host ${uuid} has no NVMe host NQN (nqns): register it with its NQN`);
  }
  const rows = await hostRowsByNqn(ctx, nqns);
  const missing = nqns.filter((nqn) => !rows.some((r) => r.hostnqn === nqn));
  if (missing.length > 0) {
    throw new CspProblem(
      'NOT_FOUND',
      `NVMe host ${missing.join(', ')} is not on the array; register host ${uuid} again`,
    );
  }
  return rows;
}

/**
 * Makes the subsystem admit exactly the NQNs of `groups` (the published hosts): links the rows in
 * `rows` that are missing, removes every other link (also those of an NQN a host no longer has),
 * then records the groups on the zvol. `nvmet.host` rows nobody names any more are released.
 */
async function applyNvmeAccess(
  ctx: SessionContext,
  entry: DatasetEntry,
  subsys: { id: number; links: Link[] },
  groups: InitiatorGroup[],
  rows: NvmetHostRow[],
  record: AccessRecord,
): Promise<void> {
  const wanted = new Set(groups.flatMap(nqnsOf));
  for (const row of rows.filter((r) => wanted.has(r.hostnqn))) {
    if (!subsys.links.some((l) => l.host?.id === row.id)) {
      await call(ctx, 'nvmet.host_subsys.create', [{ host_id: row.id, subsys_id: subsys.id }]);
    }
  }
  const stale: string[] = [];
  for (const link of subsys.links) {
    const linked = linkNqn(link);
    if (linked === undefined || !wanted.has(linked)) {
      await call(ctx, 'nvmet.host_subsys.delete', [link.id]);
      if (linked !== undefined && !rows.some((r) => r.hostnqn === linked)) {
        stale.push(linked);
      }
    }
  }
  await recordHosts(
    ctx,
    entry,
    groups.map((g) => g.id),
    record,
  );
  if (stale.length > 0) {
    await releaseNvmeHosts(ctx, stale, await nqnsNamedElsewhere(ctx, stale, -1));
  }
}

/** Records on the zvol which host groups have it, which of them read-only, and their node ids. */
async function recordHosts(ctx: SessionContext, entry: DatasetEntry, groups: number[], record: AccessRecord) {
  const updates = accessRecordUpdates(entry, groups, record, undefined);
  if (updates.length > 0) {
    await call(ctx, 'pool.dataset.update', [entry.id, { user_properties_update: updates }]);
  }
}

function dhchapOf(rows: NvmetHostRow[]): NonNullable<PublishInfo['dhchap']> {
  if (rows.some((r) => r.dhchap_ctrl_key)) {
    return 'bidirectional';
  }
  return rows.some((r) => r.dhchap_key) ? 'host' : 'none';
}

function publishInfo(ctx: SessionContext, entry: DatasetEntry, rows: NvmetHostRow[]): PublishInfo {
  const nguid = localUserProp(entry, prop.nguid) as string;
  return {
    serial_number: nguid.replaceAll('-', '').toLowerCase(),
    access_protocol: 'nvmetcp',
    lun_id: Number(localUserProp(entry, prop.nsid) ?? 1),
    target_names: [localUserProp(entry, prop.subnqn) as string],
    discovery_ips: nvmePorts(ctx).map((p) => p.address),
    target_scope: 'volume',
    namespace_uuid: (localUserProp(entry, prop.nsUuid) as string).toLowerCase(),
    dhchap: dhchapOf(rows),
  };
}

export async function publishNvme(
  ctx: SessionContext,
  access: Access,
  host: InitiatorGroup,
  uuid: string,
  record: AccessRecord,
): Promise<PublishInfo> {
  const { entry } = access;
  const groups = [...access.hosts.filter((h) => h.id !== host.id), host];
  const [rows, subsys, others] = await Promise.all([
    hostRows(ctx, host, uuid),
    subsystemOf(ctx, entry),
    hostRowsByNqn(ctx, [...new Set(groups.filter((g) => g.id !== host.id).flatMap(nqnsOf))]),
  ]);
  await applyNvmeAccess(ctx, entry, subsys, groups, [...rows, ...others], record);
  return publishInfo(ctx, entry, rows);
}

export async function unpublishNvme(ctx: SessionContext, access: Access, host: InitiatorGroup): Promise<void> {
  const groups = access.hosts.filter((h) => h.id !== host.id);
  const record = currentRecord(access.entry);
  const subsys = await subsystemOf(ctx, access.entry).catch(() => undefined);
  if (!subsys) {
    await recordHosts(
      ctx,
      access.entry,
      groups.map((g) => g.id),
      record,
    );
    return;
  }
  const rows = await hostRowsByNqn(ctx, [...new Set(groups.flatMap(nqnsOf))]);
  await applyNvmeAccess(ctx, access.entry, subsys, groups, rows, record);
}

/** Removes every host's access (delete with force). */
export async function detachAllNvme(ctx: SessionContext, access: Access): Promise<void> {
  const subsys = await subsystemOf(ctx, access.entry).catch(() => undefined);
  if (subsys) {
    await applyNvmeAccess(ctx, access.entry, subsys, [], [], noAccess);
  } else {
    await recordHosts(ctx, access.entry, [], noAccess);
  }
}
