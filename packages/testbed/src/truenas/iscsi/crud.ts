// `query` and `get_instance` for the datastore-backed iSCSI services. These middleware services
// load the whole table and filter in Python, so a query always reads every row; the call count is
// what clients control.
import { queryArgs, queryParams, runQuery } from '../query/query.js';
import { instanceNotFound } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { type ArgSpec, arg, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import type { Table } from '../state/table.js';

export function crudReads<T extends { id: number }>(
  namespace: string,
  verboseName: string,
  table: (sim: SimCore) => Table<T>,
  show: (sim: SimCore, row: T) => Record<string, unknown> = (_sim, row) => ({ ...row }),
): MethodTable<CallContext> {
  return {
    [`${namespace}.query`]: {
      args: queryArgs,
      handler: (ctx, values) => {
        const { filters, options } = queryParams(values);
        return runQuery(
          table(ctx.sim)
            .all()
            .map((row) => show(ctx.sim, row)),
          filters,
          options,
        );
      },
    },
    [`${namespace}.get_instance`]: {
      args: [arg('id', s.int()), queryArgs[1] as ArgSpec],
      handler: (ctx, [id]) => {
        const row = table(ctx.sim).get(id as number);
        if (!row) {
          throw instanceNotFound(`${verboseName} ${String(id)} does not exist`);
        }
        return show(ctx.sim, row);
      },
    },
  };
}

/** The row of `id`, or InstanceNotFound as get_instance raises it inside update/delete. */
export function requireRow<T extends { id: number }>(table: Table<T>, id: number, verboseName: string): T {
  const row = table.get(id);
  if (!row) {
    throw instanceNotFound(`${verboseName} ${id} does not exist`);
  }
  return row;
}
