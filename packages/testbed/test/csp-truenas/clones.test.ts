import type { CspHttpError } from '@opencsp/csp-spec/client';
import { describe, expect, it } from 'vitest';
import { MiB, startStack } from './stack.js';

describe('csp-truenas clones and delete policy', () => {
  it('clones a volume through a temporary snapshot that goes away with the clone', async () => {
    const { sim, client } = await startStack();
    const source = await client.createVolume({ name: 'pvc-source', size: 32 * MiB });
    const temp = await client.createSnapshot({ name: 'snap-for-clone-20260101000000', volume_id: source.id });
    expect(sim.core.zfs.snapshots.get('tank/k8s/pvc-source@snap-for-clone-20260101000000')?.holds.size).toBe(0);
    const clone = await client.createVolume({ name: 'pvc-copy', clone: true, base_snapshot_id: temp.id });
    expect(clone.size).toBe(32 * MiB);
    expect((await client.deleteVolume(source.id).catch((e: unknown) => e)) as CspHttpError).toMatchObject({
      status: 409,
    });
    await client.deleteVolume(clone.id);
    expect(sim.audit().snapshots).toEqual([]);
    await client.deleteVolume(source.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('removes an unused temporary snapshot with its volume but refuses while user snapshots exist', async () => {
    const { sim, client } = await startStack();
    const volume = await client.createVolume({ name: 'pvc-v', size: 16 * MiB });
    await client.createSnapshot({ name: 'snap-for-clone-x', volume_id: volume.id });
    const user = await client.createSnapshot({ name: 'user-snap', volume_id: volume.id });
    expect(sim.core.zfs.snapshots.get('tank/k8s/pvc-v@user-snap')?.holds.has('truenas')).toBe(true);
    expect((await client.deleteVolume(volume.id).catch((e: unknown) => e)) as CspHttpError).toMatchObject({
      status: 409,
      reason: 'HAS_DEPENDENTS',
    });
    await client.deleteSnapshot(user.id);
    await client.deleteVolume(volume.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('keeps the zvol, without any iSCSI exposure, when destroy_on_delete is false', async () => {
    const { sim, client } = await startStack();
    const volume = await client.createVolume({
      name: 'pvc-keep',
      size: 16 * MiB,
      config: { destroy_on_delete: 'false' },
    });
    expect(volume.config?.destroy_on_delete).toBe('false');
    await client.deleteVolume(volume.id);
    expect((await client.getVolume(volume.id).catch((e: unknown) => e)) as CspHttpError).toMatchObject({ status: 404 });
    expect(sim.audit()).toMatchObject({
      datasets: [{ name: 'tank/k8s/pvc-keep', type: 'VOLUME' }],
      targets: [],
      extents: [],
      initiators: [],
    });
    const kept = sim.core.zfs.datasets.get('tank/k8s/pvc-keep');
    expect(kept?.user.get('opencsp:retained_name')).toBe('pvc-keep');
    expect(
      (await client.createVolume({ name: 'pvc-keep', size: 16 * MiB }).catch((e: unknown) => e)) as CspHttpError,
    ).toMatchObject({
      status: 409,
    });
  });

  it('maps names that do not fit iSCSI rules to hashed, stable leaves', async () => {
    const { sim, client } = await startStack();
    const name = `PVC.${'Long'.repeat(20)}`;
    const volume = await client.createVolume({ name, size: 16 * MiB });
    expect(volume.name).toBe(name);
    expect(volume.id.length).toBeLessThanOrEqual(100);
    expect(await client.findVolumeByName(name)).toMatchObject({ id: volume.id });
    const target = sim.audit().targets[0]?.name as string;
    expect(target).toMatch(/^pvc\.(long)+[lon]*-[0-9a-f]{12}$/);
    expect(target.length).toBeLessThanOrEqual(64);
    const snapshot = await client.createSnapshot({ name: `Snap.${'x'.repeat(120)}`, volume_id: volume.id });
    expect(snapshot.id.length).toBeLessThanOrEqual(128);
    expect(await client.findSnapshot(volume.id, snapshot.name)).toMatchObject({ id: snapshot.id });
    await client.deleteSnapshot(snapshot.id);
    await client.deleteVolume(volume.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });
});
