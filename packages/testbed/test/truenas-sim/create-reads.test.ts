// The rows an iSCSI create reads inside the middleware, counted as TrueNAS 25.10 and 26 read them
// (plugins/iscsi_/extents.py, targets.py, target_to_extent.py; service/crud_service.py): a service
// query without force_sql_filters, get_instance included, reads every row; an SQL lookup reads
// its matches. Only the serial listing depends on the client: it goes when the client sends a serial.
import { describe, expect, it } from 'vitest';
import type { TrueNasSimulator } from '../../src/truenas/index.js';
import { createZvol, seededIscsi } from './fixture.js';

type Row = Record<string, unknown> & { id: number };

const seeded = (count: number) => seededIscsi(count);

/** Rows of each iSCSI table read during `work`. */
async function readsOf(sim: TrueNasSimulator, work: () => Promise<unknown>) {
  const { targets, extents, targetextents } = sim.core.iscsi;
  const before = [targets.rowsRead, extents.rowsRead, targetextents.rowsRead];
  await work();
  const [t, e, te] = before as [number, number, number];
  return { targets: targets.rowsRead - t, extents: extents.rowsRead - e, targetextents: targetextents.rowsRead - te };
}

describe('truenas-sim rows read inside iSCSI creates', () => {
  it('extent create: serial listing only without a serial; flattened names, disk check and read-back always', async () => {
    const n = 30;
    const { sim, rpc } = await seeded(n);
    await createZvol(rpc, 'tank/k8s/a');
    await createZvol(rpc, 'tank/k8s/b');
    // No serial: every serial (n), every flattened name (n), every disk (n), get_instance (n + 1).
    const auto = await readsOf(sim, () => rpc.call('iscsi.extent.create', [{ name: 'a', disk: 'zvol/tank/k8s/a' }]));
    expect(auto).toEqual({ targets: 0, extents: 4 * n + 1, targetextents: 0 });
    // With one: the SQL lookup of that serial finds nothing, so the listing is all that goes.
    const given = await readsOf(sim, () =>
      rpc.call('iscsi.extent.create', [{ name: 'b', disk: 'zvol/tank/k8s/b', serial: '0123456789abcde' }]),
    );
    expect(given).toEqual({ targets: 0, extents: 3 * (n + 1) + 1, targetextents: 0 });
  });

  it('refuses a duplicate serial as the middleware does, with name and disk problems in the same error', async () => {
    const { rpc } = await seeded(2);
    await createZvol(rpc, 'tank/k8s/a');
    const first = await rpc.call<Row & { serial: string }>('iscsi.extent.create', [
      { name: 'a', disk: 'zvol/tank/k8s/a', serial: 'fedcba9876543210abcd' },
    ]);
    expect(first.serial).toBe('fedcba9876543210abcd');
    const dup = await rpc.fail('iscsi.extent.create', [{ name: 'e0', disk: 'zvol/tank/k8s/a', serial: first.serial }]);
    expect(dup.code).toBe(-32602);
    expect(dup.data).toMatchObject({ error: 22, errname: 'EINVAL' });
    expect(dup.data?.extra).toEqual([
      ['iscsi_extent_create.name', 'Extent name must be unique', 22],
      ['iscsi_extent_create.serial', 'Serial number must be unique', 22],
      ['iscsi_extent_create.disk', 'Disk currently in use by extent a', 22],
    ]);
    // An early exit of the disk checks (`raise verrors`) carries what name and serial found.
    const early = await rpc.fail('iscsi.extent.create', [{ name: 'e1', disk: 'tank/k8s/a', serial: first.serial }]);
    expect(early.data?.extra).toEqual([
      ['iscsi_extent_create.name', 'Extent name must be unique', 22],
      ['iscsi_extent_create.serial', 'Serial number must be unique', 22],
      ['iscsi_extent_create.disk', 'Disk name must start with "zvol/"', 22],
    ]);
  });

  it('target create: the free rel_tgt_id and the read-back read every target; LUN map: target, extent, mappings', async () => {
    const n = 25;
    const { sim, rpc } = await seeded(n);
    await createZvol(rpc, 'tank/k8s/a');
    let target: Row | undefined;
    const t = await readsOf(sim, async () => {
      target = await rpc.call<Row>('iscsi.target.create', [{ name: 'a', groups: [] }]);
    });
    expect(t).toEqual({ targets: 2 * n + 1, extents: 0, targetextents: 0 });
    expect(target?.rel_tgt_id).toBe(n + 1);
    const extent = await rpc.call<Row>('iscsi.extent.create', [
      { name: 'a', disk: 'zvol/tank/k8s/a', serial: 'aaaaaaaaaaaaaaa' },
    ]);
    // lunid 0 given: no lookup for a free LUN; the two SQL checks find nothing.
    const lun = await readsOf(sim, () =>
      rpc.call('iscsi.targetextent.create', [{ target: target?.id, extent: extent.id, lunid: 0 }]),
    );
    expect(lun).toEqual({ targets: n + 1, extents: n + 1, targetextents: n + 1 });
  });

  it('gives a new target the lowest free rel_tgt_id, as get_rel_tgt_id does', async () => {
    const { sim, rpc } = await seeded(3);
    const doomed = sim.core.iscsi.targets.find((t) => t.name === 't1');
    await rpc.call('iscsi.target.delete', [doomed?.id]);
    const target = await rpc.call<Row>('iscsi.target.create', [{ name: 'again' }]);
    expect(target.rel_tgt_id).toBe(doomed?.rel_tgt_id);
  });
});
