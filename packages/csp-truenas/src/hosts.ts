// Hosts live on the array as iSCSI initiator groups that no target uses: `initiators` holds the
// host's IQNs (and its NVMe NQNs, see nvme-hosts.ts) and the comment `opencsp:host:<uuid>[ chap:<user>|mchap:<user>]` identifies it
// (the uuid is replaced by `sha256.<hash>` when the comment would pass 120 characters). CHAP
// credentials are entries of one auth group tag shared by all hosts, one entry per CHAP user,
// removed when no host uses that user any more.
import { createHash } from 'node:crypto';
import type { Host, HostRequest } from '@opencsp/csp-spec';
import { CspProblem, invalidInput } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { dhchapOf, isNqn, linkedSubsystems, releaseNvmeHosts, upsertNvmeHosts } from './nvme-hosts.js';
import { querySql } from './sql-query.js';

export const hostPrefix = 'opencsp:host:';
export const volumePrefix = 'opencsp:volume:';
const maxComment = 120;

export interface InitiatorGroup {
  id: number;
  initiators: string[];
  comment: string;
}

export interface HostRecord {
  key: string;
  chapUser: string | undefined;
  mutual: boolean;
}

function hashedKey(uuid: string): string {
  return `sha256.${createHash('sha256').update(uuid).digest('hex').slice(0, 32)}`;
}

function chapSuffix(chap: { user: string; mutual: boolean } | undefined): string {
  return chap ? ` ${chap.mutual ? 'mchap' : 'chap'}:${chap.user}` : '';
}

export function hostComment(uuid: string, chap?: { user: string; mutual: boolean }): string {
  const suffix = chapSuffix(chap);
  const plain = `${hostPrefix}${uuid}${suffix}`;
  return plain.length <= maxComment ? plain : `${hostPrefix}${hashedKey(uuid)}${suffix}`;
}

export function parseHostComment(comment: string): HostRecord | undefined {
  if (!comment.startsWith(hostPrefix)) {
    return undefined;
  }
  const [key, chap] = comment.slice(hostPrefix.length).split(' ') as [string, string | undefined];
  const match = chap ? /^(m?chap):(.+)$/.exec(chap) : null;
  return { key, chapUser: match?.[2], mutual: match?.[1] === 'mchap' };
}

/** Server-side filter for the host group of `uuid` (or of a host id), whichever key it uses. */
export function hostFilters(uuid: string): unknown[] {
  return [hostPrefix + uuid, hostPrefix + hashedKey(uuid)].flatMap((key) => [
    ['comment', '=', key],
    ['comment', '^', `${key} `],
  ]);
}

export function isHostOf(group: InitiatorGroup, uuid: string): boolean {
  const record = parseHostComment(group.comment);
  return record !== undefined && (record.key === uuid || record.key === hashedKey(uuid));
}

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

interface Chap {
  user: string;
  secret: string;
  mutualUser: string;
  mutualSecret: string;
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

interface AuthRow {
  id: number;
  tag: number;
  user: string;
  secret: string;
  peeruser: string;
  peersecret: string;
}

async function upsertChap(ctx: SessionContext, chap: Chap): Promise<void> {
  await ctx.locks.run(`${ctx.address}|chap:${chap.user}`, async () => {
    const tag = ctx.config.chapTag;
    const [row] = await querySql<AuthRow[]>(ctx, 'iscsi.auth.query', [
      ['tag', '=', tag],
      ['user', '=', chap.user],
    ]);
    const wanted = { secret: chap.secret, peeruser: chap.mutualUser, peersecret: chap.mutualSecret };
    if (!row) {
      await call(ctx, 'iscsi.auth.create', [{ tag, user: chap.user, ...wanted }]);
    } else if (
      row.secret !== wanted.secret ||
      row.peeruser !== wanted.peeruser ||
      row.peersecret !== wanted.peersecret
    ) {
      await call(ctx, 'iscsi.auth.update', [row.id, wanted]);
    }
  });
}

/** Deletes the CHAP entry of `user` once no host group (but `leaving`, which is about to go) refers to it. */
async function releaseChap(ctx: SessionContext, user: string, leaving?: number): Promise<void> {
  await ctx.locks.run(`${ctx.address}|chap:${user}`, async () => {
    const candidates = await querySql<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [
      ['comment', '^', hostPrefix],
      [
        'OR',
        [
          ['comment', '$', ` chap:${user}`],
          ['comment', '$', ` mchap:${user}`],
        ],
      ],
    ]);
    // SQL LIKE ignores case and reads `_` as a wildcard: keep only exact users.
    if (candidates.some((group) => group.id !== leaving && parseHostComment(group.comment)?.chapUser === user)) {
      return;
    }
    const [row] = await querySql<AuthRow[]>(ctx, 'iscsi.auth.query', [
      ['tag', '=', ctx.config.chapTag],
      ['user', '=', user],
    ]);
    if (row) {
      await call(ctx, 'iscsi.auth.delete', [row.id]);
    }
  });
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
  const previous = existing && parseHostComment(existing.comment)?.chapUser;
  if (previous && previous !== chap?.user) {
    await releaseChap(ctx, previous);
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
  const chapUser = parseHostComment(group.comment)?.chapUser;
  if (chapUser) {
    await releaseChap(ctx, chapUser, group.id);
  }
  const nqns = nqnsOf(group);
  await releaseNvmeHosts(ctx, nqns, await nqnsNamedElsewhere(ctx, nqns, group.id));
  await call(ctx, 'iscsi.initiator.delete', [group.id]);
}
