// CreateSnapshot, DeleteSnapshot, GetSnapshot and ListSnapshots.
import type { Snapshot as CspSnapshot } from '@opencsp/csp-spec';
import type {
  CreateSnapshotRequest__Output,
  CreateSnapshotResponse,
  DeleteSnapshotRequest__Output,
  DeleteSnapshotResponse,
  GetSnapshotRequest__Output,
  GetSnapshotResponse,
  ListSnapshotsRequest__Output,
  ListSnapshotsResponse,
} from '../csi-types.js';
import { endpointFromSecrets } from '../csp/endpoint.js';
import { csp, cspOrMissing } from '../csp/errors.js';
import type { CspSession } from '../csp/session.js';
import { alreadyExists, failedPrecondition, notFound } from '../errors.js';
import { cspConfig, driverParams } from '../params.js';
import { isPossibleId, validateId, validateName, validateSecretKeys } from '../validation.js';
import { type ControllerContext, sessionsFor } from './context.js';
import { csiSnapshot } from './convert.js';
import { pageLimit } from './page-token.js';
import { cspLimit, type Fetch, pageAcross, sliceAll } from './paging.js';

export function validateCreateSnapshot(req: CreateSnapshotRequest__Output): void {
  validateId(req.sourceVolumeId, 'source_volume_id');
  validateName(req.name);
  validateSecretKeys(req.secrets);
  endpointFromSecrets(req.secrets);
  cspConfig(req.parameters);
}

export async function createSnapshot(
  ctx: ControllerContext,
  req: CreateSnapshotRequest__Output,
): Promise<CreateSnapshotResponse> {
  const session = ctx.sessions.forSecrets(req.secrets);
  const volumeId = req.sourceVolumeId;
  const volume = isPossibleId(volumeId)
    ? await cspOrMissing(`get volume ${volumeId} from ${session.describe}`, () => session.client.getVolume(volumeId))
    : undefined;
  if (!volume) {
    throw notFound(`source_volume_id: volume ${volumeId} does not exist`);
  }
  const existing = await csp(`look up snapshot ${req.name} on ${session.describe}`, () =>
    session.client.findSnapshot(volumeId, req.name),
  );
  if (existing) {
    return { snapshot: csiSnapshot(existing) };
  }
  const facts = await session.facts();
  if (facts.features.list_all_snapshots) {
    const sameName = await cspOrMissing(`look up snapshot ${req.name} on ${session.describe}`, () =>
      session.client.listSnapshots({ name: req.name }),
    );
    const other = sameName?.items.find((s) => s.volume_id !== volumeId);
    if (other) {
      throw alreadyExists(`name: snapshot ${req.name} exists already for another volume (${other.volume_id})`);
    }
  }
  const description = driverParams(req.parameters).description;
  const config = cspConfig(req.parameters);
  const snapshot = await csp(`create snapshot ${req.name} of volume ${volumeId} on ${session.describe}`, () =>
    session.client.createSnapshot({
      name: req.name,
      volume_id: volumeId,
      ...(description ? { description } : {}),
      ...(Object.keys(config).length > 0 ? { config } : {}),
    }),
  );
  return { snapshot: csiSnapshot(snapshot) };
}

export function validateDeleteSnapshot(req: DeleteSnapshotRequest__Output): void {
  validateId(req.snapshotId, 'snapshot_id');
  validateSecretKeys(req.secrets);
  endpointFromSecrets(req.secrets);
}

export async function deleteSnapshot(
  ctx: ControllerContext,
  req: DeleteSnapshotRequest__Output,
): Promise<DeleteSnapshotResponse> {
  const id = req.snapshotId;
  if (!isPossibleId(id)) {
    return {};
  }
  const session = ctx.sessions.forSecrets(req.secrets);
  const snapshot = await cspOrMissing(`get snapshot ${id} from ${session.describe}`, () =>
    session.client.getSnapshot(id),
  );
  if (!snapshot) {
    return {};
  }
  // A CSP that claims snapshot_delete_with_clones deletes it for us while keeping what the clones
  // need; without it, CSI lets a plugin that cannot do that answer FAILED_PRECONDITION.
  if (snapshot.in_use && (await session.facts()).features.snapshot_delete_with_clones !== true) {
    throw failedPrecondition(`snapshot ${id} still has volumes restored from it; delete them first`);
  }
  await cspOrMissing(`delete snapshot ${id} on ${session.describe}`, () => session.client.deleteSnapshot(id));
  return {};
}

