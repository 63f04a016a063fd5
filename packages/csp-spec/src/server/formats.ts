// The contract's own formats (OpenAPI's int64/int32), as Ajv format definitions. One module for
// both uses: the request validators generated at build time reference it by name
// (`contractFormats`, see scripts/validators.mjs), and the response validation compiled at run time
// adds the same definitions, so the two cannot disagree on what an int64 is.

/** An Ajv format definition over numbers. */
export interface NumberFormat {
  type: 'number';
  validate: (n: number) => boolean;
}

export const contractFormats: Record<'int64' | 'int32', NumberFormat> = {
  int64: { type: 'number', validate: (n: number) => Number.isSafeInteger(n) },
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 },
};
