// values.schema.json compiled with ajv (draft-07, the draft Helm's validators understand).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { chartDir } from '../../src/chart/helm-render.js';

const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(schema);

/** Schema errors of a set of merged values, empty when they are valid. */
export function schemaErrors(values: unknown): ErrorObject[] {
  return validate(values) ? [] : [...(validate.errors ?? [])];
}
