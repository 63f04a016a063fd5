// The GroupController: crash-consistent snapshots of several volumes (CSI VolumeGroupSnapshot)
// over the contract's snapshot groups. A CSP snapshots a whole volume group at once, so the source
// volumes must be exactly the members of one volume group (the StorageClass parameter
// `volumeGroup` puts volumes in one, see volume-groups.ts); the CSP checks that in the same call
// that snapshots (`volume_ids`), so the driver reads one volume to find the group, whatever the
// number of volumes.
import type { SnapshotGroup } from '@opencsp/csp-spec';
import type {
  CreateVolumeGroupSnapshotRequest__Output,
  CreateVolumeGroupSnapshotResponse,
  DeleteVolumeGroupSnapshotRequest__Output,
  DeleteVolumeGroupSnapshotResponse,
  GetVolumeGroupSnapshotRequest__Output,
  GetVolumeGroupSnapshotResponse,
  VolumeGroupSnapshot,
} from '../csi-types.js';
import { endpointFromSecrets } from '../csp/endpoint.js';
import { csp, cspOrMissing } from '../csp/errors.js';
import type { CspSession } from '../csp/session.js';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { cspConfig } from '../params.js';
import { isPossibleId, validateId, validateName, validateSecretKeys } from '../validation.js';
import type { ControllerContext } from './context.js';
import { csiSnapshot } from './convert.js';
import { removeEmptyGroup } from './volume-groups.js';

function csiGroupSnapshot(group: SnapshotGroup): VolumeGroupSnapshot {
  const snapshots = group.snapshots ?? [];
  return {
    groupSnapshotId: group.id,
    snapshots: snapshots.map((s) => ({ ...csiSnapshot(s), groupSnapshotId: group.id })),
    creationTime: { seconds: group.creation_time ?? 0, nanos: 0 },
    readyToUse: snapshots.every((s) => s.ready_to_use),
  };
}

