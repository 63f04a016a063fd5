// Request strings must be Unicode text. JSON can carry a lone UTF-16 surrogate ("\ud800"): valid
// JSON, but no UTF-8 encoder, hash or array API takes it as the client meant it, so the kit
// refuses it before any handler runs: 400 naming the field, nothing changed.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or key) in `value` that is not well-formed UTF-16, if any. */
export function malformedTextAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    return loneSurrogate.test(value) ? path : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = malformedTextAt(value[i], `${path}[${i}]`);
      if (found) {
        return found;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = loneSurrogate.test(key) ? path : malformedTextAt(item, `${path}.${key}`);
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}
