// The rows an iSCSI update or delete reads inside the middleware, counted as TrueNAS 25.10 and 26
// read them (plugins/iscsi_/*.py): every `do_update` and `do_delete` starts with
// `self.get_instance(id)`, every `do_update` (and `do_create`) ends with one, and get_instance is a
// query without force_sql_filters, so a service with an extend step (target, extent, LUN map,
// initiator, portal) reads its whole table each time; auth has none and reads its row in SQL.
// A target or extent delete lists its mappings the same way and deletes each through
// `iscsi.targetextent.delete` (get_instance, and the audit summary naming target and extent).
// None of these reads is a client's query: `scans.iscsiQueryRows` does not move.
import { describe, expect, it } from 'vitest';
import type { TrueNasSimulator } from '../../src/truenas/index.js';
import { seededIscsi } from './fixture.js';

type Row = Record<string, unknown> & { id: number };

/** Rows of each iSCSI table read during `work`, and whether any counted as a client query. */
async function readsOf(sim: TrueNasSimulator, work: () => Promise<unknown>) {
  const { targets, extents, targetextents, initiators, auth } = sim.core.iscsi;
  const tables = { targets, extents, targetextents, initiators, auth };
  const before = Object.fromEntries(Object.entries(tables).map(([k, t]) => [k, t.rowsRead]));
  const queried = sim.core.scans.iscsiQueryRows;
  await work();
  expect(sim.core.scans.iscsiQueryRows, 'rows counted as client queries').toBe(queried);
  return Object.fromEntries(Object.entries(tables).map(([k, t]) => [k, t.rowsRead - (before[k] as number)]));
}

function found<T>(row: T | undefined): T {
  expect(row).toBeDefined();
  return row as T;
}

const none = { targets: 0, extents: 0, targetextents: 0, initiators: 0, auth: 0 };

describe('truenas-sim rows read inside iSCSI updates and deletes', () => {
  it('target and extent update: get_instance before and after, each the whole table', async () => {
    const n = 20;
    const { sim, rpc } = await seededIscsi(n);
    const target = found(sim.core.iscsi.targets.find((t) => t.name === 't3'));
    expect(await readsOf(sim, () => rpc.call('iscsi.target.update', [target.id, { groups: [] }]))).toEqual({
      ...none,
      targets: 2 * n,
    });
    const extent = found(sim.core.iscsi.extents.find((e) => e.name === 'e3'));
    // The extent's checks (clean, as on create) add their whole-table read of the disks in use.
    expect(await readsOf(sim, () => rpc.call('iscsi.extent.update', [extent.id, { comment: 'x' }]))).toEqual({
      ...none,
      extents: 2 * n + n,
    });
  });

  it('LUN map delete: get_instance and the audit summary', async () => {
    const n = 15;
    const { sim, rpc } = await seededIscsi(n);
    const te = found(sim.core.iscsi.targetextents.rows()[0]);
    expect(await readsOf(sim, () => rpc.call('iscsi.targetextent.delete', [te.id]))).toEqual({
      ...none,
      targets: n,
      extents: n,
      targetextents: n,
    });
  });

  it('target and extent delete: get_instance, the mapping listing, and each mapping delete', async () => {
    const n = 12;
    const { sim, rpc } = await seededIscsi(n);
    const target = found(sim.core.iscsi.targets.find((t) => t.name === 't0'));
    // get_instance (n targets); its mappings (n); the mapping's delete: get_instance (n) and the
    // summary (n targets, n extents), all before the target's row goes.
    expect(await readsOf(sim, () => rpc.call('iscsi.target.delete', [target.id]))).toEqual({
      ...none,
      targets: 2 * n,
      extents: n,
      targetextents: 2 * n,
    });
    // The extent of t0 has no mapping left: get_instance and the (empty) listing of its mappings.
    const extent = found(sim.core.iscsi.extents.find((e) => e.name === 'e0'));
    expect(await readsOf(sim, () => rpc.call('iscsi.extent.delete', [extent.id]))).toEqual({
      ...none,
      extents: n,
      targetextents: n - 1,
    });
    const mapped = found(sim.core.iscsi.extents.find((e) => e.name === 'e1'));
    expect(await readsOf(sim, () => rpc.call('iscsi.extent.delete', [mapped.id]))).toEqual({
      ...none,
      targets: n - 1,
      extents: 2 * (n - 1),
      targetextents: 2 * (n - 1),
    });
  });

  it('initiator create, update and delete: the whole table; auth: its row in SQL', async () => {
    const n = 10;
    const { sim, rpc } = await seededIscsi(n, { initiators: true });
    const groups = n / 2;
    let group: Row | undefined;
    expect(
      await readsOf(sim, async () => {
        group = await rpc.call<Row>('iscsi.initiator.create', [{ initiators: [], comment: 'g' }]);
      }),
    ).toEqual({ ...none, initiators: groups + 1 });
    expect(await readsOf(sim, () => rpc.call('iscsi.initiator.update', [group?.id, { comment: 'h' }]))).toEqual({
      ...none,
      initiators: 2 * (groups + 1),
    });
    expect(await readsOf(sim, () => rpc.call('iscsi.initiator.delete', [group?.id]))).toEqual({
      ...none,
      initiators: groups + 1,
    });
    let auth: Row | undefined;
    const secret = 'abcdefghijkl';
    expect(
      await readsOf(sim, async () => {
        auth = await rpc.call<Row>('iscsi.auth.create', [{ tag: 7, user: 'u', secret }]);
      }),
    ).toEqual({ ...none, auth: 1 });
    expect(await readsOf(sim, () => rpc.call('iscsi.auth.update', [auth?.id, { user: 'v' }]))).toEqual({
      ...none,
      auth: 2,
    });
    expect(await readsOf(sim, () => rpc.call('iscsi.auth.delete', [auth?.id]))).toEqual({ ...none, auth: 1 });
  });

  it('answers InstanceNotFound for a row that is gone, after reading as the middleware does', async () => {
    const n = 4;
    const { sim, rpc } = await seededIscsi(n);
    const failure = await rpc.fail('iscsi.target.update', [999, { groups: [] }]);
    expect(failure.data?.extra).toEqual([[null, 'iSCSITarget 999 does not exist', 2]]);
    expect(await readsOf(sim, () => rpc.fail('iscsi.target.delete', [999]))).toEqual({ ...none, targets: n });
  });
});
