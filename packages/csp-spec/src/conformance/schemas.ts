// Response checks against the contract itself: the schema of each operation's answer comes from
// openapi.yaml, so the suite and the contract cannot drift apart. Imports only the route table and
// the validator of the server kit, never fastify.
import { type ContractRoute, contractRoutes, type JsonSchema } from '../server/contract.js';
import { responseProblem } from '../server/validation.js';

let routes: Map<string, ContractRoute> | undefined;

function routeOf(operation: string): ContractRoute {
  routes ??= new Map(contractRoutes().map((route) => [route.operationId, route]));
  const route = routes.get(operation);
  if (!route) {
    throw new Error(`the contract has no operation ${operation}`);
  }
  return route;
}

/** Statuses the contract documents for an operation. */
export function documentedStatuses(operation: string): number[] {
  return [...routeOf(operation).responses.keys()];
}

/** The body schema of one documented answer; null for a status without a body, undefined when undocumented. */
export function responseSchema(operation: string, status: number): JsonSchema | null | undefined {
  return routeOf(operation).responses.get(status);
}

/** The first way `body` breaks the schema of (operation, status), or undefined when it conforms. */
export function schemaProblem(operation: string, status: number, body: unknown): string | undefined {
  const schema = responseSchema(operation, status);
  if (schema === undefined) {
    return `status ${status} is not documented for ${operation}`;
  }
  if (schema === null) {
    return undefined;
  }
  return responseProblem(schema, body);
}
