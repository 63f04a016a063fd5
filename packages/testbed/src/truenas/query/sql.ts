// The datastore's SQL filtering (plugins/datastore/filter.py, schema.py, read.py): what a
// datastore-backed `*.query` does with its filters when it has no `extend` step, or when the
// caller passes `force_sql_filters: true`. Filters then apply to the table's raw columns in
// SQLite, before any extend:
// - a field resolves to a column as `name`, `name_id`, `<prefix>name` or `<prefix>name_id`, else
//   KeyError(name). Fields the extend step computes (a target's `groups`, an extent's `disk`,
//   `locked`) are not columns: the call fails, there is no fallback to filtering in Python.
// - `a.b` / `a__b` joins the foreign key column `a` and reads the raw column `b` of the joined
//   table (no prefix); `a` that is not a foreign key raises IndexError.
// - operators `= != > >= < <= ~ in nin ^ $ rin` only; `^`, `$` and `rin` are LIKE patterns
//   (case-insensitive for ASCII, `%` and `_` act as wildcards), `~` is a case-insensitive
//   `re.search`. Anything else (`C=`, `!^`, `rnin`...) raises ValueError "Invalid operation".
// - OR branches must be single filters; a nested AND list raises ValueError.
// - SQL three-valued logic: a comparison with a NULL column is false except `= None`/`!= None`.
// Not modelled: JSON-path fields (`$.…`), answered with a clear "not modelled" error.
import { unexpectedException } from '../rpc/errors.js';
import type { SimCore } from '../state/core.js';
import type { Table } from '../state/table.js';
import { pyError, pyJsonDumps, pyRepr, pyStr, pyType } from './python.js';

export interface SqlReference {
  table: SqlTable<never>;
  rows: (sim: SimCore) => Table<{ id: number }>;
}

export interface SqlColumn<T> {
  /** The value SQLite holds (booleans as 0/1, JSON as text, lists as the middleware stores them). */
  value: (row: T) => unknown;
  /** The table a foreign key column (`…_id`) points at. */
  references?: SqlReference;
}

export interface SqlTable<T> {
  /** Table name, e.g. `services_iscsitarget`. */
  name: string;
  /** The service's `datastore_prefix`, e.g. `iscsi_target_`. */
  prefix: string;
  /** Columns by their database name (`id`, `iscsi_target_name`, `iscsi_target_id`...). */
  columns: Record<string, SqlColumn<T>>;
}

export interface SqlContext {
  sim: SimCore;
  /** The `relationships` query option: joins of foreign keys (default true). */
  relationships: boolean;
}

type Read<T> = (row: T) => unknown;
type Predicate<T> = (row: T) => boolean;

const ops = ['=', '!=', '>', '>=', '<', '<=', '~', 'in', 'nin', '^', '$', 'rin'] as const;
type SqlOp = (typeof ops)[number];

/** `_get_col`: the column a field names, trying the plain name, `_id`, then the prefix. */
export function sqlColumn<T>(table: SqlTable<T>, name: string, prefix: string): SqlColumn<T> {
  const candidates = [name, `${name}_id`, ...(prefix ? [`${prefix}${name}`, `${prefix}${name}_id`] : [])];
  for (const candidate of candidates) {
    const column = table.columns[candidate];
    if (column) {
      return column;
    }
  }
  throw pyError.keyError(name);
}

/** A filter or bound value as SQLite compares it. */
function bound(value: unknown): unknown {
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  if (value !== null && typeof value === 'object') {
    return pyJsonDumps(value);
  }
  return value ?? null;
}

