// CHAP credentials on the array: entries of one auth group tag (`chapTag`) shared by every host, one
// entry per CHAP user. Targets name the tag, not a user, so the array cannot tell which entry a
// published volume needs; the CSP keeps that knowledge:
// - a host group's comment names the user the host has now (`chap:<user>` / `mchap:<user>`);
// - a *hold* (an initiator group that no target uses, commented `opencsp:chaphold:<host key>
//   chap:<user>`, holding initiator names the host had) names a user a host had when it was
//   re-registered with another user, without CHAP, or without some of those initiator names, while
//   volumes were still published over CHAP to those names: its node logged in to those targets with
//   that user and logs in with it again on every reconnect, so the entry must outlive the host's
//   change. A hold goes when no volume is published over CHAP to its names any more (checked when a
//   volume is unpublished from the host and when the host is removed, which a needed hold refuses).
// An entry is deleted only when no host group names its user and no hold does. TrueNAS itself
// refuses to delete the last entry of a tag that targets use (CallError EFAULT "Authorized access
// of <id> is being used by following target(s): ..."), which a deletion in use would otherwise hit.
import { call, read, type SessionContext } from './context.js';
import {
  hashedKey,
  hostPrefix,
  type InitiatorGroup,
  maxComment,
  parseHostComment,
  volumePrefix,
} from './host-comment.js';
import { querySql } from './sql-query.js';

export const holdPrefix = 'opencsp:chaphold:';

export interface Chap {
  user: string;
  secret: string;
  mutualUser: string;
  mutualSecret: string;
}

interface AuthRow {
  id: number;
  tag: number;
  user: string;
  secret: string;
  peeruser: string;
  peersecret: string;
}

interface TargetGroups {
  name: string;
  groups: Array<{ authmethod: string }>;
}

export async function upsertChap(ctx: SessionContext, chap: Chap): Promise<void> {
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

/** The user a host group or a hold names, for the CHAP entry's use count. */
function namedUser(group: InitiatorGroup): string | undefined {
  return group.comment.startsWith(holdPrefix)
    ? parseHold(group.comment)?.user
    : parseHostComment(group.comment)?.chapUser;
}

/** Deletes the CHAP entry of `user` once no host group or hold (but `leaving`, which is about to go) names it. */
export async function releaseChap(ctx: SessionContext, user: string, leaving?: number): Promise<void> {
  await ctx.locks.run(`${ctx.address}|chap:${user}`, async () => {
    const candidates = await querySql<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [
      [
        'OR',
        [
          ['comment', '^', hostPrefix],
          ['comment', '^', holdPrefix],
        ],
      ],
      [
        'OR',
        [
          ['comment', '$', ` chap:${user}`],
          ['comment', '$', ` mchap:${user}`],
        ],
      ],
    ]);
    // SQL LIKE ignores case and reads `_` as a wildcard: keep only exact users.
    if (candidates.some((group) => group.id !== leaving && namedUser(group) === user)) {
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

export function holdComment(key: string, user: string): string {
  const plain = `${holdPrefix}${key} chap:${user}`;
  // Never hash a hashed key again: lookups try the key and its hash only.
  return plain.length <= maxComment || key.startsWith('sha256.')
    ? plain
    : `${holdPrefix}${hashedKey(key)} chap:${user}`;
}

export function parseHold(comment: string): { key: string; user: string } | undefined {
  const match = comment.startsWith(holdPrefix) ? /^(\S+) chap:(\S+)$/.exec(comment.slice(holdPrefix.length)) : null;
  return match ? { key: match[1] as string, user: match[2] as string } : undefined;
}

/** OR branches finding the holds of the host whose comment key is `key` (plain or hashed). */
export function holdFilters(key: string): unknown[] {
  return [key, hashedKey(key)].map((k) => ['comment', '^', `${holdPrefix}${k} `]);
}

/** The holds among `rows` that belong to the host with comment key `key`. */
export function holdsOf(rows: readonly InitiatorGroup[], key: string): InitiatorGroup[] {
  const keys = [key, hashedKey(key)];
  return rows.filter((row) => keys.includes(parseHold(row.comment)?.key ?? ''));
}

export async function findHolds(ctx: SessionContext, key: string): Promise<InitiatorGroup[]> {
  return holdsOf(await querySql<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [['OR', holdFilters(key)]]), key);
}

/**
 * Whether a volume is published over CHAP to any of `iqns`. `initiators` is one text column in the
 * database, so `rin` runs in Python: this stays on the rare paths (a host's CHAP settings change,
 * a host with holds loses a volume or goes).
 */
export async function hasChapVolumes(ctx: SessionContext, iqns: readonly string[]): Promise<boolean> {
  if (iqns.length === 0) {
    return false;
  }
  const groups = await read<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [
    [
      ['comment', '^', volumePrefix],
      ['OR', iqns.map((iqn) => ['initiators', 'rin', iqn])],
    ],
  ]);
  const names = groups
    .filter((g) => g.comment.startsWith(volumePrefix))
    .map((g) => g.comment.slice(volumePrefix.length));
  if (names.length === 0) {
    return false;
  }
  const targets = await querySql<TargetGroups[]>(ctx, 'iscsi.target.query', [['name', 'in', names]]);
  return targets.some((t) => names.includes(t.name) && t.groups.some((g) => g.authmethod !== 'NONE'));
}

/**
 * Records that the host `key` still needs `user` for CHAP volumes published to `iqns` (initiator
 * names it had): a new hold, or the user's hold widened to these names.
 */
export async function holdChap(
  ctx: SessionContext,
  key: string,
  user: string,
  iqns: readonly string[],
  holds: InitiatorGroup[],
): Promise<void> {
  const hold = holds.find((h) => parseHold(h.comment)?.user === user);
  if (!hold) {
    await call(ctx, 'iscsi.initiator.create', [{ initiators: [...iqns].sort(), comment: holdComment(key, user) }]);
    return;
  }
  const wider = [...new Set([...hold.initiators, ...iqns])].sort();
  if (wider.length !== hold.initiators.length) {
    await call(ctx, 'iscsi.initiator.update', [hold.id, { initiators: wider }]);
  }
}

/** The holds among `holds` that volumes published over CHAP to their initiator names still need. */
export async function neededHolds(ctx: SessionContext, holds: InitiatorGroup[]): Promise<InitiatorGroup[]> {
  const needed: InitiatorGroup[] = [];
  for (const hold of holds) {
    if (await hasChapVolumes(ctx, hold.initiators)) {
      needed.push(hold);
    }
  }
  return needed;
}

/** Drops `holds`, releasing their users' entries. */
export async function dropHolds(ctx: SessionContext, holds: InitiatorGroup[]): Promise<void> {
  for (const hold of holds) {
    const user = parseHold(hold.comment)?.user;
    // The entry goes before the hold: a retry after a failure in between still finds the hold.
    if (user) {
      await releaseChap(ctx, user, hold.id);
    }
    await call(ctx, 'iscsi.initiator.delete', [hold.id]);
  }
}

/** Drops those of `holds` that no volume needs any more. */
export async function dropUnneededHolds(ctx: SessionContext, holds: InitiatorGroup[]): Promise<void> {
  const needed = await neededHolds(ctx, holds);
  await dropHolds(
    ctx,
    holds.filter((hold) => !needed.includes(hold)),
  );
}
