// Argument validation with pydantic's strict-mode messages, the way the middleware's API models
// reject bad input: every problem becomes a [attribute, message, EINVAL] triple under the
// argument's name (e.g. `iscsi_extent_create.name`), and defaults are filled in.
import type { FieldError } from './errors.js';
import { errno } from './errors.js';

export type Schema =
  | { kind: 'str'; minLength?: number; maxLength?: number; enum?: readonly string[] }
  | { kind: 'int'; min?: number; max?: number; enum?: readonly number[] }
  | { kind: 'bool' }
  | { kind: 'any' }
  | { kind: 'list'; items: Schema }
  | { kind: 'map'; values: Schema }
  | { kind: 'obj'; fields: Record<string, Field>; extra: 'forbid' | 'allow' | 'ignore' }
  | { kind: 'nullable'; inner: Schema }
  | { kind: 'union'; options: Schema[] };

/** pydantic `str_max_length` of the middleware's BaseModel. */
export const defaultStrMaxLength = 1024;

export interface Field {
  schema: Schema;
  required: boolean;
  /** Filled in when the field is absent (functions produce fresh objects). */
  fallback?: () => unknown;
}

export const s = {
  str: (opts: { minLength?: number; maxLength?: number; enum?: readonly string[] } = {}): Schema => ({
    kind: 'str',
    ...opts,
  }),
  nonEmpty: (maxLength?: number): Schema => ({ kind: 'str', minLength: 1, ...(maxLength ? { maxLength } : {}) }),
  int: (opts: { min?: number; max?: number; enum?: readonly number[] } = {}): Schema => ({ kind: 'int', ...opts }),
  bool: (): Schema => ({ kind: 'bool' }),
  any: (): Schema => ({ kind: 'any' }),
  list: (items: Schema): Schema => ({ kind: 'list', items }),
  map: (values: Schema): Schema => ({ kind: 'map', values }),
  obj: (fields: Record<string, Field>, extra: 'forbid' | 'allow' | 'ignore' = 'forbid'): Schema => ({
    kind: 'obj',
    fields,
    extra,
  }),
  nullable: (inner: Schema): Schema => ({ kind: 'nullable', inner }),
  union: (...options: Schema[]): Schema => ({ kind: 'union', options }),
  /** A required field. */
  req: (schema: Schema): Field => ({ schema, required: true }),
  /** An optional field; absent stays absent unless a default is given. */
  opt: (schema: Schema, fallback?: unknown): Field =>
    fallback === undefined
      ? { schema, required: false }
      : { schema, required: false, fallback: () => structuredClone(fallback) },
};

function literalList(values: readonly (string | number)[]): string {
  const quoted = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  if (quoted.length <= 1) {
    return quoted.join('');
  }
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/** Validates `value` against `schema`; returns the value with defaults filled in. */
export function check(value: unknown, schema: Schema, path: string, problems: FieldError[]): unknown {
  const fail = (message: string): unknown => {
    problems.push([path, message, errno.EINVAL]);
    return value;
  };
  switch (schema.kind) {
    case 'any':
      return value;
    case 'nullable':
      return value === null ? null : check(value, schema.inner, path, problems);
    case 'union': {
      for (const option of schema.options) {
        const local: FieldError[] = [];
        const out = check(value, option, path, local);
        if (local.length === 0) {
          return out;
        }
      }
      return check(value, schema.options[0] as Schema, path, problems);
    }
    case 'str': {
      if (typeof value !== 'string') {
        return fail('Input should be a valid string');
      }
      if (schema.enum && !schema.enum.includes(value)) {
        return fail(`Input should be ${literalList(schema.enum)}`);
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) {
        return fail(`String should have at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`);
      }
      // Every API model sets pydantic's str_max_length=1024 (api/base/model.py) unless the
      // field declares its own limit.
      const maxLength = schema.maxLength ?? defaultStrMaxLength;
      if (value.length > maxLength && [...value].length > maxLength) {
        return fail(`String should have at most ${maxLength} characters`);
      }
      return value;
    }
    case 'int': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return fail('Input should be a valid integer');
      }
      if (schema.enum && !schema.enum.includes(value)) {
        return fail(`Input should be ${literalList(schema.enum)}`);
      }
      if (schema.min !== undefined && value < schema.min) {
        return fail(`Input should be greater than or equal to ${schema.min}`);
      }
      if (schema.max !== undefined && value > schema.max) {
        return fail(`Input should be less than or equal to ${schema.max}`);
      }
      return value;
    }
    case 'bool':
      return typeof value === 'boolean' ? value : fail('Input should be a valid boolean');
    case 'list':
      if (!Array.isArray(value)) {
        return fail('Input should be a valid list');
      }
      return value.map((item, i) => check(item, schema.items, join(path, i), problems));
    case 'map': {
      if (!isPlainObject(value)) {
        return fail('Input should be a valid dictionary');
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        out[key] = check(item, schema.values, join(path, key), problems);
      }
      return out;
    }
    case 'obj': {
      if (!isPlainObject(value)) {
        return fail('Input should be a valid dictionary');
      }
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(schema.fields)) {
        if (key in value) {
          out[key] = check(value[key], field.schema, join(path, key), problems);
        } else if (field.required) {
          problems.push([join(path, key), 'Field required', errno.EINVAL]);
        } else if (field.fallback) {
          out[key] = check(field.fallback(), field.schema, join(path, key), problems);
        }
      }
      for (const key of Object.keys(value)) {
        if (!(key in schema.fields)) {
          if (schema.extra === 'forbid') {
            problems.push([join(path, key), 'Extra inputs are not permitted', errno.EINVAL]);
          } else if (schema.extra === 'allow') {
            out[key] = value[key];
          }
        }
      }
      return out;
    }
  }
}

export interface ArgSpec {
  name: string;
  schema: Schema;
  /** Absent positional arguments take this value; without it the argument is required. */
  fallback?: () => unknown;
}

export const arg = (name: string, schema: Schema, fallback?: unknown): ArgSpec =>
  fallback === undefined ? { name, schema } : { name, schema, fallback: () => structuredClone(fallback) };

/** Validates positional params; returns the values with defaults, or the problems found. */
export function checkArgs(
  specs: readonly ArgSpec[],
  params: readonly unknown[],
): { values: unknown[]; problems: FieldError[] } {
  const problems: FieldError[] = [];
  if (params.length > specs.length) {
    problems.push([null, `Too many arguments (expected ${specs.length}, found ${params.length})`, errno.EINVAL]);
    return { values: [], problems };
  }
  const values = specs.map((spec, i) => {
    if (i < params.length) {
      return check(params[i], spec.schema, spec.name, problems);
    }
    if (spec.fallback) {
      return check(spec.fallback(), spec.schema, spec.name, problems);
    }
    problems.push([spec.name, 'Field required', errno.EINVAL]);
    return undefined;
  });
  return { values, problems };
}
