import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createZvol, MiB, simWithClient } from './fixture.js';

type Snap = {
  id: string;
  snapshot_name: string;
  dataset: string;
  holds?: Record<string, number>;
  properties: Record<string, Record<string, unknown>>;
};

describe('truenas-sim pool.snapshot', () => {
  // TrueNAS 26 texts (stable/26 plugins/pool_/snapshot.py, plugins/zfs/snapshot_crud.py); the 25.10
  // ones are in versions.test.ts.
  it('creates snapshots with user properties that override inherited ones, and holds them', async () => {
    const { rpc } = await simWithClient({ version: '26.0' });
    await createZvol(rpc, 'tank/k8s/v', 16 * MiB, { user_properties: [{ key: 'opencsp:name', value: 'pvc-1' }] });
    const created = await rpc.call<Snap>('pool.snapshot.create', [
      { dataset: 'tank/k8s/v', name: 's1', properties: { 'opencsp:snapshot': 'snap-1' } },
    ]);
    expect(created).toMatchObject({
      id: 'tank/k8s/v@s1',
      snapshot_name: 's1',
      dataset: 'tank/k8s/v',
      pool: 'tank',
      type: 'SNAPSHOT',
    });
    expect(created.holds).toBeUndefined();
    const dup = await rpc.fail('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's1' }]);
    expect(dup.data?.extra).toEqual([['pool.snapshot.create', 's1 already exists.', 17]]);
    await rpc.call('pool.snapshot.hold', ['tank/k8s/v@s1']);
    const [snap] = await rpc.call<Snap[]>('pool.snapshot.query', [
      [['id', '=', 'tank/k8s/v@s1']],
      { extra: { holds: true, properties: ['numclones', 'creation', 'volsize', 'opencsp:name', 'opencsp:snapshot'] } },
    ]);
    expect(snap?.holds).toEqual({ truenas: 1 });
    expect(snap?.properties.numclones).toMatchObject({ parsed: 0, value: '0' });
    expect(snap?.properties.volsize?.parsed).toBe(16 * MiB);
    expect(snap?.properties['opencsp:name']).toMatchObject({ value: 'pvc-1', source: 'INHERITED' });
    expect(snap?.properties['opencsp:snapshot']).toMatchObject({ value: 'snap-1', source: 'LOCAL' });
    const held = await rpc.fail('pool.snapshot.delete', ['tank/k8s/v@s1']);
    expect(held.data?.extra).toEqual([
      ['zfs.resource.snapshot.destroy', "'tank/k8s/v@s1' has the following holds: truenas", 16],
    ]);
    await rpc.call('pool.snapshot.release', ['tank/k8s/v@s1']);
    expect(await rpc.call('pool.snapshot.delete', ['tank/k8s/v@s1'])).toBe(true);
    const gone = await rpc.fail('pool.snapshot.delete', ['tank/k8s/v@s1']);
    expect(gone.data?.extra).toEqual([[null, "'tank/k8s/v@s1' not found", 2]]);
  });

  it('clones snapshots, refuses to delete an origin with clones, and defers destroy until the clone goes', async () => {
    const { sim, rpc } = await simWithClient({ version: '26.0' });
    await createZvol(rpc, 'tank/k8s/src', 16 * MiB);
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/src', name: 'base' }]);
    await rpc.call('pool.snapshot.clone', [
      { snapshot: 'tank/k8s/src@base', dataset_dst: 'tank/k8s/copy', dataset_properties: { 'opencsp:name': 'copy' } },
    ]);
    const [clone] = await rpc.call<Array<Record<string, Record<string, unknown>>>>('pool.dataset.query', [
      [['id', '=', 'tank/k8s/copy']],
    ]);
    expect(clone?.origin?.value).toBe('tank/k8s/src@base');
    expect(clone?.volsize?.parsed).toBe(16 * MiB);
    expect(clone?.user_properties).toMatchObject({ 'opencsp:name': { value: 'copy', source: 'LOCAL' } });
    const busy = await rpc.fail('pool.snapshot.delete', ['tank/k8s/src@base']);
    expect(busy.data?.extra).toEqual([
      ['zfs.resource.snapshot.destroy', "'tank/k8s/src@base' has the following clones: tank/k8s/copy", 16],
    ]);
    expect(await rpc.call('pool.snapshot.delete', ['tank/k8s/src@base', { defer: true }])).toBe(true);
    const [deferred] = await rpc.call<Snap[]>('pool.snapshot.query', [
      [['id', '=', 'tank/k8s/src@base']],
      { extra: { properties: ['defer_destroy'] } },
    ]);
    expect(deferred?.properties.defer_destroy?.value).toBe('on');
    await rpc.call('pool.dataset.delete', ['tank/k8s/copy']);
    expect(await rpc.call('pool.snapshot.query', [[['dataset', '=', 'tank/k8s/src']]])).toEqual([]);
    expect(sim.core.zfs.snapshots.size).toBe(0);
  });

  it('keeps point-in-time data in snapshot and clone backing files', async () => {
    const { sim, rpc } = await simWithClient();
    await createZvol(rpc, 'tank/k8s/data', 4 * MiB);
    const file = sim.backingFile({ dataset: 'tank/k8s/data' }) as string;
    await writeFile(file, 'before', { flag: 'r+' });
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/data', name: 's' }]);
    await writeFile(file, 'after!', { flag: 'r+' });
    await rpc.call('pool.snapshot.clone', [{ snapshot: 'tank/k8s/data@s', dataset_dst: 'tank/k8s/restored' }]);
    const restored = sim.backingFile({ dataset: 'tank/k8s/restored' }) as string;
    expect((await readFile(restored)).subarray(0, 6).toString()).toBe('before');
    expect((await readFile(file)).subarray(0, 6).toString()).toBe('after!');
  });

  it('refuses a non-recursive zvol delete while snapshots exist (26)', async () => {
    const { rpc } = await simWithClient({ version: '26.0' });
    await createZvol(rpc, 'tank/k8s/v');
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's' }]);
    const error = await rpc.fail('pool.dataset.delete', ['tank/k8s/v']);
    expect(error.code).toBe(-32602);
    expect(error.data?.extra).toEqual([
      ['zfs.resource.destroy', "'tank/k8s/v' has snapshots. Set recursive=True to remove them.", 39],
    ]);
    expect(await rpc.call('pool.dataset.delete', ['tank/k8s/v', { recursive: true }])).toBe(true);
  });

  it('queries snapshots by dataset without walking the others', async () => {
    const { sim, rpc } = await simWithClient();
    for (const n of ['a', 'b']) {
      await createZvol(rpc, `tank/k8s/${n}`);
      await rpc.call('pool.snapshot.create', [{ dataset: `tank/k8s/${n}`, name: 's1' }]);
      await rpc.call('pool.snapshot.create', [{ dataset: `tank/k8s/${n}`, name: 's2' }]);
    }
    sim.core.scans.snapshotRows = 0;
    const mine = await rpc.call<Snap[]>('pool.snapshot.query', [
      [['dataset', '=', 'tank/k8s/a']],
      { order_by: ['-createtxg'] },
    ]);
    expect(mine.map((s) => s.snapshot_name)).toEqual(['s2', 's1']);
    expect(sim.core.scans.snapshotRows).toBe(2);
    await rpc.call('pool.snapshot.query', [[['snapshot_name', '=', 's1']]]);
    expect(sim.core.scans.snapshotRows).toBe(2 + 4);
  });
});