/** Refuses, before anything is looked up, a CSP that cannot snapshot groups. */
async function requireGroups(session: CspSession): Promise<void> {
  if (!(await session.facts()).features.snapshot_groups) {
    throw failedPrecondition(
      `${session.describe} does not take crash-consistent group snapshots (it does not claim snapshot_groups)`,
    );
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

export function validateCreateGroupSnapshot(req: CreateVolumeGroupSnapshotRequest__Output): void {
  validateName(req.name);
  if (req.sourceVolumeIds.length === 0) {
    throw invalidArgument('source_volume_ids: at least one volume is required');
  }
  for (const [i, id] of req.sourceVolumeIds.entries()) {
    validateId(id, `source_volume_ids[${i}]`);
  }
  if (new Set(req.sourceVolumeIds).size !== req.sourceVolumeIds.length) {
    throw invalidArgument('source_volume_ids: a volume is listed twice');
  }
  validateSecretKeys(req.secrets);
  endpointFromSecrets(req.secrets);
  cspConfig(req.parameters);
}

/** The volume group of the first source volume (NOT_FOUND when the volume is unknown). */
async function groupOf(session: CspSession, volumeIds: string[]): Promise<string> {
  const first = volumeIds[0] as string;
  const volume = isPossibleId(first)
    ? await cspOrMissing(`get volume ${first} from ${session.describe}`, () => session.client.getVolume(first))
    : undefined;
  if (!volume) {
    throw notFound(`source_volume_ids: volume ${first} does not exist on ${session.describe}`);
  }
  if (!volume.volume_group_id) {
    throw invalidArgument(
      `source_volume_ids: volume ${first} is in no volume group; a group snapshot covers the volumes of one volume group (StorageClass parameter volumeGroup)`,
    );
  }
  return volume.volume_group_id;
}

export async function createGroupSnapshot(
  ctx: ControllerContext,
  req: CreateVolumeGroupSnapshotRequest__Output,
): Promise<CreateVolumeGroupSnapshotResponse> {
  const session = ctx.sessions.forSecrets(req.secrets);
  await requireGroups(session);
  const ids = req.sourceVolumeIds;
  const volumeGroupId = await groupOf(session, ids);
  const existing = await csp(`look up group snapshot ${req.name} on ${session.describe}`, () =>
    session.client.findSnapshotGroup(volumeGroupId, req.name),
  );
  if (existing) {
    const covered = (existing.snapshots ?? []).map((s) => s.volume_id);
    if (!sameIds(covered, ids)) {
      throw alreadyExists(`name: group snapshot ${req.name} exists with other source volumes (${covered.join(', ')})`);
    }
    return { groupSnapshot: csiGroupSnapshot(existing) };
  }
  const config = cspConfig(req.parameters);
  const created = await csp(`snapshot volume group ${volumeGroupId} as ${req.name} on ${session.describe}`, () =>
    session.client.createSnapshotGroup({
      name: req.name,
      volume_group_id: volumeGroupId,
      volume_ids: ids,
      ...(Object.keys(config).length > 0 ? { config } : {}),
    }),
  );
  return { groupSnapshot: csiGroupSnapshot(created) };
}

function validateGroupSnapshotId(id: string, snapshotIds: string[], secrets: Record<string, string>): void {
  validateId(id, 'group_snapshot_id');
  for (const [i, id] of snapshotIds.entries()) {
    validateId(id, `snapshot_ids[${i}]`);
  }
  validateSecretKeys(secrets);
  endpointFromSecrets(secrets);
}

/**
 * The listed snapshot ids must name every snapshot the group still holds (CSI: INVALID_ARGUMENT on
 * a mismatch). A listed id the group no longer holds is a member deleted on its own since: fine.
 */
function checkSnapshotIds(group: SnapshotGroup, snapshotIds: string[]): void {
  const own = (group.snapshots ?? []).map((s) => s.id);
  if (snapshotIds.length > 0 && own.some((s) => !snapshotIds.includes(s))) {
    throw invalidArgument(
      `snapshot_ids: group snapshot ${group.id} holds ${own.join(', ') || 'no snapshots'}, not ${snapshotIds.join(', ')}`,
    );
  }
}

export function validateGetGroupSnapshot(req: GetVolumeGroupSnapshotRequest__Output): void {
  validateGroupSnapshotId(req.groupSnapshotId, req.snapshotIds, req.secrets);
}

export async function getGroupSnapshot(
  ctx: ControllerContext,
  req: GetVolumeGroupSnapshotRequest__Output,
): Promise<GetVolumeGroupSnapshotResponse> {
  const session = ctx.sessions.forSecrets(req.secrets);
  const id = req.groupSnapshotId;
  // A CSP without snapshot groups holds none: NOT_FOUND, as for any unknown id.
  const offered = (await session.facts()).features.snapshot_groups === true;
  const group =
    offered && isPossibleId(id)
      ? await cspOrMissing(`get group snapshot ${id} from ${session.describe}`, () =>
          session.client.getSnapshotGroup(id),
        )
      : undefined;
  if (!group) {
    throw notFound(`group snapshot ${id} does not exist`);
  }
  checkSnapshotIds(group, req.snapshotIds);
  return { groupSnapshot: csiGroupSnapshot(group) };
}

export function validateDeleteGroupSnapshot(req: DeleteVolumeGroupSnapshotRequest__Output): void {
  validateGroupSnapshotId(req.groupSnapshotId, req.snapshotIds, req.secrets);
}

/** An unknown id is OK (CSI: deleting what is gone succeeds); a clone of a member is FAILED_PRECONDITION. */
export async function deleteGroupSnapshot(
  ctx: ControllerContext,
  req: DeleteVolumeGroupSnapshotRequest__Output,
): Promise<DeleteVolumeGroupSnapshotResponse> {
  const id = req.groupSnapshotId;
  if (!isPossibleId(id)) {
    return {};
  }
  const session = ctx.sessions.forSecrets(req.secrets);
  if (!(await session.facts()).features.snapshot_groups) {
    return {}; // a CSP without snapshot groups holds none
  }
  const group = await cspOrMissing(`get group snapshot ${id} from ${session.describe}`, () =>
    session.client.getSnapshotGroup(id),
  );
  if (!group) {
    return {};
  }
  checkSnapshotIds(group, req.snapshotIds);
  await cspOrMissing(`delete group snapshot ${id} on ${session.describe}`, () =>
    session.client.deleteSnapshotGroup(id),
  );
  // Its volumes may have gone first (Kubernetes deletes in any order): the group may be empty now.
  await removeEmptyGroup(ctx, session, group.volume_group_id);
  return {};
}