/** SQLite's order of values: NULL < numbers < text. */
export function sqlCompare(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (v === null ? 0 : typeof v === 'number' ? 1 : 2);
  const [ra, rb] = [rank(a), rank(b)];
  if (ra !== rb) {
    return ra - rb;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** SQL LIKE as SQLite runs it: ASCII case folded, `%` any run, `_` any one character. */
function likePattern(pattern: string): RegExp {
  const source = [...pattern]
    .map((ch) => (ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i');
}

/** The test of one filter on a raw column value; patterns are compiled once per query. */
function comparison(op: SqlOp, rawValue: unknown): (raw: unknown) => boolean {
  if (op === 'in' || op === 'nin') {
    const list = (rawValue as unknown[]).map(bound);
    const hasNull = list.includes(null);
    const values = list.filter((v) => v !== null);
    const hit = (raw: unknown) => raw !== null && values.some((v) => sqlCompare(raw, v) === 0);
    return op === 'in' ? (raw) => hit(raw) || (raw === null && hasNull) : (raw) => raw !== null && !hit(raw);
  }
  const value = bound(rawValue);
  if (op === '=' || op === '!=') {
    if (value === null) {
      return op === '=' ? (raw) => raw === null : (raw) => raw !== null;
    }
    return (raw) => raw !== null && (sqlCompare(raw, value) === 0) === (op === '=');
  }
  if (value === null) {
    return () => false;
  }
  const ordered = (test: (c: number) => boolean) => (raw: unknown) => raw !== null && test(sqlCompare(raw, value));
  const matching = (re: RegExp) => (raw: unknown) => raw !== null && re.test(String(raw));
  switch (op) {
    case '>':
      return ordered((c) => c > 0);
    case '>=':
      return ordered((c) => c >= 0);
    case '<':
      return ordered((c) => c < 0);
    case '<=':
      return ordered((c) => c <= 0);
    case '~': {
      const re = new RegExp(String(value), 'i');
      return (raw) => typeof raw === 'string' && re.test(raw);
    }
    case '^':
      return matching(likePattern(`${String(value)}%`));
    case '$':
      return matching(likePattern(`%${String(value)}`));
    default:
      return matching(likePattern(`%${String(value)}%`));
  }
}

function joined<T>(table: SqlTable<T>, name: string, separator: string, ctx: SqlContext): Read<T> {
  const [fk, rest] = [name.slice(0, name.indexOf(separator)), name.slice(name.indexOf(separator) + separator.length)];
  const fkColumn = sqlColumn(table, fk, table.prefix);
  const ref = fkColumn.references;
  if (!ref) {
    throw pyError.indexError('list index out of range');
  }
  if (!ctx.relationships) {
    throw unexpectedException(`ForeignKey('${ref.table.name}.id')`, 'KeyError');
  }
  const column = sqlColumn(ref.table, rest, '');
  const related = ref.rows(ctx.sim);
  return (row) => {
    const id = fkColumn.value(row);
    const other = typeof id === 'number' ? related.get(id) : undefined;
    return other ? column.value(other as never) : null;
  };
}

function reader<T>(table: SqlTable<T>, name: unknown, ctx: SqlContext): Read<T> {
  if (typeof name !== 'string') {
    throw pyError.attributeError(`'${pyType(name)}' object has no attribute 'startswith'`);
  }
  if (name.startsWith('$.')) {
    throw unexpectedException(
      'JSON-path filters ($.…) are not modelled by the TrueNAS simulator',
      'NotImplementedError',
    );
  }
  const separator = name.includes('__') ? '__' : name.includes('.') ? '.' : undefined;
  if (separator) {
    return joined(table, name, separator, ctx);
  }
  return sqlColumn(table, name, table.prefix).value;
}

function compile<T>(table: SqlTable<T>, filter: unknown, ctx: SqlContext): Predicate<T> {
  if (!Array.isArray(filter)) {
    throw pyError.valueError(`Filter must be a list or tuple: ${pyStr(filter)}`);
  }
  if (filter.length === 3) {
    const [name, op, value] = filter as [unknown, unknown, unknown];
    const read = reader(table, name, ctx);
    if (!(ops as readonly unknown[]).includes(op)) {
      throw pyError.valueError(`Invalid operation: ${pyStr(op)}`);
    }
    const test = comparison(op as SqlOp, value);
    return (row) => test(read(row));
  }
  if (filter.length === 2) {
    if (filter[0] !== 'OR') {
      throw pyError.valueError(`Invalid operation: ${pyStr(filter[0])}`);
    }
    const branches = (filter[1] as unknown[]).map((branch) => compile(table, branch, ctx));
    return (row) => branches.some((branch) => branch(row));
  }
  throw pyError.valueError(`Invalid filter ${pyRepr(filter)}`);
}

/** The WHERE clause of `filters` on `table`; throws as the middleware does for what SQL cannot do. */
export function sqlWhere<T>(table: SqlTable<T>, filters: readonly unknown[], ctx: SqlContext): Predicate<T> {
  const parts = filters.map((filter) => compile(table, filter, ctx));
  return (row) => parts.every((part) => part(row));
}

/** The primary-key values a top-level `id =` / `id in` filter pins (SQLite uses its index), if any. */
export function pinnedIds(filters: readonly unknown[]): unknown[] | undefined {
  for (const filter of filters) {
    if (Array.isArray(filter) && filter.length === 3 && filter[0] === 'id') {
      if (filter[1] === '=') {
        return [filter[2]];
      }
      if (filter[1] === 'in' && Array.isArray(filter[2])) {
        return filter[2];
      }
    }
  }
  return undefined;
}

/** ORDER BY of `order_by` entries (`-x`, `nulls_first:`, `nulls_last:`); columns only. */
export function sqlOrderBy<T>(table: SqlTable<T>, specs: readonly string[]): (a: T, b: T) => number {
  const keys = specs.map((spec) => {
    let rest = spec;
    let nulls: 'first' | 'last' | undefined;
    for (const mode of ['first', 'last'] as const) {
      if (rest.startsWith(`nulls_${mode}:`)) {
        nulls = mode;
        rest = rest.slice(`nulls_${mode}:`.length);
      }
    }
    const descending = rest.startsWith('-');
    const column = sqlColumn(table, descending ? rest.slice(1) : rest, table.prefix);
    return { read: column.value, descending, nulls };
  });
  return (a, b) => {
    for (const key of keys) {
      const [x, y] = [key.read(a), key.read(b)];
      if (key.nulls && (x === null) !== (y === null)) {
        return (x === null ? -1 : 1) * (key.nulls === 'first' ? 1 : -1);
      }
      const c = sqlCompare(x, y);
      if (c !== 0) {
        return key.descending ? -c : c;
      }
    }
    return 0;
  };
}
