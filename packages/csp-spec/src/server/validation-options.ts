// What Ajv is told when it compiles the contract's schemas, in one place for both compilations: the
// request validators generated at build time (scripts/validators.mjs transpiles and imports this
// module, and the generated code references `contractFormats` by name) and the response schemas
// compiled at run time (validation.ts). The two cannot disagree on coercion or on what an int64 is.

/** An Ajv format definition over numbers. */
export interface NumberFormat {
  type: 'number';
  validate: (n: number) => boolean;
}

/** The contract's own formats (OpenAPI's int64/int32). */
export const contractFormats: Record<'int64' | 'int32', NumberFormat> = {
  int64: { type: 'number', validate: (n: number) => Number.isSafeInteger(n) },
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 },
};

/**
 * Ajv's options: strict for bodies, while query strings, path params and headers (strings on the
 * wire) are coerced to the declared types and get their defaults filled in.
 */
export function ajvOptions(coerce: boolean) {
  return {
    // The contract's schemas are checked by its own tests, not again when compiled.
    validateSchema: false,
    strict: false,
    allErrors: false,
    coerceTypes: coerce ? ('array' as const) : false,
    useDefaults: coerce,
    removeAdditional: false,
  };
}

/** Keywords of the contract Ajv must accept without acting on them. */
export const annotationKeywords = ['example'];
