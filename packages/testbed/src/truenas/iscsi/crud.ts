// `query` and `get_instance` of the datastore-backed iSCSI services (service/crud_service.py).
// A service with an `extend` step (target, extent, targetextent, initiator, portal) answers a
// query by reading its whole table, extending every row and filtering afterwards in Python,
// unless the caller passes `force_sql_filters: true`: then the filters go to SQLite on the raw
// columns and only the matching rows are read and extended (a filter on a field that is not a
// column fails, see query/sql.ts). A service without extend (auth) always filters in SQL.
// `get_instance(id, options)` is `query([["id", "=", id]], options)`, with the same two paths.
import { type QueryOptions, queryArgs, queryParams, runQuery, selectAndGet, window } from '../query/query.js';
import { pinnedIds, type SqlTable, sqlOrderBy, sqlWhere } from '../query/sql.js';
import { instanceNotFound } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { type ArgSpec, arg, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import type { Table } from '../state/table.js';

export interface Datastore<T extends { id: number }> {
  /** `<namespace>.query`, e.g. `iscsi.target.query`. */
  namespace: string;
  /** `verbose_name` for InstanceNotFound. */
  verboseName: string;
  table: (sim: SimCore) => Table<T>;
  columns: SqlTable<T>;
  /** The service has a `datastore_extend`; `show` is that step (the API entry of a row). */
  extend?: (sim: SimCore, row: T) => Record<string, unknown>;
  /** Without extend: the row as the datastore returns it (foreign keys expanded, `datastore_extend_fk`). */
  expandFk?: (sim: SimCore, row: T) => Record<string, unknown>;
  /** The scan counter its query rows add to (default `iscsiQueryRows`). */
  scan?: 'iscsiQueryRows' | 'nvmetQueryRows';
}

function sqlQuery<T extends { id: number }>(
  ds: Datastore<T>,
  sim: SimCore,
  filters: unknown[],
  options: QueryOptions,
): unknown {
  const table = ds.table(sim);
  const where = sqlWhere(ds.columns, filters, { sim, relationships: options.relationships });
  if (options.count) {
    return table.count(where);
  }
  const order = options.order_by.length > 0 ? sqlOrderBy(ds.columns, options.order_by) : undefined;
  const rows = table.where(
    where,
    (matched) => window(order ? [...matched].sort(order) : matched, options),
    pinnedIds(filters),
  );
  return selectAndGet(
    rows.map((row) => (ds.extend ? ds.extend(sim, row) : ds.expandFk ? ds.expandFk(sim, row) : { ...row })),
    options,
  );
}

function pythonQuery<T extends { id: number }>(
  ds: Datastore<T>,
  sim: SimCore,
  filters: unknown[],
  options: QueryOptions,
  counted = true,
): unknown {
  const extend = ds.extend as (sim: SimCore, row: T) => Record<string, unknown>;
  const table = ds.table(sim);
  return runQuery(
    (counted ? table.all() : table.rows()).map((row) => extend(sim, row)),
    filters,
    options,
  );
}

/** `knobs.compareSqlFilters`: the same query answered the Python way, differences recorded. */
function compareWithPython<T extends { id: number }>(
  ds: Datastore<T>,
  sim: SimCore,
  filters: unknown[],
  options: QueryOptions,
  sql: () => unknown,
): unknown {
  const attempt = (run: () => unknown): { value: unknown } | { error: unknown } => {
    try {
      return { value: run() };
    } catch (error) {
      return { error };
    }
  };
  const viaSql = attempt(sql);
  const viaPython = attempt(() => pythonQuery(ds, sim, filters, options, false));
  const shown = (a: { value: unknown } | { error: unknown }) =>
    'value' in a ? a.value : { error: (a.error as { data?: unknown }).data ?? String(a.error) };
  if (JSON.stringify(shown(viaSql)) !== JSON.stringify(shown(viaPython))) {
    sim.sqlMismatches.push({ method: `${ds.namespace}.query`, filters, sql: shown(viaSql), python: shown(viaPython) });
  }
  if ('error' in viaSql) {
    throw viaSql.error;
  }
  return viaSql.value;
}

/** One `<namespace>.query` call; the rows it reads are added to `sim.scans[ds.scan ?? 'iscsiQueryRows']`. */
export function datastoreQuery<T extends { id: number }>(
  ds: Datastore<T>,
  sim: SimCore,
  filters: unknown[],
  options: QueryOptions,
): unknown {
  const table = ds.table(sim);
  const before = table.rowsRead;
  try {
    if (!ds.extend || !options.force_sql_filters) {
      return ds.extend ? pythonQuery(ds, sim, filters, options) : sqlQuery(ds, sim, filters, options);
    }
    const sql = () => sqlQuery(ds, sim, filters, options);
    return sim.knobs.compareSqlFilters ? compareWithPython(ds, sim, filters, options, sql) : sql();
  } finally {
    sim.scans[ds.scan ?? 'iscsiQueryRows'] += table.rowsRead - before;
  }
}

export function crudReads<T extends { id: number }>(ds: Datastore<T>): MethodTable<CallContext> {
  return {
    [`${ds.namespace}.query`]: {
      args: queryArgs,
      handler: (ctx, values) => {
        const { filters, options } = queryParams(values);
        return datastoreQuery(ds, ctx.sim, filters, options);
      },
    },
    [`${ds.namespace}.get_instance`]: {
      args: [arg('id', s.int()), queryArgs[1] as ArgSpec],
      handler: (ctx, [id, options]) => {
        const base = { ...(options as QueryOptions), get: false, count: false };
        const rows = datastoreQuery(ds, ctx.sim, [['id', '=', id]], base) as unknown[];
        if (rows.length === 0) {
          throw instanceNotFound(`${ds.verboseName} ${String(id)} does not exist`);
        }
        return rows[0];
      },
    },
  };
}

/**
 * The row of `id`, or InstanceNotFound as get_instance raises it inside update/delete, read
 * without counting (the NVMe-oF services, whose own reads are not modelled).
 */
export function requireRow<T extends { id: number }>(table: Table<T>, id: number, verboseName: string): T {
  const row = table.get(id);
  if (!row) {
    throw instanceNotFound(`${verboseName} ${id} does not exist`);
  }
  return row;
}

/**
 * `await self.get_instance(id)` inside the middleware's own create, update or delete (the iSCSI
 * plugins: every `do_update` and `do_delete` starts with one, every `do_create` and `do_update`
 * ends with one). It is `query([["id", "=", id]])` without `force_sql_filters`: a service with an
 * extend step (`extended`) reads and extends its whole table, one without (auth) reads the row in
 * SQL. Counted in the table's `rowsRead`, not in `scans` (the middleware's work, not a client's
 * query). InstanceNotFound when the row is gone.
 */
export function instanceOf<T extends { id: number }>(
  table: Table<T>,
  id: number,
  verboseName: string,
  extended = true,
): T {
  const rows = extended ? table.all() : table.where((row) => row.id === id, undefined, [id]);
  const row = rows.find((r) => r.id === id);
  if (!row) {
    throw instanceNotFound(`${verboseName} ${id} does not exist`);
  }
  return row;
}

/** `return await self.get_instance(id)` at the end of a create or update (see `instanceOf`). */
export function readBack<T extends { id: number }>(table: Table<T>, row: T, extended = true): T {
  instanceOf(table, row.id, '', extended);
  return row;
}
