// JSON-schema validation of requests and responses against the contract (OpenAPI 3.1 = JSON
// Schema 2020-12). Bodies are checked strictly: no type coercion, unknown fields rejected where
// the schema forbids them. Query strings, path params and headers are strings on the wire and are
// coerced to the declared types.
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Type, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema } from './contract.js';

export type HttpPart = 'body' | 'querystring' | 'params' | 'headers';

/** A request that does not match the contract; `field` is the dotted path of the first problem. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  readonly statusCode = 400;
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/**
 * Ajv is loaded when the first schema is compiled, which (validators being compiled on a route's
 * first request) is never for an idle CSP. `require` rather than `import`: the library is CommonJS.
 */
function newAjv(coerce: boolean): Ajv2020Type {
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020({
    // The contract's schemas are checked by its own tests, not again at run time.
    validateSchema: false,
    strict: false,
    allErrors: false,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: coerce,
    removeAdditional: false,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}

let strictAjv: Ajv2020Type | undefined;
let coercingAjv: Ajv2020Type | undefined;
const partNames: Record<HttpPart, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

function fieldOf(part: HttpPart, error: ErrorObject): string {
  const segments = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    segments.push(params.missingProperty);
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    segments.push(params.additionalProperty);
  }
  return [partNames[part], ...segments].join('.');
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** The first validation problem as a ContractViolation naming the field. */
export function violationFrom(part: HttpPart, errors: ErrorObject[] | null | undefined): ContractViolation {
  const first = errors?.[0];
  if (!first) {
    return new ContractViolation(partNames[part], `${partNames[part]} is invalid`);
  }
  const field = fieldOf(part, first);
  return new ContractViolation(field, `${field} ${describe(first)}`);
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function compile(schema: JsonSchema, coerce: boolean): ValidateFunction {
  const cache = compiled.get(schema);
  if (cache) {
    return cache;
  }
  if (coerce) {
    coercingAjv ??= newAjv(true);
  } else {
    strictAjv ??= newAjv(false);
  }
  const fn = ((coerce ? coercingAjv : strictAjv) as Ajv2020Type).compile(schema);
  compiled.set(schema, fn);
  return fn;
}

/**
 * A validator for one request part, in the shape fastify's `validatorCompiler` expects. The schema
 * is compiled on the route's first request: most routes of the contract are never called by a
 * given cluster, and compiled validators are code the process would otherwise keep for nothing.
 */
export function requestValidator(part: HttpPart, schema: JsonSchema) {
  let validate: ValidateFunction | undefined;
  return (data: unknown): { value: unknown } | { error: ContractViolation } => {
    validate ??= compile(schema, part !== 'body');
    if (validate(data)) {
      return { value: data };
    }
    return { error: violationFrom(part, validate.errors) };
  };
}

/** Checks a response body; returns a description of the first problem, or undefined when it conforms. */
export function responseProblem(schema: JsonSchema, body: unknown): string | undefined {
  const validate = compile(schema, false);
  if (validate(body)) {
    return undefined;
  }
  const first = validate.errors?.[0];
  return first ? `${first.instancePath || '/'} ${first.message ?? 'is invalid'}` : 'invalid';
}
