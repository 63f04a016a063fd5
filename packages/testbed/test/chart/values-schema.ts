// values.schema.json compiled with Ajv in strict mode (draft-07, the draft the chart declares):
// helm validates values against the schema but ignores keywords it does not know, so a typo in
// the schema document itself would silently check nothing. Ajv strict refuses it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { chartDir } from '../../src/chart/helm.js';

/** Compiles the chart's values.schema.json; throws on an unknown keyword or ignored constraint. */
export function compileSchemaStrict(): void {
  const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as object;
  new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(schema);
}
