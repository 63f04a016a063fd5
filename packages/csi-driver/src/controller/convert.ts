// CSP contract objects → CSI messages.
import type { Snapshot as CspSnapshot, Volume as CspVolume } from '@opencsp/csp-spec';
import type { Snapshot, Volume, VolumeCondition, VolumeContentSource } from '../csi-types.js';

export function csiSnapshot(snapshot: CspSnapshot): Snapshot {
  return {
    snapshotId: snapshot.id,
    sourceVolumeId: snapshot.volume_id,
    sizeBytes: snapshot.size,
    creationTime: { seconds: snapshot.creation_time, nanos: 0 },
    readyToUse: snapshot.ready_to_use,
  };
}

export function csiVolume(
  volume: CspVolume,
  context: Record<string, string>,
  contentSource?: VolumeContentSource,
): Volume {
  return {
    volumeId: volume.id,
    capacityBytes: volume.size,
    volumeContext: context,
    ...(contentSource ? { contentSource } : {}),
  };
}

/** CSI volume condition from the CSP's `health` (opencsp `volume_health`), when it reports one. */
export function volumeCondition(volume: CspVolume): VolumeCondition | undefined {
  return volume.health ? { abnormal: volume.health.abnormal, message: volume.health.message } : undefined;
}
