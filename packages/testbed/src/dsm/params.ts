// Request parameters as DSM sees them. Values arrive as strings (query string or form body); APIs
// whose `requestFormat` is JSON decode each value as JSON and fall back to the raw string when it
// is not valid JSON. So `"abc"` and `abc` both become the string abc, while an unquoted `123`
// becomes the number 123: exactly the trap behind DSM's 18990403 and 18990710.
import { codes, DsmError } from './codes.js';

export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

export class Params {
  readonly #raw: Map<string, string>;
  readonly #json: boolean;

  constructor(raw: Map<string, string>, json: boolean) {
    this.#raw = raw;
    this.#json = json;
  }

  has(name: string): boolean {
    return this.#raw.has(name);
  }

  /** The raw text, as sent. */
  raw(name: string): string | undefined {
    return this.#raw.get(name);
  }

  /** The decoded value (JSON-decoded for JSON-format APIs). */
  value(name: string): ParamValue | undefined {
    const text = this.#raw.get(name);
    if (text === undefined) {
      return undefined;
    }
    if (!this.#json) {
      return text;
    }
    try {
      return JSON.parse(text) as ParamValue;
    } catch {
      return text;
    }
  }

  /** A string parameter. A decoded non-string (e.g. an unquoted number) fails with `wrongType`. */
  string(name: string, options: { required: true; wrongType?: number; missing?: number }): string;
  string(name: string, options?: { required?: false; wrongType?: number }): string | undefined;
  string(name: string, options: { required?: boolean; wrongType?: number; missing?: number } = {}): string | undefined {
    const value = this.value(name);
    if (value === undefined) {
      if (options.required) {
        throw new DsmError(options.missing ?? codes.missingParam, `missing ${name}`);
      }
      return undefined;
    }
    if (typeof value !== 'string') {
      throw new DsmError(options.wrongType ?? codes.badParam, `${name} must be a string`);
    }
    return value;
  }

  /** A whole number (JSON number or numeric string). */
  int(name: string, options: { required: true; missing?: number }): number;
  int(name: string, options?: { required?: false }): number | undefined;
  int(name: string, options: { required?: boolean; missing?: number } = {}): number | undefined {
    const value = this.value(name);
    if (value === undefined) {
      if (options.required) {
        throw new DsmError(options.missing ?? codes.missingParam, `missing ${name}`);
      }
      return undefined;
    }
    const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
      throw new DsmError(codes.badParam, `${name} must be an integer`);
    }
    return number;
  }

  /** true/false, 1/0, "yes"/"no". */
  bool(name: string): boolean | undefined {
    const value = this.value(name);
    if (value === undefined) {
      return undefined;
    }
    if (value === true || value === 1 || value === 'true' || value === 'yes' || value === '1') {
      return true;
    }
    if (value === false || value === 0 || value === 'false' || value === 'no' || value === '0') {
      return false;
    }
    throw new DsmError(codes.badParam, `${name} must be a boolean`);
  }

  /** A JSON array parameter; a non-array fails. */
  array(name: string): ParamValue[] | undefined {
    const value = this.value(name);
    if (value === undefined) {
      return undefined;
    }
    if (!Array.isArray(value)) {
      throw new DsmError(codes.badParam, `${name} must be a JSON array`);
    }
    return value;
  }

  /** `additional` lists: which optional fields the caller wants. */
  additional(): Set<string> {
    const list = this.array('additional') ?? [];
    return new Set(list.filter((v): v is string => typeof v === 'string'));
  }
}

/** Parses `a=1&b=2` (query string or form body) into a map; later duplicates win. */
export function parseForm(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(text)) {
    map.set(key, value);
  }
  return map;
}
