// Filtered queries of TrueNAS's datastore-backed iSCSI and NVMe-oF services, answered in SQL.
//
// Without `force_sql_filters`, `iscsi.target/extent/targetextent/initiator.query` read and extend
// every row of their table and filter afterwards in Python (service/crud_service.py): a lookup by
// name costs as much as listing everything, and grows with the number of volumes. With it, the
// datastore turns the filters into a WHERE clause and reads only the matching rows.
//
// SQL sees the table's raw columns, not the API's fields, and it fails (no fallback) on anything
// else, so this is only for filters that SQL runs with the same meaning:
// - fields that are plain columns, listed below per method (never a computed field such as a
//   target's `groups` or an extent's `disk`, never a dotted path);
// - operators `= != > >= < <= in nin ^ $` (no `C` prefix, no `rin`, `!^`, `rnin`...);
// - OR groups whose branches are single filters.
// `^` and `$` become SQL LIKE, which ignores ASCII case and treats `_` and `%` as wildcards: the
// answer may hold more rows than Python's startswith/endswith would, so callers re-check string
// prefixes and suffixes on what comes back. `=`, `in` and ids match exactly.
import { CspProblem } from '@opencsp/csp-spec/server';
import { read, type SessionContext } from './context.js';

/** Plain columns each method may filter on (API field names; the datastore adds its prefix). */
export const sqlColumns: Readonly<Record<string, readonly string[]>> = {
  'iscsi.target.query': ['id', 'name', 'alias'],
  'iscsi.extent.query': ['id', 'name', 'serial', 'path', 'naa', 'comment'],
  'iscsi.targetextent.query': ['id', 'target', 'extent', 'lunid'],
  'iscsi.initiator.query': ['id', 'comment'],
  'iscsi.auth.query': ['id', 'tag', 'user', 'peeruser'],
  'nvmet.host.query': ['id', 'hostnqn'],
  'nvmet.subsys.query': ['id', 'name', 'subnqn'],
  'nvmet.namespace.query': ['id', 'nsid', 'device_path'],
};

const sqlOps = new Set(['=', '!=', '>', '>=', '<', '<=', 'in', 'nin', '^', '$']);

/** Why SQL cannot run these filters on `method` as filter_list would, or undefined when it can. */
export function sqlProblem(method: string, filters: readonly unknown[]): string | undefined {
  const columns = sqlColumns[method];
  if (!columns) {
    return `${method} is not a datastore query this CSP filters in SQL`;
  }
  for (const filter of filters) {
    if (!Array.isArray(filter)) {
      return `filter ${JSON.stringify(filter)} is not a list`;
    }
    if (filter.length === 2 && filter[0] === 'OR' && Array.isArray(filter[1])) {
      const nested = (filter[1] as unknown[]).map((branch) =>
        Array.isArray(branch) && Array.isArray(branch[0])
          ? 'an OR branch must be a single filter, not a list of filters'
          : sqlProblem(method, [branch]),
      );
      const problem = nested.find((p) => p !== undefined);
      if (problem) {
        return problem;
      }
      continue;
    }
    const [field, op] = filter as [unknown, unknown];
    if (filter.length !== 3 || typeof field !== 'string' || !columns.includes(field)) {
      return `${JSON.stringify(filter)} does not filter a plain column of ${method}`;
    }
    if (typeof op !== 'string' || !sqlOps.has(op)) {
      return `operator ${JSON.stringify(op)} does not run in SQL`;
    }
  }
  return undefined;
}

/**
 * `method(filters, {...options, force_sql_filters: true})`: the array reads only the rows that
 * match. Refuses (500, before calling the array) filters SQL would not run as Python does.
 */
export function querySql<T>(
  ctx: SessionContext,
  method: string,
  filters: unknown[],
  options: Record<string, unknown> = {},
): Promise<T> {
  const columns = sqlColumns[method] ?? [];
  const order = ((options.order_by as string[] | undefined) ?? []).map((spec) =>
    spec.replace(/^nulls_(first|last):/, '').replace(/^-/, ''),
  );
  const problem =
    sqlProblem(method, filters) ??
    order.filter((field) => !columns.includes(field)).map((field) => `order_by ${field} is not a plain column`)[0];
  if (problem) {
    return Promise.reject(new CspProblem('INTERNAL', `cannot filter ${method} in SQL: ${problem}`));
  }
  return read<T>(ctx, method, [filters, { ...options, force_sql_filters: true }]);
}
