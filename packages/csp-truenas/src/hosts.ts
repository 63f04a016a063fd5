// Hosts live on the array as iSCSI initiator groups that no target uses: `initiators` holds the
// host's IQNs (and its NVMe NQNs, see nvme-hosts.ts) and the comment identifies it (host-comment.ts).
// CHAP credentials are entries of one auth group tag shared by all hosts, one entry per CHAP user,
// kept while a host names the user or still needs it for volumes published over CHAP
// (chap-entries.ts).
import type { Host, HostRequest } from '@opencsp/csp-spec';
import { CspProblem, invalidInput } from '@opencsp/csp-spec/server';
import {
  type Chap,
  dropHolds,
  findHolds,
  hasChapVolumes,
  holdChap,
  neededHolds,
  releaseChap,
  upsertChap,
} from './chap-entries.js';
import { call, read, type SessionContext } from './context.js';
import {
  type HostRecord,
  hostComment,
  hostFilters,
  hostPrefix,
  type InitiatorGroup,
  isHostOf,
  parseHostComment,
  volumePrefix,
} from './host-comment.js';
import { dhchapOf, isNqn, linkedSubsystems, releaseNvmeHosts, upsertNvmeHosts } from './nvme-hosts.js';
import { querySql } from './sql-query.js';

/** The IQNs of a host group (what iSCSI access groups are built from; NQNs are NVMe's). */
export function iqnsOf(group: InitiatorGroup): string[] {
  return group.initiators.filter((name) => !isNqn(name));
}

export function nqnsOf(group: InitiatorGroup): string[] {
  return group.initiators.filter(isNqn);
}

export function toHost(group: InitiatorGroup): Host {
  const record = parseHostComment(group.comment) as HostRecord;
  const host: Host = { id: record.key, uuid: record.key, name: record.key, iqns: iqnsOf(group), networks: [] };
  const nqns = nqnsOf(group);
  if (nqns.length > 0) {
    host.nqns = nqns;
  }
  if (record.chapUser) {
    host.chap_user = record.chapUser;
  }
  return host;
}

function checkSecret(value: string, field: string): void {
  if (value.length < 12 || value.length > 16) {
    throw invalidInput(field, 'must be 12 to 16 characters (TrueNAS CHAP rule)');
  }
  if (value !== value.trim() || value.includes('#')) {
    throw invalidInput(field, 'must not start or end with spaces or contain "#"');
  }
}

function chapOf(req: HostRequest): Chap | undefined {
  if (!req.chap_user) {
    if (req.chap_mutual_user) {
      throw invalidInput('body.chap_mutual_user', 'needs chap_user');
    }
    return undefined;
  }
  if (!req.chap_password) {
    throw invalidInput('body.chap_password', 'is required with chap_user');
  }
  checkSecret(req.chap_password, 'body.chap_password');
  const chap: Chap = { user: req.chap_user, secret: req.chap_password, mutualUser: '', mutualSecret: '' };
  if (req.chap_mutual_user) {
    if (!req.chap_mutual_password) {
      throw invalidInput('body.chap_mutual_password', 'is required with chap_mutual_user');
    }
    checkSecret(req.chap_mutual_password, 'body.chap_mutual_password');
    if (req.chap_mutual_password === req.chap_password) {
      throw invalidInput('body.chap_mutual_password', 'must differ from chap_password');
    }
    chap.mutualUser = req.chap_mutual_user;
    chap.mutualSecret = req.chap_mutual_password;
  }
  return chap;
}

export async function findHostGroup(ctx: SessionContext, uuid: string): Promise<InitiatorGroup | undefined> {
  const rows = await querySql<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [['OR', hostFilters(uuid)]]);
  return rows.find((row) => isHostOf(row, uuid));
}

/** The NQNs host groups other than `except` still name (a rare Python-filtered read: NQN changes, removals). */
export async function nqnsNamedElsewhere(
  ctx: SessionContext,
  nqns: readonly string[],
  except: number,
): Promise<Set<string>> {
  if (nqns.length === 0) {
    return new Set();
  }
  const groups = await read<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [
    [
      ['comment', '^', hostPrefix],
      ['OR', nqns.map((nqn) => ['initiators', 'rin', nqn])],
    ],
  ]);
  return new Set(groups.filter((g) => g.id !== except).flatMap(nqnsOf));
}

/**
 * The CHAP user and initiator names a host is about to lose: its user's entry must stay while
 * volumes are published over CHAP to those names (their node logs in with that user on every
 * reconnect), which a hold records before the host's comment stops naming the user. Returns the
 * user to release (none when the host keeps it or a hold now keeps it).
 */
async function holdWhatLeaves(
  ctx: SessionContext,
  existing: InitiatorGroup | undefined,
  chap: Chap | undefined,
  iqns: readonly string[],
): Promise<string | undefined> {
  const record = existing && parseHostComment(existing.comment);
  const previous = record?.chapUser;
  if (!existing || !record || !previous) {
    return undefined;
  }
  const userLeaves = previous !== chap?.user;
  const lost = iqnsOf(existing).filter((iqn) => userLeaves || !iqns.includes(iqn));
  if (lost.length > 0 && (await hasChapVolumes(ctx, lost))) {
    await holdChap(ctx, record.key, previous, lost, await findHolds(ctx, record.key));
    return undefined;
  }
  return userLeaves ? previous : undefined;
}

