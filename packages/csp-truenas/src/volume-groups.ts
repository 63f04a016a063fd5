// Volume groups (`volume_groups`): a group is a filesystem `<parent>/vg_<leaf>` whose name and
// description are user properties on it; its volumes are the managed zvols directly below it
// (volume-create.ts places them there). Every operation is one or two filtered queries plus at
// most one change, so nothing is left half-made.
import type { VolumeGroup, VolumeGroupCreateRequest } from '@opencsp/csp-spec';
import { CspProblem, invalidInput } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { encodePath } from './naming.js';
import { creationTime, type DatasetEntry, localUserProp, prop } from './props.js';
import { isGroupDataset, isManaged, queryDatasets } from './volume-read.js';

function toGroup(ctx: SessionContext, entry: DatasetEntry, members: DatasetEntry[]): VolumeGroup {
  return {
    id: ctx.names.volumeId(entry.id),
    name: localUserProp(entry, prop.groupName) as string,
    description: localUserProp(entry, prop.groupDescription) ?? '',
    config: { parent_dataset: entry.id.slice(0, entry.id.lastIndexOf('/')) },
    volumes: members
      .filter((m) => isManaged(m) && ctx.names.groupOf(m.id) === entry.id)
      .map((m) => ctx.names.volumeId(m.id)),
    creation_time: creationTime(entry),
  };
}

/** The group dataset of an id and its member zvols, in one query; NOT_FOUND when not a group of ours. */
export async function groupWithMembers(
  ctx: SessionContext,
  id: string,
): Promise<{ group: DatasetEntry; members: DatasetEntry[] }> {
  const path = ctx.names.groupPathOf(id);
  const entries = await queryDatasets(ctx, [
    [
      'OR',
      [
        ['id', '=', path],
        ['id', '^', `${path}/`],
      ],
    ],
  ]);
  const group = entries.find((e) => e.id === path);
  if (!group || !isGroupDataset(group)) {
    throw new CspProblem('NOT_FOUND', `volume group ${id} not found`);
  }
  return { group, members: entries.filter((e) => e !== group && isManaged(e) && ctx.names.groupOf(e.id) === path) };
}

export async function getVolumeGroup(ctx: SessionContext, id: string): Promise<VolumeGroup> {
  const { group, members } = await groupWithMembers(ctx, id);
  return toGroup(ctx, group, members);
}

/** Groups by name (one query over the candidate paths), or every group (one query for groups and members). */
export async function listVolumeGroups(ctx: SessionContext, name: string | undefined): Promise<VolumeGroup[]> {
  if (name !== undefined) {
    const paths = ctx.names.parents.map((parent) => ctx.names.groupPath(parent, name));
    const entries = await queryDatasets(ctx, [
      ['OR', [['id', 'in', paths], ...paths.map((p) => ['id', '^', `${p}/`])]],
    ]);
    return entries
      .filter((e) => isGroupDataset(e) && localUserProp(e, prop.groupName) === name)
      .map((g) => toGroup(ctx, g, entries));
  }
  const entries = await queryDatasets(ctx, [['id', '~', ctx.names.groupPattern(true)]], { order_by: ['id'] });
  return entries.filter(isGroupDataset).map((g) => toGroup(ctx, g, entries));
}

function groupParent(ctx: SessionContext, request: VolumeGroupCreateRequest): string {
  for (const key of Object.keys(request.config ?? {})) {
    if (key !== 'parent_dataset') {
      throw invalidInput(`body.config.${key}`, 'is not a volume group setting (only parent_dataset is)');
    }
  }
  const wanted = request.config?.parent_dataset;
  if (wanted === undefined) {
    return ctx.names.parents[0] as string;
  }
  if (!ctx.names.parents.includes(String(wanted))) {
    throw invalidInput(
      'body.config.parent_dataset',
      `must be one of the parent datasets this CSP manages: ${ctx.names.parents.join(', ')}`,
    );
  }
  return String(wanted);
}

export async function createVolumeGroup(ctx: SessionContext, request: VolumeGroupCreateRequest): Promise<VolumeGroup> {
  const parent = groupParent(ctx, request);
  const path = ctx.names.groupPath(parent, request.name);
  const [existing] = await queryDatasets(ctx, [['id', '=', path]]);
  if (existing) {
    throw new CspProblem(
      'NAME_TAKEN',
      isGroupDataset(existing) && localUserProp(existing, prop.groupName) === request.name
        ? `a volume group named ${request.name} exists`
        : `dataset ${existing.id} exists on the array and is not a volume group of this CSP`,
    );
  }
  await call(ctx, 'pool.dataset.create', [
    {
      name: path,
      type: 'FILESYSTEM',
      user_properties: [
        { key: prop.groupName, value: request.name },
        ...(request.description ? [{ key: prop.groupDescription, value: request.description }] : []),
      ],
    },
  ]);
  return getVolumeGroup(ctx, encodePath(path));
}

/** HAS_DEPENDENTS while the group holds volumes or snapshot groups; then one non-recursive delete. */
export async function deleteVolumeGroup(ctx: SessionContext, id: string): Promise<void> {
  const { group, members } = await groupWithMembers(ctx, id);
  if (members.length > 0) {
    throw new CspProblem('HAS_DEPENDENTS', `volume group ${id} holds ${members.length} volume(s)`);
  }
  const snapshots = await read<unknown[]>(ctx, 'pool.snapshot.query', [
    [['dataset', '=', group.id]],
    { limit: 1, select: ['id'] },
  ]);
  if (snapshots.length > 0) {
    throw new CspProblem('HAS_DEPENDENTS', `volume group ${id} has snapshot groups`);
  }
  await call(ctx, 'pool.dataset.delete', [group.id, { recursive: false }]);
}
