// Recursive snapshots, as csp-truenas's snapshot groups use them: one pool.snapshot.create with
// `recursive` snapshots a dataset and every descendant at once with the same user properties
// (25.10: libzfs in one call; 26: lzc.create_snapshots, all or none); hold and release with
// `recursive` act on the same-named snapshots of the descendants; a recursive delete refuses as a
// whole while any of them is held.
import { describe, expect, it } from 'vitest';
import { createZvol, MiB, simWithClient } from './fixture.js';

type Snap = { id: string; holds?: Record<string, number>; properties: Record<string, Record<string, unknown>> };

describe.each(['25.10', '26.0'] as const)('truenas-sim recursive snapshots (%s)', (version) => {
  it('snapshots, holds, releases and deletes a dataset and its children together', async () => {
    const { rpc } = await simWithClient({ version });
    await rpc.call('pool.dataset.create', [{ name: 'tank/k8s/vg_app', type: 'FILESYSTEM' }]);
    await createZvol(rpc, 'tank/k8s/vg_app/a', 16 * MiB);
    await createZvol(rpc, 'tank/k8s/vg_app/b', 16 * MiB);
    const ids = ['tank/k8s/vg_app@g1', 'tank/k8s/vg_app/a@g1', 'tank/k8s/vg_app/b@g1'];
    await rpc.call('pool.snapshot.create', [
      { dataset: 'tank/k8s/vg_app', name: 'g1', recursive: true, properties: { 'opencsp:snapshot_name': 'g1' } },
    ]);
    const query = () =>
      rpc.call<Snap[]>('pool.snapshot.query', [
        [['id', 'in', ids]],
        { extra: { holds: true, properties: ['opencsp:snapshot_name'] } },
      ]);
    const created = await query();
    expect(created.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(created.every((s) => s.properties['opencsp:snapshot_name']?.source === 'LOCAL')).toBe(true);

    const again = await rpc.fail('pool.snapshot.create', [{ dataset: 'tank/k8s/vg_app', name: 'g1', recursive: true }]);
    expect(JSON.stringify(again)).toMatch(/already exists/);
    await rpc.call('pool.snapshot.hold', [ids[0], { recursive: true }]);
    expect((await query()).map((s) => s.holds)).toEqual([{ truenas: 1 }, { truenas: 1 }, { truenas: 1 }]);
    expect(JSON.stringify(await rpc.fail('pool.snapshot.hold', [ids[0], { recursive: true }]))).toMatch(
      /tag already exists/,
    );
    expect(JSON.stringify(await rpc.fail('pool.snapshot.delete', [ids[0], { recursive: true }]))).toMatch(/held|holds/);
    expect(await query()).toHaveLength(3);

    await rpc.call('pool.snapshot.release', [ids[0], { recursive: true }]);
    expect((await query()).every((s) => s.holds === undefined || Object.keys(s.holds).length === 0)).toBe(true);
    expect(await rpc.call('pool.snapshot.delete', [ids[0], { recursive: true }])).toBe(true);
    expect(await query()).toEqual([]);
  });
});
