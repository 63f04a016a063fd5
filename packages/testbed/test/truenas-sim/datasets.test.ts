import { stat } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { maxBackingBytes } from '../../src/common/backing-store.js';
import { createZvol, GiB, MiB, simWithClient } from './fixture.js';

type Entry = Record<string, Record<string, unknown>> & Record<string, unknown>;

describe('truenas-sim pool.dataset', () => {
  it('creates a zvol and reports properties as {parsed, rawvalue, value, source}', async () => {
    const { sim, rpc } = await simWithClient();
    const entry = (await createZvol(rpc, 'tank/k8s/vol1', 1536 * MiB, {
      comments: 'my volume',
      compression: 'ZSTD',
      user_properties: [{ key: 'opencsp:name', value: 'pvc-1' }],
    })) as Entry;
    expect(entry.id).toBe('tank/k8s/vol1');
    expect(entry.type).toBe('VOLUME');
    expect(entry.pool).toBe('tank');
    expect(entry.mountpoint).toBeNull();
    expect(entry.volsize).toEqual({
      parsed: 1536 * MiB,
      rawvalue: String(1536 * MiB),
      value: '1.50G',
      source: 'LOCAL',
      source_info: null,
    });
    expect(entry.volblocksize?.parsed).toBe(16384);
    expect(entry.volblocksize?.value).toBe('16K');
    expect(entry.compression).toMatchObject({ parsed: 'zstd', value: 'ZSTD', source: 'LOCAL' });
    expect(entry.sync).toMatchObject({ value: 'STANDARD', source: 'DEFAULT' });
    expect(entry.comments).toMatchObject({ value: 'my volume', source: 'LOCAL' });
    expect(entry.sparse?.parsed).toBe(true);
    expect(entry.user_properties).toEqual({
      'opencsp:name': { parsed: 'pvc-1', rawvalue: 'pvc-1', value: 'pvc-1', source: 'LOCAL', source_info: null },
    });
    expect(entry.creation?.parsed).toMatchObject({ $date: expect.any(Number) });
    expect(sim.backingFile({ dataset: 'tank/k8s/vol1' })).toMatch(/\.img$/);
  });

  it('validates zvol creation like middleware', async () => {
    const { rpc } = await simWithClient({ pool: { name: 'tank', capacity: 10 * GiB } });
    const stringSize = await rpc.fail('pool.dataset.create', [
      { name: 'tank/k8s/a', type: 'VOLUME', volsize: '1048576' },
    ]);
    expect(stringSize.data?.extra).toEqual([['data.volsize', 'Input should be a valid integer', 22]]);
    const odd = await rpc.fail('pool.dataset.create', [
      { name: 'tank/k8s/a', type: 'VOLUME', volsize: 1000, sparse: true },
    ]);
    expect(odd.data?.extra).toEqual([
      ['pool_dataset_create.volsize', 'Volume size should be a multiple of volume block size', 22],
    ]);
    const big = await rpc.fail('pool.dataset.create', [
      { name: 'tank/k8s/a', type: 'VOLUME', volsize: 9 * GiB, sparse: true },
    ]);
    expect(big.data?.extra).toEqual([
      [
        'pool_dataset_create.volsize',
        'It is not recommended to use more than 80% of your available space for VOLUME',
        22,
      ],
    ]);
    await rpc.call('pool.dataset.create', [
      { name: 'tank/k8s/a', type: 'VOLUME', volsize: 9 * GiB, sparse: true, force_size: true },
    ]);
    const thick = await rpc.fail('pool.dataset.create', [
      { name: 'tank/k8s/b', type: 'VOLUME', volsize: 11 * GiB, force_size: true },
    ]);
    expect(thick.code).toBe(-32001);
    expect(thick.data?.reason).toBe('[EFAULT] Failed to create dataset tank/k8s/b: out of space');
    const exists = await rpc.fail('pool.dataset.create', [
      { name: 'tank/k8s/a', type: 'VOLUME', volsize: MiB, sparse: true },
    ]);
    expect(exists.data?.reason).toBe('[EFAULT] Failed to create dataset tank/k8s/a: dataset already exists');
    const noParent = await rpc.fail('pool.dataset.create', [{ name: 'tank/nope/a', type: 'VOLUME', volsize: MiB }]);
    expect(noParent.data?.extra).toEqual([
      ['pool_dataset_create.name', 'Parent dataset (tank/nope) does not exist.', 22],
    ]);
    const underZvol = await rpc.fail('pool.dataset.create', [
      { name: 'tank/k8s/a/b', type: 'VOLUME', volsize: MiB, sparse: true },
    ]);
    expect(underZvol.data?.extra).toEqual([
      ['pool_dataset_create.name', 'tank/k8s/a: parent may not be a ZFS volume', 22],
    ]);
    const badName = await rpc.fail('pool.dataset.create', [{ name: 'tank/k8s/a b?', type: 'VOLUME', volsize: MiB }]);
    expect(badName.data?.extra).toEqual([
      ['data.name', 'Value error, Please provide a valid dataset name according to ZFS standards', 22],
    ]);
  });

  it('accounts thick zvols against available space', async () => {
    const { rpc } = await simWithClient({ pool: { name: 'tank', capacity: 10 * GiB } });
    const before = (await rpc.call<Entry[]>('pool.dataset.query', [[['id', '=', 'tank/k8s']]]))[0];
    expect(before?.available?.parsed).toBe(10 * GiB);
    await rpc.call('pool.dataset.create', [{ name: 'tank/k8s/thick', type: 'VOLUME', volsize: 2 * GiB }]);
    await createZvol(rpc, 'tank/k8s/thin', 4 * GiB);
    const after = (await rpc.call<Entry[]>('pool.dataset.query', [[['id', '=', 'tank/k8s']]]))[0];
    expect(after?.available?.parsed).toBe(8 * GiB);
    expect(after?.used?.parsed).toBe(2 * GiB);
  });

  it('grows but never shrinks a zvol and edits user properties', async () => {
    const { sim, rpc } = await simWithClient();
    await createZvol(rpc, 'tank/k8s/v', 64 * MiB, { user_properties: [{ key: 'opencsp:a', value: '1' }] });
    const grown = await rpc.call<Entry>('pool.dataset.update', [
      'tank/k8s/v',
      {
        volsize: 128 * MiB,
        user_properties_update: [
          { key: 'opencsp:a', remove: true },
          { key: 'opencsp:b', value: '2' },
        ],
      },
    ]);
    expect(grown.volsize?.parsed).toBe(128 * MiB);
    expect(Object.keys(grown.user_properties as object)).toEqual(['opencsp:b']);
    const shrink = await rpc.fail('pool.dataset.update', ['tank/k8s/v', { volsize: 64 * MiB }]);
    expect(shrink.data?.extra).toEqual([
      ['pool_dataset_update.volsize', 'You cannot shrink a zvol from GUI, this may lead to data loss.', 22],
    ]);
    const immutable = await rpc.fail('pool.dataset.update', ['tank/k8s/v', { volblocksize: '8K' }]);
    expect(immutable.data?.extra).toEqual([['data.volblocksize', 'Extra inputs are not permitted', 22]]);
    const missing = await rpc.fail('pool.dataset.update', ['tank/k8s/none', { comments: 'x' }]);
    expect(missing.data?.extra).toEqual([['id', 'tank/k8s/none does not exist', 2]]);
    expect((await stat(sim.backingFile({ dataset: 'tank/k8s/v' }) as string)).size).toBe(128 * MiB);
  });

  it('leaves a zvol as it was when its grow fails', async () => {
    const { sim, rpc } = await simWithClient({ pool: { name: 'tank', capacity: 10 * GiB } });
    await rpc.call('pool.dataset.create', [{ name: 'tank/k8s/thick', type: 'VOLUME', volsize: 64 * MiB }]);
    const query = (id: string) => rpc.call<Entry[]>('pool.dataset.query', [[['id', '=', id]]]);
    const [before] = await query('tank/k8s/thick');
    const grow = vi.spyOn(sim.core.backing, 'grow').mockRejectedValueOnce(new Error('No space left on device'));
    const refused = await rpc.fail('pool.dataset.update', [
      'tank/k8s/thick',
      { volsize: 128 * MiB, comments: 'after', user_properties_update: [{ key: 'opencsp:b', value: '2' }] },
    ]);
    expect(grow).toHaveBeenCalledOnce();
    expect(refused.data?.reason).toMatch(/No space left on device/);
    const [after] = await query('tank/k8s/thick');
    expect(after?.volsize?.parsed).toBe(64 * MiB);
    expect(after).toEqual(before);
    expect((await stat(sim.backingFile({ dataset: 'tank/k8s/thick' }) as string)).size).toBe(64 * MiB);
    expect((await query('tank/k8s'))[0]?.used?.parsed).toBe(64 * MiB);
  });

  it('makes sparse zvols larger than a backing file can be (fuzz seed 1506573609)', async () => {
    const { sim, rpc } = await simWithClient();
    const PiB = 1024 * 1024 * GiB;
    const huge = { name: 'tank/k8s/huge', type: 'VOLUME', volsize: PiB, sparse: true, force_size: true };
    expect((await rpc.call<Entry>('pool.dataset.create', [huge])).volsize?.parsed).toBe(PiB);
    const grown = await rpc.call<Entry>('pool.dataset.update', [
      'tank/k8s/huge',
      { volsize: 2 * PiB, force_size: true },
    ]);
    expect(grown.volsize?.parsed).toBe(2 * PiB);
    expect((await stat(sim.backingFile({ dataset: 'tank/k8s/huge' }) as string)).size).toBe(maxBackingBytes);
  });

  it('filters, selects, orders, counts and gets', async () => {
    const { sim, rpc } = await simWithClient();
    for (const n of ['a', 'b', 'c']) {
      await createZvol(rpc, `tank/k8s/${n}`, 16 * MiB, {
        user_properties: [{ key: 'opencsp:name', value: `pvc-${n}` }],
      });
    }
    const extra = { retrieve_children: false, properties: ['volsize'] };
    const byIn = await rpc.call<Entry[]>('pool.dataset.query', [
      [['id', 'in', ['tank/k8s/a', 'tank/k8s/c', 'tank/k8s/zz']]],
      { extra },
    ]);
    expect(byIn.map((e) => e.id)).toEqual(['tank/k8s/a', 'tank/k8s/c']);
    expect(byIn[0]?.sync).toBeUndefined();
    const orFilter = await rpc.call<Entry[]>('pool.dataset.query', [
      [
        [
          'OR',
          [
            ['id', '=', 'tank/k8s/a'],
            ['user_properties.opencsp:name.value', '=', 'pvc-b'],
          ],
        ],
      ],
      { extra, order_by: ['-id'], select: ['id', 'volsize.parsed'] },
    ]);
    expect(orFilter).toEqual([
      { id: 'tank/k8s/b', volsize: { parsed: 16 * MiB } },
      { id: 'tank/k8s/a', volsize: { parsed: 16 * MiB } },
    ]);
    expect(
      await rpc.call('pool.dataset.query', [
        [
          ['id', '^', 'tank/k8s/'],
          ['type', '=', 'VOLUME'],
        ],
        { count: true },
      ]),
    ).toBe(sim.core.zfs.datasets.size);
    expect(
      await rpc.call('pool.dataset.query', [[['id', 'C=', 'TANK/K8S/B']], { get: true, select: ['name'] }]),
    ).toEqual({
      name: 'tank/k8s/b',
    });
    const none = await rpc.fail('pool.dataset.query', [[['id', '=', 'tank/none']], { get: true }]);
    expect(none.code).toBe(-32001);
    expect(none.data?.reason).toBe('MatchNotFound()');
    const missing = await rpc.fail('pool.dataset.get_instance', ['tank/none']);
    expect(missing.data?.extra).toEqual([[null, 'PoolDataset tank/none does not exist', 2]]);
    sim.core.scans.datasetRows = 0;
    await rpc.call('pool.dataset.query', [[['id', '=', 'tank/k8s/a']], { extra: { retrieve_children: false } }]);
    expect(sim.core.scans.datasetRows).toBe(1);
    await rpc.call('pool.dataset.query', [[['id', '=', 'tank/k8s']]]);
    expect(sim.core.scans.datasetRows).toBe(1 + 4);
    await rpc.call('pool.dataset.query', [[['name', '$', '/a']]]);
    expect(sim.core.scans.datasetRows).toBe(5 + 5);
  });

  it('inherits properties from the parent', async () => {
    const { rpc } = await simWithClient();
    await rpc.call('pool.dataset.update', [
      'tank/k8s',
      { sync: 'ALWAYS', user_properties_update: [{ key: 'org:team', value: 'x' }] },
    ]);
    const vol = await createZvol(rpc, 'tank/k8s/v');
    expect(vol.sync).toMatchObject({ value: 'ALWAYS', source: 'INHERITED', source_info: 'tank/k8s' });
    expect(vol.compression).toMatchObject({ value: 'LZ4', source: 'INHERITED', source_info: 'tank' });
    expect((vol.user_properties as Record<string, unknown>)['org:team']).toMatchObject({
      value: 'x',
      source: 'INHERITED',
    });
  });

  it('deletes a zvol, cascading its iSCSI extent, mapping and orphaned target', async () => {
    const { sim, rpc } = await simWithClient();
    await createZvol(rpc, 'tank/k8s/v');
    const extent = await rpc.call<{ id: number }>('iscsi.extent.create', [{ name: 'v', disk: 'zvol/tank/k8s/v' }]);
    const target = await rpc.call<{ id: number }>('iscsi.target.create', [{ name: 'v' }]);
    await rpc.call('iscsi.targetextent.create', [{ target: target.id, extent: extent.id }]);
    const group = await rpc.call<{ id: number }>('iscsi.initiator.create', [{ initiators: ['iqn.2000-01.x:y'] }]);
    expect(await rpc.call('pool.dataset.delete', ['tank/k8s/v'])).toBe(true);
    expect(await rpc.call('iscsi.extent.query')).toEqual([]);
    expect(await rpc.call('iscsi.target.query')).toEqual([]);
    expect(await rpc.call('iscsi.targetextent.query')).toEqual([]);
    expect(await rpc.call('iscsi.initiator.query', [[['id', '=', group.id]]])).toHaveLength(1);
    expect(sim.backingFile({ dataset: 'tank/k8s/v' })).toBeUndefined();
    const again = await rpc.fail('pool.dataset.delete', ['tank/k8s/v']);
    expect(again.data?.extra).toEqual([[null, 'PoolDataset tank/k8s/v does not exist', 2]]);
    await createZvol(rpc, 'tank/k8s/w');
    const withChild = await rpc.fail('pool.dataset.delete', ['tank/k8s']);
    expect(withChild.data).toMatchObject({
      errname: 'ENOTEMPTY',
      reason: "[ENOTEMPTY] Failed to delete dataset: cannot destroy 'tank/k8s': filesystem has children",
    });
  });
});
