// csp-truenas on TrueNAS 25.10 and 26 when another client changes the array between the CSP's
// check and its act. The releases refuse the act differently (docs/research/truenas-api.md):
// 25.10 with CallErrors carrying zfs(8)/libzfs text (EFAULT) or an `options.defer` validation error,
// 26 with ValidationErrors (EBUSY, ENOTEMPTY) or plain exceptions (EINVAL), and 26 answers a
// recursive zvol delete by destroying clones and releasing holds. The CSP must give the same
// contract answer on both, and lose nothing.
import type { CspHttpError } from '@opencsp/csp-spec/client';
import { describe, expect, it } from 'vitest';
import type { TrueNasSimulator } from '../../src/truenas/index.js';
import { RawRpc } from '../truenas-sim/rpc-client.js';
import { MiB, startStack } from './stack.js';

/** Another client of the same array, logged in with the account's password. */
async function otherClient(sim: TrueNasSimulator): Promise<RawRpc> {
  const rpc = await RawRpc.open(sim.url());
  await rpc.call('auth.login', [sim.username, sim.password]);
  return rpc;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as CspHttpError,
  );

describe.each(['25.10', '26.0'] as const)('csp-truenas races on TrueNAS %s', (version) => {
  it('keeps a snapshot for a clone that appears while the snapshot is being deleted, and frees it later', async () => {
    const { sim, client } = await startStack({ sim: { version } });
    const other = await otherClient(sim);
    const volume = await client.createVolume({ name: 'pvc-a', size: 16 * MiB });
    const snap = await client.createSnapshot({ name: 'snap-a', volume_id: volume.id });
    sim.beforeNext('pool.snapshot.delete', async () => {
      await other.call('pool.snapshot.clone', [{ snapshot: 'tank/k8s/pvc-a@snap-a', dataset_dst: 'tank/k8s/foreign' }]);
    });
    await client.deleteSnapshot(snap.id);
    expect(await failure(client.getSnapshot(snap.id))).toMatchObject({ status: 404 });
    const kept = sim.core.zfs.snapshots.get('tank/k8s/pvc-a@snap-a');
    expect(kept?.user.get('opencsp:temporary')).toBe('true');
    expect(kept?.holds.size).toBe(0);
    expect(sim.core.zfs.datasets.has('tank/k8s/foreign')).toBe(true);
    // The foreign clone goes outside the CSP; the source's delete then removes the kept snapshot.
    await other.call('pool.dataset.delete', ['tank/k8s/foreign', {}]);
    await client.deleteVolume(volume.id);
    expect(sim.core.zfs.snapshots.size).toBe(0);
    other.close();
  });

  it('destroys a snapshot whose last clone went while the snapshot was being retired', async () => {
    const { sim, client } = await startStack({ sim: { version } });
    const volume = await client.createVolume({ name: 'pvc-r', size: 16 * MiB });
    const snap = await client.createSnapshot({ name: 'snap-r', volume_id: volume.id });
    const clone = await client.createVolume({ name: 'pvc-r-clone', clone: true, base_snapshot_id: snap.id });
    const other = await otherClient(sim);
    sim.beforeNext('pool.snapshot.update', async () => {
      await other.call('pool.dataset.delete', ['tank/k8s/pvc-r-clone', {}]);
    });
    await client.deleteSnapshot(snap.id);
    expect(sim.core.zfs.snapshots.has('tank/k8s/pvc-r@snap-r')).toBe(false);
    expect(await failure(client.getVolume(clone.id))).toMatchObject({ status: 404 });
    await client.deleteVolume(volume.id);
    expect(sim.core.zfs.datasets.has('tank/k8s/pvc-r')).toBe(false);
    other.close();
  });

  it('answers 409 and destroys nothing when a snapshot appears while a volume is being deleted', async () => {
    const { sim, client } = await startStack({ sim: { version } });
    const other = await otherClient(sim);
    const volume = await client.createVolume({ name: 'pvc-b', size: 16 * MiB });
    await client.createSnapshot({ name: 'snap-for-clone-b', volume_id: volume.id });
    sim.beforeNext('pool.dataset.delete', async () => {
      await other.call('pool.snapshot.create', [{ dataset: 'tank/k8s/pvc-b', name: 'backup' }]);
      await other.call('pool.snapshot.hold', ['tank/k8s/pvc-b@backup']);
      await other.call('pool.snapshot.clone', [{ snapshot: 'tank/k8s/pvc-b@backup', dataset_dst: 'tank/k8s/restore' }]);
    });
    expect(await failure(client.deleteVolume(volume.id))).toMatchObject({ status: 409, reason: 'HAS_DEPENDENTS' });
    // The other client's snapshot, its hold and its clone survive on both releases.
    expect(sim.core.zfs.snapshots.get('tank/k8s/pvc-b@backup')?.holds.has('truenas')).toBe(true);
    expect(sim.core.zfs.datasets.has('tank/k8s/restore')).toBe(true);
    expect(sim.core.zfs.datasets.has('tank/k8s/pvc-b')).toBe(true);
    other.close();
  });

  it('answers 409 or 404 when a clone destination appears or the snapshot goes meanwhile', async () => {
    const { sim, client } = await startStack({ sim: { version } });
    const other = await otherClient(sim);
    const volume = await client.createVolume({ name: 'pvc-c', size: 16 * MiB });
    const snap = await client.createSnapshot({ name: 'snap-c', volume_id: volume.id });
    sim.beforeNext('pool.snapshot.clone', async () => {
      await other.call('pool.dataset.create', [
        { name: 'tank/k8s/pvc-d', type: 'VOLUME', volsize: 16 * MiB, volblocksize: '16K', sparse: true },
      ]);
    });
    const taken = await failure(client.createVolume({ name: 'pvc-d', clone: true, base_snapshot_id: snap.id }));
    expect(taken).toMatchObject({ status: 409, reason: 'NAME_TAKEN' });
    sim.beforeNext('pool.snapshot.clone', async () => {
      await other.call('pool.snapshot.release', ['tank/k8s/pvc-c@snap-c']);
      await other.call('pool.snapshot.delete', ['tank/k8s/pvc-c@snap-c']);
    });
    const gone = await failure(client.createVolume({ name: 'pvc-e', clone: true, base_snapshot_id: snap.id }));
    expect(gone).toMatchObject({ status: 404 });
    other.close();
  });
});