export async function upsertHost(ctx: SessionContext, req: HostRequest): Promise<Host> {
  const iqns = [...new Set(req.iqns ?? [])].sort();
  const nqns = [...new Set(req.nqns ?? [])].sort();
  if (iqns.length === 0 && nqns.length === 0) {
    throw invalidInput('body.iqns', 'give the host its IQNs (iSCSI) or its NQNs (NVMe/TCP)');
  }
  const dhchap = dhchapOf(ctx, req);
  const initiators = [...iqns, ...nqns];
  const chap = chapOf(req);
  const existing = await findHostGroup(ctx, req.uuid);
  const comment = hostComment(req.uuid, chap && { user: chap.user, mutual: chap.mutualUser !== '' });
  if (chap) {
    await upsertChap(ctx, chap);
  }
  const leaving = await holdWhatLeaves(ctx, existing, chap, iqns);
  // A registration for another protocol (the driver registers before every publish) leaves the
  // NVMe hosts and their DH-CHAP keys as they are: an iSCSI volume's publish must not clear them.
  const nvme = req.access_protocol === undefined || req.access_protocol === 'nvmetcp';
  if (nvme) {
    await upsertNvmeHosts(ctx, nqns, dhchap);
  }
  let group: InitiatorGroup;
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');
  if (!existing) {
    group = await call<InitiatorGroup>(ctx, 'iscsi.initiator.create', [{ initiators, comment }]);
  } else if (existing.comment !== comment || !same(existing.initiators, initiators)) {
    group = await call<InitiatorGroup>(ctx, 'iscsi.initiator.update', [existing.id, { initiators, comment }]);
  } else {
    group = existing;
  }
  if (leaving !== undefined) {
    await releaseChap(ctx, leaving);
  }
  const dropped = existing ? nqnsOf(existing).filter((nqn) => !nqns.includes(nqn)) : [];
  if (dropped.length > 0) {
    await releaseNvmeHosts(ctx, dropped, await nqnsNamedElsewhere(ctx, dropped, group.id));
  }
  const host = toHost(group);
  return nvme && dhchap.key ? { ...host, dhchap: true } : host;
}

export async function listHosts(ctx: SessionContext): Promise<Host[]> {
  const rows = await querySql<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [['comment', '^', hostPrefix]], {
    order_by: ['id'],
  });
  return rows.filter((row) => parseHostComment(row.comment)).map(toHost);
}

/** Removes a host; refuses while a volume's access group still admits its IQNs. */
export async function deleteHost(ctx: SessionContext, uuid: string, mustExist: boolean): Promise<void> {
  const group = await findHostGroup(ctx, uuid);
  if (!group) {
    if (mustExist) {
      throw new CspProblem('NOT_FOUND', `host ${uuid} not found`);
    }
    return;
  }
  const linked = await linkedSubsystems(ctx, nqnsOf(group));
  if (linked.length > 0) {
    throw new CspProblem(
      'HAS_DEPENDENTS',
      `host ${uuid} still has NVMe volumes published to it (${linked.join(', ')})`,
    );
  }
  const iqns = iqnsOf(group);
  if (iqns.length > 0) {
    // `initiators` is one text column in the database ("ALL" or IQNs joined by newlines), so `rin`
    // cannot run in SQL with its list meaning: this rare check (removing a node) stays in Python.
    const using = await read<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [
      [
        ['comment', '^', volumePrefix],
        ['OR', iqns.map((iqn) => ['initiators', 'rin', iqn])],
      ],
    ]);
    if (using.length > 0) {
      const volumes = using.map((g) => g.comment.slice(volumePrefix.length)).join(', ');
      throw new CspProblem('HAS_DEPENDENTS', `host ${uuid} still has volumes published to it (${volumes})`);
    }
  }
  // The CHAP entry and the NVMe host rows go before the group: a retry after a failure in between
  // still finds the group (and the user and NQNs in its comment), so nothing is stranded.
  const record = parseHostComment(group.comment);
  const holds = await findHolds(ctx, record?.key ?? uuid);
  if ((await neededHolds(ctx, holds)).length > 0) {
    throw new CspProblem(
      'HAS_DEPENDENTS',
      `host ${uuid} still has volumes published to it over CHAP under initiator names it had before`,
    );
  }
  await dropHolds(ctx, holds);
  const chapUser = record?.chapUser;
  if (chapUser) {
    await releaseChap(ctx, chapUser, group.id);
  }
  const nqns = nqnsOf(group);
  await releaseNvmeHosts(ctx, nqns, await nqnsNamedElsewhere(ctx, nqns, group.id));
  await call(ctx, 'iscsi.initiator.delete', [group.id]);
}
