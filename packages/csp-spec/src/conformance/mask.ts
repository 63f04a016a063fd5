// Keeps secrets out of reports: values under secret keys are replaced, and any known secret
// (the password, session tokens, CHAP secrets the suite made up) is cut out of every string.

const secretKeys = new Set([
  'password',
  'chap_password',
  'chap_mutual_password',
  'session_token',
  'x-auth-token',
  'authorization',
]);

export const masked = '***';

export class Secrets {
  readonly #values = new Set<string>();

  /** Remembers a secret; values shorter than 4 characters are not worth hiding (and would mangle text). */
  add(value: string | undefined): void {
    if (value && value.length >= 4) {
      this.#values.add(value);
    }
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.#values) {
      out = out.replaceAll(secret, masked);
    }
    return out;
  }

  /** A deep copy of `value` with secrets masked. */
  mask<T>(value: T): T {
    return this.#walk(value, 0) as T;
  }

  #walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') {
      return this.text(value);
    }
    if (value === null || typeof value !== 'object' || depth > 20) {
      return value;
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.#walk(item, depth + 1));
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = secretKeys.has(key.toLowerCase()) && item !== undefined ? masked : this.#walk(item, depth + 1);
    }
    return out;
  }
}
