// How Python would print a JSON value (`repr`, `str`, `json.dumps`), so that errors raised from
// middleware code carry the same text a real TrueNAS sends ("Invalid operation: ['a', '=', 1]",
// KeyError "'groups'") and JSON columns hold the text the datastore writes.
import { type RpcError, unexpectedException } from '../rpc/errors.js';

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t');
  return quote + (quote === "'" ? body.replaceAll("'", "\\'") : body) + quote;
}

/** `repr(value)` of a value decoded from JSON. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'string') {
    return reprString(value);
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(pyRepr).join(', ')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

/** `str(value)`: strings as they are, everything else as `repr`. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** Python's class name of a JSON value (`list`, `str`, `int`...), for AttributeError texts. */
export function pyType(value: unknown): string {
  if (value === null || value === undefined) {
    return 'NoneType';
  }
  if (Array.isArray(value)) {
    return 'list';
  }
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return 'dict';
  }
}

/** `json.dumps(value)` with Python's default separators (`", "` and `": "`). */
export function pyJsonDumps(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(pyJsonDumps).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A Python exception escaping a method, as the middleware reports it (EINVAL, "Method call error"). */
export const pyError = {
  keyError: (key: unknown): RpcError => unexpectedException(pyRepr(key), 'KeyError'),
  valueError: (message: string): RpcError => unexpectedException(message, 'ValueError'),
  indexError: (message: string): RpcError => unexpectedException(message, 'IndexError'),
  attributeError: (message: string): RpcError => unexpectedException(message, 'AttributeError'),
};
