// pool.dataset.query and get_instance. Like middleware's generic_query, filters that pin `id` or
// `name` with `=`/`in` open only those datasets (plus children when `retrieve_children`, the
// default); any other filter walks every dataset. The walk size is counted in `sim.scans`.
import { pinnedValues } from '../query/filters.js';
import { type QueryOptions, queryArgs, queryParams, runQuery } from '../query/query.js';
import { instanceNotFound } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { type ArgSpec, arg, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import type { Dataset } from './model.js';
import { renderDataset } from './render.js';

function candidates(sim: SimCore, filters: unknown[], retrieveChildren: boolean): Dataset[] {
  const pinned = pinnedValues(filters, 'id') ?? pinnedValues(filters, 'name');
  if (!pinned) {
    return [...sim.zfs.datasets.values()];
  }
  const names = new Set<string>();
  for (const value of pinned) {
    if (typeof value === 'string' && sim.zfs.datasets.has(value)) {
      names.add(value);
      if (retrieveChildren) {
        for (const child of sim.zfs.descendants(value)) {
          names.add(child);
        }
      }
    }
  }
  return [...names].map((n) => sim.zfs.datasets.get(n) as Dataset);
}

export function queryDatasets(sim: SimCore, filters: unknown[], options: QueryOptions): unknown {
  const extra = options.extra;
  const retrieveChildren = extra.retrieve_children !== false;
  if (options.count) {
    // generic_query (plugins/pool_/dataset_query_utils.py, TS-25.10.6 and stable/26 alike) counts
    // every dataset its walk visits and returns before any filter applies: all of them when there
    // are filters or retrieve_children (the default), only the pools' root datasets otherwise.
    return filters.length > 0 || retrieveChildren ? sim.zfs.datasets.size : sim.zfs.pools.size;
  }
  const properties = Array.isArray(extra.properties) ? (extra.properties as string[]) : null;
  const rows = candidates(sim, filters, retrieveChildren).sort((a, b) => (a.name < b.name ? -1 : 1));
  sim.scans.datasetRows += rows.length;
  const rendered = rows.map((ds) =>
    renderDataset(sim.zfs, ds, { properties, userProperties: extra.retrieve_user_props !== false }),
  );
  if (extra.flat === false) {
    return runQuery(nest(rendered), filters, options);
  }
  return runQuery(rendered, filters, options);
}

/** `flat: false`: top-level results with their descendants nested under `children`. */
function nest(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const byName = new Map(rows.map((row) => [row.name as string, row]));
  const roots: Array<Record<string, unknown>> = [];
  for (const row of rows) {
    const name = row.name as string;
    const parent = byName.get(name.slice(0, name.lastIndexOf('/')));
    if (name.includes('/') && parent) {
      (parent.children as unknown[]).push(row);
    } else {
      roots.push(row);
    }
  }
  return roots;
}

export function getDataset(sim: SimCore, id: string, options?: QueryOptions): Record<string, unknown> {
  const opts: QueryOptions = options ?? {
    relationships: true,
    extra: { retrieve_children: false },
    order_by: [],
    select: [],
    count: false,
    get: false,
    offset: 0,
    limit: 0,
    force_sql_filters: false,
  };
  const rows = queryDatasets(sim, [['id', '=', id]], { ...opts, get: false, count: false }) as unknown[];
  if (rows.length === 0) {
    throw instanceNotFound(`PoolDataset ${id} does not exist`);
  }
  return rows[0] as Record<string, unknown>;
}

export const datasetQueryMethods: MethodTable<CallContext> = {
  'pool.dataset.query': {
    args: queryArgs,
    handler: (ctx, values) => {
      const { filters, options } = queryParams(values);
      return queryDatasets(ctx.sim, filters, options);
    },
  },
  'pool.dataset.get_instance': {
    args: [arg('id', s.str()), queryArgs[1] as ArgSpec],
    handler: (ctx, [id, options]) => getDataset(ctx.sim, id as string, options as QueryOptions),
  },
};
