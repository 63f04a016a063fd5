// Snapshot groups (`snapshot_groups`): one recursive `pool.snapshot.create` of a volume group's
// dataset. ZFS takes every snapshot of one recursive snapshot in the same transaction group, so the
// member zvols' snapshots are crash-consistent with each other (docs/architecture.md, "Group
// snapshots"). The snapshot of the group dataset itself (`<group>@<leaf>`, no data) is the
// snapshot group's record: its id is the group's id and its user properties carry the name. The
// members are ordinary snapshots (`opencsp:snapshot_name` set, held with the `truenas` tag); one
// can be read, cloned or deleted alone, and the group then shows those that are left.
import type { SnapshotGroup, SnapshotGroupCreateRequest } from '@opencsp/csp-spec';
import { CspProblem, checkMembers } from '@opencsp/csp-spec/server';
import { call, type SessionContext } from './context.js';
import { encodePath, groupSnapshotLeafBudget, leafFor } from './naming.js';
import { creationTime, localSnapshotProp, localUserProp, prop, type SnapshotEntry } from './props.js';
import { isManagedSnapshot, querySnapshots, toSnapshot } from './snapshots.js';
import { groupWithMembers } from './volume-groups.js';

interface Located {
  /** Dataset path of the volume group. */
  group: string;
  /** Snapshot leaf shared by the group dataset and every member. */
  leaf: string;
}

function locate(ctx: SessionContext, id: string): Located {
  const at = id.indexOf('@');
  const leaf = id.slice(at + 1);
  if (at < 0 || leafFor(leaf, groupSnapshotLeafBudget) !== leaf) {
    throw new CspProblem('NOT_FOUND', `snapshot group ${id} not found`);
  }
  try {
    return { group: ctx.names.groupPathOf(id.slice(0, at)), leaf };
  } catch {
    throw new CspProblem('NOT_FOUND', `snapshot group ${id} not found`);
  }
}

/** The group's record and its members' snapshots of one leaf, in one query. */
function entriesOf(ctx: SessionContext, where: Located): Promise<SnapshotEntry[]> {
  return querySnapshots(ctx, [
    ['snapshot_name', '=', where.leaf],
    [
      'OR',
      [
        ['id', '=', `${where.group}@${where.leaf}`],
        ['dataset', '^', `${where.group}/`],
      ],
    ],
  ]);
}

function show(ctx: SessionContext, where: Located, entries: SnapshotEntry[], groupName: string): SnapshotGroup {
  const root = entries.find((e) => e.dataset === where.group) as SnapshotEntry;
  const members = entries.filter((e) => ctx.names.groupOf(e.dataset) === where.group && isManagedSnapshot(e));
  return {
    id: encodePath(root.id),
    name: localSnapshotProp(root, prop.snapshotGroupName) as string,
    volume_group_id: encodePath(where.group),
    volume_group_name: groupName,
    snapshots: members.map((e) => toSnapshot(ctx, e)),
    creation_time: creationTime(root.properties),
  };
}

async function load(ctx: SessionContext, id: string): Promise<{ where: Located; entries: SnapshotEntry[] }> {
  const where = locate(ctx, id);
  const entries = await entriesOf(ctx, where);
  const root = entries.find((e) => e.dataset === where.group);
  if (!root || localSnapshotProp(root, prop.snapshotGroupName) === undefined) {
    throw new CspProblem('NOT_FOUND', `snapshot group ${id} not found`);
  }
  return { where, entries };
}

const groupNameOf = (ctx: SessionContext, where: Located) =>
  groupWithMembers(ctx, encodePath(where.group))
    .then(({ group }) => localUserProp(group, prop.groupName) ?? '')
    .catch(() => '');

export async function getSnapshotGroup(ctx: SessionContext, id: string): Promise<SnapshotGroup> {
  const { where, entries } = await load(ctx, id);
  return show(ctx, where, entries, await groupNameOf(ctx, where));
}

