// Snapshot names across the array: each name is claimed on the volume's parent, a name in use on
// another volume is refused, a lookup by name is a lookup by id (the snapshots are never walked),
// a failed snapshot leaves no claim, and a claim an interrupted create left behind is reclaimed.
import { CspHttpError } from '@opencsp/csp-spec/client';
import { describe, expect, it } from 'vitest';
import { MiB, startStack } from './stack.js';

async function status(work: Promise<unknown>): Promise<number | undefined> {
  try {
    await work;
    return 200;
  } catch (err) {
    return err instanceof CspHttpError ? err.status : undefined;
  }
}

describe('csp-truenas snapshot names', () => {
  it('claims a name once per array and finds it by id, without reading other snapshots', async () => {
    const { sim, client } = await startStack();
    const a = await client.createVolume({ name: 'pvc-a', size: 16 * MiB });
    const b = await client.createVolume({ name: 'pvc-b', size: 16 * MiB });
    const snap = await client.createSnapshot({ name: 'snapshot-1', volume_id: a.id });
    expect([...sim.core.zfs.snapshots.keys()].sort()).toEqual(['tank/k8s/pvc-a@snapshot-1', 'tank/k8s@snapshot-1']);
    expect(await status(client.createSnapshot({ name: 'snapshot-1', volume_id: b.id }))).toBe(409);
    expect(sim.core.zfs.snapshotsOf('tank/k8s/pvc-b')).toEqual([]);

    const before = sim.core.scans.snapshotRows;
    const found = await client.listSnapshots({ name: 'snapshot-1' });
    expect(found.items.map((s) => s.id)).toEqual([snap.id]);
    expect(await status(client.listSnapshots({ name: 'snapshot-2' }))).toBe(404);
    expect(sim.core.scans.snapshotRows - before).toBe(2);

    await client.deleteSnapshot(snap.id);
    expect(sim.core.zfs.snapshots.size).toBe(0);
    const again = await client.createSnapshot({ name: 'snapshot-1', volume_id: b.id });
    await client.deleteSnapshot(again.id);
    await client.deleteVolume(a.id);
    await client.deleteVolume(b.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('leaves no claim when the snapshot fails, and reclaims one an interrupted create left', async () => {
    const { sim, client } = await startStack();
    const a = await client.createVolume({ name: 'pvc-a', size: 16 * MiB });
    const b = await client.createVolume({ name: 'pvc-b', size: 16 * MiB });
    sim.failNext('pool.snapshot.hold', { errno: 'EIO', message: 'simulated hold failure' });
    expect(await status(client.createSnapshot({ name: 'snapshot-1', volume_id: a.id }))).toBe(500);
    expect(sim.core.zfs.snapshots.size).toBe(0);

    // A claim for pvc-a whose snapshot never came (the CSP stopped between the two).
    const parent = sim.core.zfs.datasets.get('tank/k8s');
    const stale = sim.core.zfs.addSnapshot(parent as NonNullable<typeof parent>, 'snapshot-1', sim.core.now());
    stale.user.set('opencsp:claimed_name', 'snapshot-1');
    stale.user.set('opencsp:claimed_by', 'tank/k8s/pvc-a');
    const snap = await client.createSnapshot({ name: 'snapshot-1', volume_id: b.id });
    expect(snap.volume_id).toBe(b.id);
    expect(sim.core.zfs.snapshots.get('tank/k8s@snapshot-1')?.user.get('opencsp:claimed_by')).toBe('tank/k8s/pvc-b');

    await client.deleteSnapshot(snap.id);
    await client.deleteVolume(a.id);
    await client.deleteVolume(b.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('refuses a name another tool holds on the parent, and does not claim temporary clone sources', async () => {
    const { sim, client, config } = await startStack();
    const a = await client.createVolume({ name: 'pvc-a', size: 16 * MiB });
    const parent = sim.core.zfs.datasets.get('tank/k8s');
    sim.core.zfs.addSnapshot(parent as NonNullable<typeof parent>, 'manual-1', sim.core.now());
    expect(await status(client.createSnapshot({ name: 'manual-1', volume_id: a.id }))).toBe(409);
    sim.core.zfs.removeSnapshot('tank/k8s@manual-1');

    const temp = await client.createSnapshot({ name: `${config.tempSnapshotPrefix}x`, volume_id: a.id });
    expect(sim.core.zfs.snapshotsOf('tank/k8s')).toEqual([]);
    await client.deleteSnapshot(temp.id);
    await client.deleteVolume(a.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });
});
