// `force_sql_filters` on the datastore-backed iSCSI queries, over a real WebSocket: without it a
// service with an extend step reads (and extends) its whole table and filters in Python; with it
// SQLite filters the raw columns and only the matches are read, and a filter SQL cannot run fails
// exactly as the middleware fails (KeyError / ValueError / IndexError, -32001, EINVAL).
import { describe, expect, it } from 'vitest';
import type { TrueNasSimulator } from '../../src/truenas/index.js';
import { seededIscsi, simWithClient } from './fixture.js';

type Row = Record<string, unknown> & { id: number };
const sql = { force_sql_filters: true };

const seeded = (count: number) => seededIscsi(count, { initiators: true });

/** Runs a call and returns its result with the iSCSI rows the query path read for it. */
async function measured<T>(sim: TrueNasSimulator, work: () => Promise<T>): Promise<{ result: T; rows: number }> {
  const before = sim.core.scans.iscsiQueryRows;
  const result = await work();
  return { result, rows: sim.core.scans.iscsiQueryRows - before };
}

describe('truenas-sim force_sql_filters', () => {
  it('reads the whole table without it and only the matches with it, with the same answer', async () => {
    const { sim, rpc } = await seeded(40);
    for (const [method, filters] of [
      ['iscsi.target.query', [['name', '=', 't7']]],
      ['iscsi.extent.query', [['id', '=', 8]]],
      ['iscsi.targetextent.query', [['target', '=', 9]]],
      ['iscsi.initiator.query', [['comment', '=', 'opencsp:volume:t4']]],
    ] as const) {
      const table = await measured(sim, () => rpc.call<Row[]>(method, [filters]));
      const forced = await measured(sim, () => rpc.call<Row[]>(method, [filters, sql]));
      expect(forced.result).toEqual(table.result);
      expect(forced.result).toHaveLength(1);
      expect(forced.rows).toBe(1);
      expect(table.rows).toBe(method === 'iscsi.initiator.query' ? 20 : 40);
    }
    const [target] = await rpc.call<Row[]>('iscsi.target.query', [[['name', '=', 't0']], sql]);
    expect(target).toMatchObject({ name: 't0', mode: 'ISCSI', groups: [{ portal: 1, authmethod: 'NONE' }] });
  });

  it('counts every row it reads in Table.rowsRead, and nothing for count', async () => {
    const { sim, rpc } = await seeded(10);
    const { targets } = sim.core.iscsi;
    const before = targets.rowsRead;
    expect(await rpc.call('iscsi.target.query', [[['name', '^', 't']], { ...sql, count: true }])).toBe(10);
    expect(targets.rowsRead).toBe(before);
    const page = await rpc.call<Row[]>('iscsi.target.query', [[], { ...sql, order_by: ['-id'], limit: 3 }]);
    expect(page.map((t) => t.id)).toEqual([10, 9, 8]);
    expect(targets.rowsRead).toBe(before + 3);
    await rpc.call('iscsi.target.query', [[], { order_by: ['-id'], limit: 3 }]);
    expect(targets.rowsRead).toBe(before + 13);
  });

  it('fails on fields that are not columns, as KeyError, instead of falling back', async () => {
    const { rpc } = await seeded(4);
    const viaPython = await rpc.call<Row[]>('iscsi.target.query', [[['groups.0.portal', '=', 1]]]);
    expect(viaPython.map((t) => t.name)).toEqual(['t0', 't2']);
    for (const [method, field] of [
      ['iscsi.target.query', 'groups'],
      ['iscsi.extent.query', 'disk'],
      ['iscsi.extent.query', 'locked'],
      ['iscsi.portal.query', 'listen'],
    ] as const) {
      const err = await rpc.fail(method, [[[field, '=', null]], sql]);
      expect(err).toMatchObject({
        code: -32001,
        message: 'Method call error',
        data: { error: 22, errname: 'EINVAL', reason: `'${field}'`, extra: null, trace: { class: 'KeyError' } },
      });
    }
    const dotted = await rpc.fail('iscsi.target.query', [[['groups.0.portal', '=', 1]], sql]);
    expect(dotted.data).toMatchObject({ reason: "'groups'", trace: { class: 'KeyError' } });
    const notForeign = await rpc.fail('iscsi.target.query', [[['name.x', '=', 1]], sql]);
    expect(notForeign.data).toMatchObject({ reason: 'list index out of range', trace: { class: 'IndexError' } });
    const order = await rpc.fail('iscsi.target.query', [[], { ...sql, order_by: ['groups'] }]);
    expect(order.data?.reason).toBe("'groups'");
  });

  it('joins foreign keys on dotted fields, by the joined table’s raw column names', async () => {
    const { rpc } = await seeded(4);
    const [t2] = await rpc.call<Row[]>('iscsi.target.query', [[['name', '=', 't2']], sql]);
    const byId = await rpc.call<Row[]>('iscsi.targetextent.query', [[['target.id', '=', t2?.id]], sql]);
    const byName = await rpc.call<Row[]>('iscsi.targetextent.query', [[['target__iscsi_target_name', '=', 't2']], sql]);
    expect(byId).toHaveLength(1);
    expect(byName).toEqual(byId);
    expect(byId[0]).toMatchObject({ target: t2?.id, lunid: 0 });
    const apiName = await rpc.fail('iscsi.targetextent.query', [[['target.name', '=', 't2']], sql]);
    expect(apiName.data?.reason).toBe("'name'");
    const noJoin = await rpc.fail('iscsi.targetextent.query', [
      [['target.id', '=', 1]],
      { ...sql, relationships: false },
    ]);
    expect(noJoin.data).toMatchObject({
      reason: "ForeignKey('services_iscsitarget.id')",
      trace: { class: 'KeyError' },
    });
  });

  it('runs only the SQL operators, with LIKE and SQLite semantics', async () => {
    const { rpc } = await seeded(4);
    for (const op of ['C=', '!^', '!$', 'rnin']) {
      const err = await rpc.fail('iscsi.target.query', [[['name', op, 't1']], sql]);
      expect(err.data).toMatchObject({ reason: `Invalid operation: ${op}`, trace: { class: 'ValueError' } });
    }
    expect(await rpc.call<Row[]>('iscsi.target.query', [[['name', 'C=', 'T1']]])).toHaveLength(1);
    const like = await rpc.call<Row[]>('iscsi.initiator.query', [[['comment', '^', 'OPENCSP:VOLUME:T_']], sql]);
    expect(like.map((g) => g.comment)).toEqual(['opencsp:volume:t0', 'opencsp:volume:t2']);
    expect(await rpc.call<Row[]>('iscsi.initiator.query', [[['comment', '^', 'OPENCSP:VOLUME:T_']]])).toEqual([]);
    const raw = await rpc.call<Row[]>('iscsi.initiator.query', [[['initiators', '=', 'iqn.2024-01.io.test:n2']], sql]);
    expect(raw.map((g) => g.initiators)).toEqual([['iqn.2024-01.io.test:n2']]);
    const alias = await rpc.call<Row[]>('iscsi.target.query', [[['alias', '!=', 'x']], sql]);
    expect(alias).toEqual([]);
    const nested = await rpc.fail('iscsi.target.query', [
      [
        [
          'OR',
          [
            [
              ['name', '=', 't1'],
              ['id', '=', 2],
            ],
          ],
        ],
      ],
      sql,
    ]);
    expect(nested.data).toMatchObject({ reason: "Invalid operation: ['name', '=', 't1']" });
    const flatOr = await rpc.call<Row[]>('iscsi.target.query', [
      [
        [
          'OR',
          [
            ['name', '=', 't1'],
            ['id', 'in', [3]],
          ],
        ],
      ],
      sql,
    ]);
    expect(flatOr.map((t) => t.name)).toEqual(['t1', 't2']);
  });

  it('always filters iscsi.auth in SQL (no extend step), on encrypted secrets', async () => {
    const { sim, rpc } = await simWithClient();
    await rpc.call('iscsi.auth.create', [{ tag: 7, user: 'chapuser', secret: 'secret-12345' }]);
    const before = sim.core.scans.iscsiQueryRows;
    expect(await rpc.call<Row[]>('iscsi.auth.query', [[['user', '=', 'chapuser']]])).toHaveLength(1);
    expect(sim.core.scans.iscsiQueryRows - before).toBe(1);
    expect(await rpc.call<Row[]>('iscsi.auth.query', [[['secret', '=', 'secret-12345']]])).toEqual([]);
    const err = await rpc.fail('iscsi.auth.query', [[['user', 'C=', 'CHAPUSER']]]);
    expect(err.data?.reason).toBe('Invalid operation: C=');
  });

  it('get_instance reads the whole table unless its options force SQL', async () => {
    const { sim, rpc } = await seeded(12);
    const whole = await measured(sim, () => rpc.call<Row>('iscsi.target.get_instance', [5]));
    const forced = await measured(sim, () => rpc.call<Row>('iscsi.target.get_instance', [5, sql]));
    expect(forced.result).toEqual(whole.result);
    expect([whole.rows, forced.rows]).toEqual([12, 1]);
    const missing = await rpc.fail('iscsi.target.get_instance', [99, sql]);
    expect(missing.data?.extra).toEqual([[null, 'iSCSITarget 99 does not exist', 2]]);
  });
});