export function validateGetSnapshot(req: GetSnapshotRequest__Output): void {
  validateId(req.snapshotId, 'snapshot_id');
  validateSecretKeys(req.secrets);
}

async function locateSnapshot(sessions: CspSession[], id: string): Promise<CspSnapshot | undefined> {
  if (!isPossibleId(id)) {
    return undefined;
  }
  for (const session of sessions) {
    const found = await cspOrMissing(`get snapshot ${id} from ${session.describe}`, () =>
      session.client.getSnapshot(id),
    );
    if (found) {
      return found;
    }
  }
  return undefined;
}

export async function getSnapshot(
  ctx: ControllerContext,
  req: GetSnapshotRequest__Output,
): Promise<GetSnapshotResponse> {
  const found = await locateSnapshot(sessionsFor(ctx, req.secrets, 'GetSnapshot'), req.snapshotId);
  if (!found) {
    throw notFound(`snapshot ${req.snapshotId} does not exist`);
  }
  return { snapshot: csiSnapshot(found) };
}

export function validateListSnapshots(req: ListSnapshotsRequest__Output): void {
  validateSecretKeys(req.secrets);
  pageLimit(req.maxEntries);
}

/** Snapshots of one volume, or of every volume of one CSP. */
function snapshotsOf(volumeId: string | undefined): Fetch<CspSnapshot> {
  return async (session, position, want) => {
    const facts = await session.facts();
    if (volumeId === undefined && !facts.features.list_all_snapshots) {
      return walkVolumes(session, position, want);
    }
    const action = `list snapshots on ${session.describe}`;
    try {
      if (facts.features.list_pagination) {
        const page = await csp(action, () =>
          session.client.listSnapshots(
            { volumeId },
            { limit: cspLimit(want), ...(position.cspToken ? { startingToken: position.cspToken } : {}) },
          ),
        );
        return { items: page.items, next: page.nextToken ? { cspToken: page.nextToken } : undefined };
      }
      const all = await csp(action, () => session.client.listSnapshots({ volumeId }));
      return sliceAll(all.items, position, want);
    } catch (err) {
      if ((err as { kind?: string }).kind === 'NotFound' && volumeId !== undefined) {
        return { items: [], next: undefined };
      }
      throw err;
    }
  };
}

/** A CSP that cannot list all snapshots at once: walk its volumes in id order. */
async function walkVolumes(session: CspSession, position: { volumeId?: string; offset?: number }, want: number) {
  const volumes = await csp(`list volumes on ${session.describe}`, () => session.client.listVolumes());
  const ids = volumes.items.map((v) => v.id).sort();
  const items: CspSnapshot[] = [];
  let offset = position.offset ?? 0;
  for (const id of ids.filter((v) => position.volumeId === undefined || v >= position.volumeId)) {
    if (id !== position.volumeId) {
      offset = 0;
    }
    const page = await snapshotsOf(id)(session, { offset }, want - items.length);
    items.push(...page.items);
    if (page.next) {
      return { items, next: { volumeId: id, offset: page.next.offset ?? 0 } };
    }
    if (items.length >= want) {
      const nextId = ids[ids.indexOf(id) + 1];
      return { items, next: nextId ? { volumeId: nextId, offset: 0 } : undefined };
    }
  }
  return { items, next: undefined };
}

export async function listSnapshots(
  ctx: ControllerContext,
  req: ListSnapshotsRequest__Output,
): Promise<ListSnapshotsResponse> {
  const sessions = sessionsFor(ctx, req.secrets, 'ListSnapshots');
  if (req.snapshotId !== '') {
    const found = await locateSnapshot(sessions, req.snapshotId);
    const matches = found && (req.sourceVolumeId === '' || found.volume_id === req.sourceVolumeId);
    return { entries: matches ? [{ snapshot: csiSnapshot(found) }] : [], nextToken: '' };
  }
  if (req.sourceVolumeId !== '' && !isPossibleId(req.sourceVolumeId)) {
    return { entries: [], nextToken: '' };
  }
  const volumeId = req.sourceVolumeId === '' ? undefined : req.sourceVolumeId;
  const page = await pageAcross(sessions, req.startingToken, pageLimit(req.maxEntries), snapshotsOf(volumeId));
  return { entries: page.items.map((s) => ({ snapshot: csiSnapshot(s) })), nextToken: page.nextToken };
}
