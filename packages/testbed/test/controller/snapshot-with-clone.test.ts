// Kubernetes deletes a VolumeSnapshot while the PVC restored from it still lives. CSI allows
// DeleteSnapshot to answer FAILED_PRECONDITION only when a plugin cannot delete snapshots
// independently of their clones; csp-truenas and csp-synology claim snapshot_delete_with_clones,
// so DeleteSnapshot is OK, no ListSnapshots finds the snapshot, the restored volume keeps working,
// and once it is deleted too nothing is left on the array. The memory CSP does not claim the
// feature: there the driver answers FAILED_PRECONDITION and changes nothing.
import { status } from '@grpc/grpc-js';
import { isGrpcError } from '@opencsp/testbed/harness';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GiB, type Scenario, startScenario } from './fixture.js';

describe.each(['truenas', 'synology'] as const)('DeleteSnapshot while a restored volume lives (%s)', (backendName) => {
  let s: Scenario;
  beforeEach(async () => {
    s = await startScenario(backendName);
  });
  afterEach(async () => {
    await s.stop();
  });

  it('deletes the snapshot, hides it from every list, keeps the restore; deleting the rest leaves nothing', async () => {
    const { kube, client } = s.driver;
    const secrets = s.backend.secrets;
    const pv = await kube.provisionPvc(s.sc, { name: 'data', namespace: 'default', size: 2 * GiB });
    const snap = await kube.snapshot(pv, s.vsc);
    const restored = await kube.restore(snap, s.sc, { name: 'restored', namespace: 'default', size: 2 * GiB });

    await client.controller('DeleteSnapshot', { snapshotId: snap.snapshotHandle, secrets });
    await client.controller('DeleteSnapshot', { snapshotId: snap.snapshotHandle, secrets });
    const bySource = await client.controller('ListSnapshots', { sourceVolumeId: pv.volumeHandle, secrets });
    expect(bySource.entries).toEqual([]);
    const byId = await client.controller('ListSnapshots', { snapshotId: snap.snapshotHandle, secrets });
    expect(byId.entries).toEqual([]);
    const all = await client.controller('ListSnapshots', { secrets });
    expect(all.entries.map((e) => e.snapshot?.snapshotId)).not.toContain(snap.snapshotHandle);
    const volume = await client.controller('ControllerGetVolume', { volumeId: restored.volumeHandle });
    expect(volume.volume?.volumeId).toBe(restored.volumeHandle);

    if (backendName === 'truenas') {
      // The restored zvol is a ZFS clone of the (now hidden) snapshot: the source waits for it.
      const err = await client.controller('DeleteVolume', { volumeId: pv.volumeHandle, secrets }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isGrpcError(err) && err.code).toBe(status.FAILED_PRECONDITION);
      await kube.deletePv(restored);
      await kube.deletePv(pv);
    } else {
      // A DSM clone is a LUN of its own: the source goes first.
      await kube.deletePv(pv);
      await kube.deletePv(restored);
    }
    expect(await s.backend.audit()).toEqual([]);
  });
});

describe('DeleteSnapshot while a restored volume lives, CSP without snapshot_delete_with_clones (memory)', () => {
  let s: Scenario;
  beforeEach(async () => {
    s = await startScenario('memory');
  });
  afterEach(async () => {
    await s.stop();
  });

  it('answers FAILED_PRECONDITION and keeps the snapshot', async () => {
    const { kube, client } = s.driver;
    const secrets = s.backend.secrets;
    const pv = await kube.provisionPvc(s.sc, { name: 'data', namespace: 'default', size: 2 * GiB });
    const snap = await kube.snapshot(pv, s.vsc);
    const restored = await kube.restore(snap, s.sc, { name: 'restored', namespace: 'default', size: 2 * GiB });
    const err = await client.controller('DeleteSnapshot', { snapshotId: snap.snapshotHandle, secrets }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGrpcError(err) && err.code).toBe(status.FAILED_PRECONDITION);
    const byId = await client.controller('ListSnapshots', { snapshotId: snap.snapshotHandle, secrets });
    expect(byId.entries).toHaveLength(1);
    await kube.deletePv(restored);
    await kube.deleteSnapshot(snap);
    await kube.deletePv(pv);
    expect(await s.backend.audit()).toEqual([]);
  });
});
