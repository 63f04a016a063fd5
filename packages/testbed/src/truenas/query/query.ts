// `<namespace>.query(filters, options)`: filters, then `count`, `order_by`, `offset`/`limit`,
// `select` and `get`, as filter_list does. `get` with no match raises MatchNotFound, which the
// middleware reports as a bare "Method call error" with EINVAL.
import { unexpectedException, validationErrors } from '../rpc/errors.js';
import { type ArgSpec, arg, s } from '../rpc/schema.js';
import { lookupPath, matches, readPath, validateFilters } from './filters.js';

export interface QueryOptions {
  relationships: boolean;
  extra: Record<string, unknown>;
  order_by: string[];
  select: Array<string | string[]>;
  count: boolean;
  get: boolean;
  offset: number;
  limit: number;
  force_sql_filters: boolean;
}

const optionsSchema = s.obj({
  relationships: s.opt(s.bool(), true),
  extend: s.opt(s.nullable(s.str())),
  extend_context: s.opt(s.nullable(s.str())),
  prefix: s.opt(s.nullable(s.str())),
  extra: s.opt(s.map(s.any()), {}),
  order_by: s.opt(s.list(s.str()), []),
  select: s.opt(s.list(s.union(s.str(), s.list(s.str()))), []),
  count: s.opt(s.bool(), false),
  get: s.opt(s.bool(), false),
  offset: s.opt(s.int({ min: 0 }), 0),
  limit: s.opt(s.int({ min: 0 }), 0),
  force_sql_filters: s.opt(s.bool(), false),
});

/** The two arguments every `*.query` method takes. */
export const queryArgs: ArgSpec[] = [arg('filters', s.list(s.any()), []), arg('options', optionsSchema, {})];

/** Rows a query may ask for (MAX_LIMIT, "sanity check for rows requested by auditing"). */
export const maxLimit = 10_000;

/**
 * The QueryOptions model validator (`validate_options`, same on 25.10 and 26): `get` implies one
 * row (no `limit` over 1, no `offset`), and `limit` is at most 10,000.
 */
function optionsProblem(options: QueryOptions): string | undefined {
  if (options.get && (options.limit > 1 || options.offset > 0)) {
    return 'Invalid options combination. `get` implies a single result.';
  }
  if (options.limit > maxLimit) {
    return `Options limit must be between 1 and ${maxLimit}`;
  }
  return undefined;
}

export function queryParams(values: unknown[]): { filters: unknown[]; options: QueryOptions } {
  const filters = values[0] as unknown[];
  validateFilters(filters);
  const options = values[1] as QueryOptions;
  const problem = optionsProblem(options);
  if (problem) {
    throw validationErrors([['options', `Value error, ${problem}`]]);
  }
  return { filters, options };
}

function sortKey(spec: string): { path: string; descending: boolean; nullsFirst: boolean } {
  let rest = spec;
  let nullsFirst = false;
  if (rest.startsWith('nulls_first:')) {
    nullsFirst = true;
    rest = rest.slice('nulls_first:'.length);
  } else if (rest.startsWith('nulls_last:')) {
    rest = rest.slice('nulls_last:'.length);
  }
  const descending = rest.startsWith('-');
  return { path: descending ? rest.slice(1) : rest, descending, nullsFirst };
}

function orderBy<T>(items: T[], specs: string[]): T[] {
  const keys = specs.map(sortKey);
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const x = readPath(a, key.path);
      const y = readPath(b, key.path);
      if (x === y) {
        continue;
      }
      if (x === null || y === null) {
        return (x === null ? -1 : 1) * (key.nullsFirst ? 1 : -1);
      }
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
      if (c !== 0) {
        return key.descending ? -c : c;
      }
    }
    return 0;
  });
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) as string] = value;
}

/** `do_select`: a field the entry does not have is left out (not set to null). */
function selectFields(item: unknown, select: Array<string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of select) {
    const [from, to] = Array.isArray(entry) ? [entry[0] ?? '', entry[1] ?? entry[0] ?? ''] : [entry, entry];
    const { found, value } = lookupPath(item, from);
    if (!found) {
      continue;
    }
    if (Array.isArray(entry)) {
      out[to] = value;
    } else {
      setPath(out, to, value);
    }
  }
  return out;
}

/** Runs filters and options over already-built entries. */
export function runQuery<T>(items: T[], filters: unknown[], options: QueryOptions): unknown {
  let rows = items.filter((item) => matches(item, filters));
  if (options.count) {
    return rows.length;
  }
  if (options.order_by.length > 0) {
    rows = orderBy(rows, options.order_by);
  }
  return selectAndGet(window(rows, options), options);
}

/** OFFSET and LIMIT. */
export function window<T>(rows: T[], options: Pick<QueryOptions, 'offset' | 'limit'>): T[] {
  let out = rows;
  if (options.offset > 0) {
    out = out.slice(options.offset);
  }
  if (options.limit > 0) {
    out = out.slice(0, options.limit);
  }
  return out;
}

/** `select` then `get`, applied to the final (extended) rows. */
export function selectAndGet(rows: unknown[], options: Pick<QueryOptions, 'select' | 'get'>): unknown {
  const shaped: unknown[] = options.select.length > 0 ? rows.map((row) => selectFields(row, options.select)) : rows;
  if (options.get) {
    if (shaped.length === 0) {
      throw unexpectedException('MatchNotFound()');
    }
    return shaped[0];
  }
  return shaped;
}
