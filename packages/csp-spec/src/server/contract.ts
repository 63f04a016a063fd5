// Turns the OpenAPI document into route definitions: the URL, the JSON schemas that validate each
// request part, and the schema of each response body. Routes are never written by hand.
import { basePath, loadOpenApiDocument, type OpenApiDocument } from '../spec.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type JsonSchema = Record<string, unknown>;

export interface RequestSchemas {
  params?: JsonSchema;
  querystring?: JsonSchema;
  headers?: JsonSchema;
  body?: JsonSchema;
}

export interface ContractRoute {
  operationId: string;
  method: HttpMethod;
  /** fastify URL, e.g. `/containers/v1/volumes/:id`. */
  url: string;
  /** Whether the route needs `x-auth-token`. */
  secured: boolean;
  /** Marked `x-opencsp-extension`. */
  extension: boolean;
  request: RequestSchemas;
  /** Response body schema per status; `null` for a status without a body (204). */
  responses: Map<number, JsonSchema | null>;
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
  description?: string;
}

const methods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

/** Replaces every local `$ref` with (a copy of) its target; sibling keywords are kept. */
export function dereference<T>(node: T, doc: OpenApiDocument, seen: readonly string[] = []): T {
  if (Array.isArray(node)) {
    return node.map((item) => dereference(item, doc, seen)) as T;
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const record = node as Record<string, unknown>;
  const ref = record.$ref;
  if (typeof ref === 'string') {
    if (seen.includes(ref)) {
      throw new Error(`circular $ref ${ref}`);
    }
    const { $ref: _ignored, ...siblings } = record;
    const target = dereference(resolvePointer(doc, ref), doc, [...seen, ref]);
    return { ...(target as object), ...dereference(siblings, doc, seen) } as T;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = dereference(value, doc, seen);
  }
  return out as T;
}

function resolvePointer(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) {
    throw new Error(`only local $refs are supported, got ${ref}`);
  }
  let current: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    current = (current as Record<string, unknown> | undefined)?.[key];
  }
  if (current === undefined) {
    throw new Error(`unresolved $ref ${ref}`);
  }
  return current;
}

function objectSchema(parameters: ParameterObject[], lowerCaseNames: boolean): JsonSchema | undefined {
  if (parameters.length === 0) {
    return undefined;
  }
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const parameter of parameters) {
    const name = lowerCaseNames ? parameter.name.toLowerCase() : parameter.name;
    properties[name] = parameter.schema;
    if (parameter.required) {
      required.push(name);
    }
  }
  return { type: 'object', properties, required };
}

function requestSchemas(parameters: ParameterObject[], operation: Record<string, unknown>): RequestSchemas {
  const request: RequestSchemas = {};
  const params = objectSchema(
    parameters.filter((p) => p.in === 'path'),
    false,
  );
  const query = objectSchema(
    parameters.filter((p) => p.in === 'query'),
    false,
  );
  const headers = objectSchema(
    parameters.filter((p) => p.in === 'header'),
    true,
  );
  if (params) {
    request.params = params;
  }
  if (query) {
    request.querystring = query;
  }
  if (headers) {
    request.headers = headers;
  }
  const body = operation.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined;
  const bodySchema = body?.content?.['application/json']?.schema;
  if (bodySchema) {
    request.body = bodySchema;
  }
  return request;
}

function responseSchemas(operation: Record<string, unknown>): Map<number, JsonSchema | null> {
  const out = new Map<number, JsonSchema | null>();
  const responses = (operation.responses ?? {}) as Record<
    string,
    { content?: Record<string, { schema?: JsonSchema }> }
  >;
  for (const [status, response] of Object.entries(responses)) {
    out.set(Number(status), response.content?.['application/json']?.schema ?? null);
  }
  return out;
}

/** Every operation of the contract, dereferenced, in document order. */
export function contractRoutes(doc: OpenApiDocument = loadOpenApiDocument()): ContractRoute[] {
  const routes: ContractRoute[] = [];
  const globalSecured = Array.isArray(doc.security) && doc.security.length > 0;
  for (const [path, rawItem] of Object.entries(doc.paths)) {
    const item = dereference(rawItem, doc);
    const shared = (item.parameters ?? []) as ParameterObject[];
    for (const method of methods) {
      const operation = item[method.toLowerCase()] as Record<string, unknown> | undefined;
      if (!operation) {
        continue;
      }
      const parameters = [...shared, ...((operation.parameters ?? []) as ParameterObject[])];
      const security = operation.security as unknown[] | undefined;
      routes.push({
        operationId: String(operation.operationId),
        method,
        url: basePath + path.replace(/\{(\w+)\}/g, ':$1'),
        secured: security ? security.length > 0 : globalSecured,
        extension: operation['x-opencsp-extension'] === true,
        request: requestSchemas(parameters, operation),
        responses: responseSchemas(operation),
      });
    }
  }
  return routes;
}