/** One query for the group's records and members; an unknown volume group is an empty list. */
export async function listSnapshotGroups(
  ctx: SessionContext,
  volumeGroupId: string,
  name: string | undefined,
): Promise<SnapshotGroup[]> {
  let group: string;
  try {
    group = ctx.names.groupPathOf(volumeGroupId);
  } catch {
    return [];
  }
  const filters: unknown[] = [
    [`properties.${prop.snapshotGroupName}.source`, '=', 'LOCAL'],
    [
      'OR',
      [
        ['dataset', '=', group],
        ['dataset', '^', `${group}/`],
      ],
    ],
  ];
  if (name !== undefined) {
    filters.push(['snapshot_name', '=', leafFor(name, groupSnapshotLeafBudget)]);
  }
  const entries = await querySnapshots(ctx, filters, { order_by: ['createtxg'] });
  const roots = entries.filter(
    (e) => e.dataset === group && (name === undefined || localSnapshotProp(e, prop.snapshotGroupName) === name),
  );
  if (roots.length === 0) {
    return [];
  }
  const groupName = await groupNameOf(ctx, { group, leaf: '' });
  return roots.map((root) => {
    const where = { group, leaf: root.snapshot_name };
    return show(
      ctx,
      where,
      entries.filter((e) => e.snapshot_name === root.snapshot_name),
      groupName,
    );
  });
}

/** Undoes a recursive snapshot: releases its holds and destroys it, all members in one call each. */
async function undo(ctx: SessionContext, root: string, held: boolean): Promise<void> {
  if (held) {
    await call(ctx, 'pool.snapshot.release', [root, { recursive: true }]);
  }
  await call(ctx, 'pool.snapshot.delete', [root, { defer: false, recursive: true }]);
}

export async function createSnapshotGroup(
  ctx: SessionContext,
  request: SnapshotGroupCreateRequest,
): Promise<SnapshotGroup> {
  const { group, members } = await groupWithMembers(ctx, request.volume_group_id);
  const memberIds = members.map((m) => ctx.names.volumeId(m.id));
  if (request.volume_ids) {
    checkMembers(request.volume_ids, memberIds, request.volume_group_id);
  }
  const leaf = leafFor(request.name, groupSnapshotLeafBudget);
  const root = `${group.id}@${leaf}`;
  const [existing] = await querySnapshots(ctx, [['id', '=', root]]);
  if (existing) {
    throw new CspProblem(
      'NAME_TAKEN',
      localSnapshotProp(existing, prop.snapshotGroupName) === request.name
        ? `volume group ${request.volume_group_id} has a snapshot group named ${request.name}`
        : `snapshot ${root} exists on the array and is not a snapshot group of this CSP`,
    );
  }
  const properties = { [prop.snapshotName]: request.name, [prop.snapshotGroupName]: request.name };
  await call(ctx, 'pool.snapshot.create', [{ dataset: group.id, name: leaf, recursive: true, properties }]);
  let held = false;
  try {
    await call(ctx, 'pool.snapshot.hold', [root, { recursive: true }]);
    held = true;
    const where = { group: group.id, leaf };
    const entries = await entriesOf(ctx, where);
    const taken = entries.filter((e) => ctx.names.groupOf(e.dataset) === group.id).map((e) => encodePath(e.dataset));
    // A volume that joined (or left) while the snapshot was taken: the group is not what was asked for.
    checkMembers(request.volume_ids ?? memberIds, taken, request.volume_group_id);
    return show(ctx, where, entries, localUserProp(group, prop.groupName) ?? '');
  } catch (err) {
    await undo(ctx, root, held).catch((cleanup: unknown) =>
      ctx.logger.error({ err: cleanup, snapshot: root }, 'could not undo a refused snapshot group'),
    );
    throw err;
  }
}

/** HAS_DEPENDENTS (nothing deleted) while a clone of a member exists; else release and destroy in two calls. */
export async function deleteSnapshotGroup(ctx: SessionContext, id: string): Promise<void> {
  const { where, entries } = await load(ctx, id);
  const cloned = entries.filter((e) => Number(e.properties.numclones?.rawvalue ?? 0) > 0);
  if (cloned.length > 0) {
    throw new CspProblem(
      'HAS_DEPENDENTS',
      `snapshot group ${id}: ${cloned.map((e) => encodePath(e.id)).join(', ')} have dependent clones`,
    );
  }
  const root = `${where.group}@${where.leaf}`;
  await call(ctx, 'pool.snapshot.release', [root, { recursive: true }]);
  try {
    await call(ctx, 'pool.snapshot.delete', [root, { defer: false, recursive: true }]);
  } catch (err) {
    // A clone made since the check: keep the snapshots held as they were, and say why.
    await call(ctx, 'pool.snapshot.hold', [root, { recursive: true }]).catch(() => undefined);
    const now = await entriesOf(ctx, where);
    if (now.some((e) => Number(e.properties.numclones?.rawvalue ?? 0) > 0)) {
      throw new CspProblem('HAS_DEPENDENTS', `snapshot group ${id}: a clone of one of its snapshots exists`);
    }
    throw err;
  }
}
