// The middleware's query filters (utils/filter_list.py): `[field, op, value]` triples, dotted field
// paths, `["OR", [...]]` groups, and the `C` prefix for case-insensitive string comparison.
import { validationErrors } from '../rpc/errors.js';
import { pyRepr, pyStr } from './python.js';

export type Filter = [string, string, unknown] | ['OR', unknown[]];

const baseOps = ['=', '!=', '>', '>=', '<', '<=', '~', 'in', 'nin', 'rin', 'rnin', '^', '!^', '$', '!$'] as const;
type BaseOp = (typeof baseOps)[number];

/** Reads a dotted path; `found` is false when a key on the way is missing (not when it is null). */
export function lookupPath(item: unknown, path: string): { found: boolean; value: unknown } {
  let current: unknown = item;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') {
      return { found: false, value: undefined };
    }
    current = Array.isArray(current)
      ? Number.isInteger(Number(part))
        ? current[Number(part)]
        : undefined
      : (current as Record<string, unknown>)[part];
    if (current === undefined) {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: current };
}

/** Reads a dotted path (`origin.value`, `user_properties.opencsp:name.value`). Missing keys are null. */
export function readPath(item: unknown, path: string): unknown {
  let current: unknown = item;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') {
      return null;
    }
    if (Array.isArray(current)) {
      const index = Number(part);
      current = Number.isInteger(index) ? current[index] : undefined;
    } else {
      current = (current as Record<string, unknown>)[part];
    }
    if (current === undefined) {
      return null;
    }
  }
  return current;
}

function fold(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.toLowerCase();
  }
  if (Array.isArray(value)) {
    return value.map(fold);
  }
  return value;
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return undefined;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return false;
}

function contains(list: unknown, value: unknown): boolean {
  if (typeof list === 'string' && typeof value === 'string') {
    return list.includes(value);
  }
  return Array.isArray(list) && list.some((item) => equal(item, value));
}

function apply(op: BaseOp, x: unknown, y: unknown): boolean {
  switch (op) {
    case '=':
      return equal(x, y);
    case '!=':
      return !equal(x, y);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const c = compare(x, y);
      if (c === undefined) {
        return false;
      }
      return op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '<' ? c < 0 : c <= 0;
    }
    case '~':
      return typeof x === 'string' && typeof y === 'string' && new RegExp(`^(?:${y})`).test(x);
    case 'in':
      return contains(y, x);
    case 'nin':
      return !contains(y, x);
    case 'rin':
      return x !== null && contains(x, y);
    case 'rnin':
      return x !== null && !contains(x, y);
    case '^':
      return typeof x === 'string' && typeof y === 'string' && x.startsWith(y);
    case '!^':
      return typeof x === 'string' && typeof y === 'string' && !x.startsWith(y);
    case '$':
      return typeof x === 'string' && typeof y === 'string' && x.endsWith(y);
    case '!$':
      return typeof x === 'string' && typeof y === 'string' && !x.endsWith(y);
  }
}

function parseOp(raw: string): { op: BaseOp; caseless: boolean } {
  const caseless = raw.startsWith('C') && raw.length > 1;
  return { op: (caseless ? raw.slice(1) : raw) as BaseOp, caseless };
}

const maxFiltersDepth = 3;

/**
 * api/base validators `validate_filters` (utils/filter_list.py on 25.10): the first problem is a
 * ValueError, which the QueryArgs model reports as a validation error on `filters` with pydantic's
 * "Value error, " prefix.
 */
function filterProblem(filters: unknown, depth: number): string | undefined {
  if (depth > maxFiltersDepth) {
    return 'query-filters max recursion depth exceeded';
  }
  for (const f of filters as unknown[]) {
    if (!Array.isArray(f)) {
      return `Invalid filter ${pyRepr(f)}`;
    }
    if (f.length === 2) {
      const [op, value] = f;
      if (op !== 'OR') {
        return `Invalid operation: ${pyStr(op)}`;
      }
      if (!Array.isArray(value) || value.length === 0) {
        return 'OR filter requires at least one branch.';
      }
      for (const branch of value) {
        const nested = Array.isArray(branch) && Array.isArray(branch[0]) ? branch : [branch];
        const problem = filterProblem(nested, depth + 1);
        if (problem) {
          return problem;
        }
      }
      continue;
    }
    if (f.length !== 3) {
      return `Invalid filter ${pyRepr(f)}`;
    }
    const raw = String(f[1]);
    const op = raw.startsWith('C') ? raw.slice(1) : raw;
    if (raw.startsWith('C') && op === '~') {
      return `Invalid case-insensitive operation: ${raw}`;
    }
    if (!(baseOps as readonly string[]).includes(op)) {
      return `Invalid operation: ${raw}`;
    }
  }
  return undefined;
}

/** Checks filter syntax up front, as the API models do, so bad filters never half-run. */
export function validateFilters(filters: unknown, path = 'filters'): void {
  if (!Array.isArray(filters)) {
    throw validationErrors([[path, 'Input should be a valid list']]);
  }
  const problem = filterProblem(filters, 0);
  if (problem) {
    throw validationErrors([[path, `Value error, ${problem}`]]);
  }
}

function matchOne(item: unknown, filter: unknown[]): boolean {
  if (filter[0] === 'OR') {
    return (filter[1] as unknown[]).some((branch) =>
      Array.isArray(branch) && Array.isArray(branch[0])
        ? (branch as unknown[][]).every((f) => matchOne(item, f))
        : matchOne(item, branch as unknown[]),
    );
  }
  const [field, rawOp, value] = filter as [string, string, unknown];
  const parsed = parseOp(rawOp);
  const x = readPath(item, field);
  return parsed.caseless ? apply(parsed.op, fold(x), fold(value)) : apply(parsed.op, x, value);
}

export function matches(item: unknown, filters: readonly unknown[]): boolean {
  return filters.every((filter) => matchOne(item, filter as unknown[]));
}

/**
 * The exact values a filter list pins a field to (`=` or `in`, outside OR groups), or undefined
 * when the field is not pinned. The middleware uses this to open only those datasets/snapshots.
 */
export function pinnedValues(filters: readonly unknown[], field: string): unknown[] | undefined {
  for (const filter of filters) {
    if (Array.isArray(filter) && filter[0] === field) {
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
