// JSON-schema validation of requests and responses against the contract (OpenAPI 3.1 = JSON
// Schema 2020-12). Bodies are checked strictly: no type coercion, unknown fields rejected where
// the schema forbids them. Query strings, path params and headers are strings on the wire and are
// coerced to the declared types.
//
// The contract's request validators are compiled at build time (scripts/validators.mjs, Ajv's
// standalone code in src/generated/*-validators.ts): a CSP serving requests never loads Ajv nor
// compiles a schema. Ajv is loaded only to compile at run time what is not in those modules:
// response schemas (CSP_RESPONSE_VALIDATION, opt-in, and the conformance suite) and the schemas a
// caller hands to requestValidator itself.
import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Type, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import * as bodyValidators from '../generated/body-validators.js';
import * as parameterValidators from '../generated/parameter-validators.js';
import type { JsonSchema } from './contract.js';
import { ajvOptions, annotationKeywords, contractFormats } from './validation-options.js';

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
 * Ajv is loaded when the first schema is compiled at run time (see the top of this module), so
 * never by a CSP with response validation off. `require` rather than `import`: the library is
 * CommonJS. The options are those of the generated request validators (validation-options.ts).
 */
function newAjv(coerce: boolean): Ajv2020Type {
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020(ajvOptions(coerce));
  for (const [name, format] of Object.entries(contractFormats)) {
    ajv.addFormat(name, format);
  }
  for (const keyword of annotationKeywords) {
    ajv.addKeyword({ keyword });
  }
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

type RequestValidator = (data: unknown) => { value: unknown } | { error: ContractViolation };

function asRequestValidator(part: HttpPart, validate: () => ValidateFunction): RequestValidator {
  return (data) => {
    const fn = validate();
    if (fn(data)) {
      return { value: data };
    }
    return { error: violationFrom(part, fn.errors) };
  };
}

// The generated functions have Ajv's calling convention (`errors` set on the function).
const precompiled = {
  body: bodyValidators as unknown as Record<string, ValidateFunction | undefined>,
  other: parameterValidators as unknown as Record<string, ValidateFunction | undefined>,
};

/**
 * The build-time validator of one request part of a contract operation, in the shape fastify's
 * `validatorCompiler` expects. Throws when the generated modules have none: they are generated
 * from the same contract as the routes, so that means `pnpm generate` was not run.
 */
export function contractRequestValidator(operationId: string, part: HttpPart): RequestValidator {
  const validate = part === 'body' ? precompiled.body[operationId] : precompiled.other[`${operationId}_${part}`];
  if (typeof validate !== 'function') {
    throw new Error(`no generated validator for ${part} of ${operationId}: run \`pnpm generate\``);
  }
  return asRequestValidator(part, () => validate);
}

/**
 * A validator for one request part with a schema of the caller's own, compiled with Ajv at run
 * time on the first request (the contract's routes use contractRequestValidator instead).
 */
export function requestValidator(part: HttpPart, schema: JsonSchema): RequestValidator {
  let validate: ValidateFunction | undefined;
  return asRequestValidator(part, () => {
    validate ??= compile(schema, part !== 'body');
    return validate;
  });
}

/**
 * Checks a response body; returns a description of the first problem, or undefined when it
 * conforms. Compiled with Ajv at run time: response validation is opt-in (CSP_RESPONSE_VALIDATION,
 * off by default) and otherwise used by the conformance suite, so it is not worth generating.
 */
export function responseProblem(schema: JsonSchema, body: unknown): string | undefined {
  const validate = compile(schema, false);
  if (validate(body)) {
    return undefined;
  }
  const first = validate.errors?.[0];
  return first ? `${first.instancePath || '/'} ${first.message ?? 'is invalid'}` : 'invalid';
}
