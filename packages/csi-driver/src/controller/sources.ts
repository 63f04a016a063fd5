// Creating a volume from a snapshot (a CSP clone) or from another volume (a temporary snapshot
// of the source, then a clone of it, as HPE's driver does). The temporary snapshot is deleted
// when the clone fails, and again when the clone is deleted (see volumes.ts).
import { createHash } from 'node:crypto';
import type { Snapshot, Volume, VolumeCreateRequest } from '@opencsp/csp-spec';
import type { VolumeContentSource__Output } from '../csi-types.js';
import { csp, cspOrMissing } from '../csp/errors.js';
import type { CspSession } from '../csp/session.js';
import { alreadyExists, notFound, outOfRange } from '../errors.js';
import { isPossibleId, type SizeBounds } from '../validation.js';
import { type ControllerContext, cloneSourcePrefix } from './context.js';

export interface ResolvedSource {
  kind: 'snapshot' | 'volume';
  id: string;
  /** Bytes of the source; the new volume is at least that big. */
  size: number;
  snapshot?: Snapshot;
  volume?: Volume;
}

export function tempSnapshotName(volumeName: string): string {
  return `${cloneSourcePrefix}${createHash('sha256').update(volumeName).digest('hex').slice(0, 32)}`;
}

export async function resolveSource(
  session: CspSession,
  source: VolumeContentSource__Output | null,
  bounds: SizeBounds,
): Promise<ResolvedSource | undefined> {
  if (!source?.type) {
    return undefined;
  }
  let resolved: ResolvedSource;
  if (source.type === 'snapshot') {
    const id = source.snapshot?.snapshotId ?? '';
    const snapshot = isPossibleId(id)
      ? await cspOrMissing(`get source snapshot ${id} from ${session.describe}`, () => session.client.getSnapshot(id))
      : undefined;
    if (!snapshot) {
      throw notFound(`volume_content_source.snapshot.snapshot_id: snapshot ${id} does not exist`);
    }
    resolved = { kind: 'snapshot', id, size: snapshot.size, snapshot };
  } else {
    const id = source.volume?.volumeId ?? '';
    const volume = isPossibleId(id)
      ? await cspOrMissing(`get source volume ${id} from ${session.describe}`, () => session.client.getVolume(id))
      : undefined;
    if (!volume) {
      throw notFound(`volume_content_source.volume.volume_id: volume ${id} does not exist`);
    }
    resolved = { kind: 'volume', id, size: volume.size, volume };
  }
  if (bounds.limit > 0 && resolved.size > bounds.limit) {
    throw outOfRange(
      `capacity_range.limit_bytes: ${bounds.limit} is smaller than the source ${resolved.kind} (${resolved.size} bytes)`,
    );
  }
  return resolved;
}

/** Whether an existing volume was made from the requested source (idempotent retries). */
export async function madeFrom(
  session: CspSession,
  volume: Volume,
  source: ResolvedSource | undefined,
): Promise<boolean> {
  if (!source) {
    return !volume.base_snapshot_id;
  }
  if (!volume.base_snapshot_id) {
    return false;
  }
  if (source.kind === 'snapshot') {
    return volume.base_snapshot_id === source.id;
  }
  const base = await cspOrMissing(`get snapshot ${volume.base_snapshot_id}`, () =>
    session.client.getSnapshot(volume.base_snapshot_id as string),
  );
  return base?.volume_id === source.id;
}

/** Creates the volume as a clone of the source. */
export async function createFromSource(
  ctx: ControllerContext,
  session: CspSession,
  request: VolumeCreateRequest,
  source: ResolvedSource,
): Promise<Volume> {
  const action = `create volume ${request.name} from ${source.kind} ${source.id} on ${session.describe}`;
  if (source.kind === 'snapshot') {
    return csp(action, () => session.client.createVolume({ ...request, clone: true, base_snapshot_id: source.id }));
  }
  const tempName = tempSnapshotName(request.name);
  const existing = await csp(action, () => session.client.findSnapshot(source.id, tempName));
  const temp =
    existing ??
    (await csp(action, () =>
      session.client.createSnapshot({
        name: tempName,
        volume_id: source.id,
        description: `opencsp: source of clone ${request.name}`,
      }),
    ));
  try {
    return await csp(action, () => session.client.createVolume({ ...request, clone: true, base_snapshot_id: temp.id }));
  } catch (err) {
    await session.client.deleteSnapshot(temp.id).catch((cleanupErr: unknown) => {
      ctx.logger.warn({ err: cleanupErr, snapshot: temp.id }, 'could not delete the temporary clone snapshot');
    });
    throw err;
  }
}

export function incompatible(name: string, why: string): Error {
  return alreadyExists(`name: volume ${name} exists already with ${why}`);
}
