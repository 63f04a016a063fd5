// Checks a case makes on an answer. Each one throws a CaseFailure that carries the exchange, so the
// report can show the request, what was expected and what came back.
import { STATUS_CODES } from 'node:http';
import type { Exchange } from './probe.js';
import { schemaProblem } from './schemas.js';

export class CaseFailure extends Error {
  override readonly name = 'CaseFailure';
  readonly exchange: Exchange | undefined;
  readonly expected: string | undefined;
  constructor(message: string, options: { exchange?: Exchange | undefined; expected?: string | undefined } = {}) {
    super(message);
    this.exchange = options.exchange;
    this.expected = options.expected;
  }
}

/** Thrown by a case that finds at run time that the CSP does not offer what it checks. */
export class NotClaimed extends Error {
  override readonly name = 'NotClaimed';
}

export function fail(message: string, exchange?: Exchange, expected?: string): never {
  throw new CaseFailure(message, { exchange, expected });
}

/** Fails with `message` (about `exchange`) unless `condition` holds. */
export function ensure(condition: unknown, message: string, exchange?: Exchange, expected?: string): asserts condition {
  if (!condition) {
    fail(message, exchange, expected);
  }
}

function expectStatus(exchange: Exchange, status: number, what: string, expected: string): void {
  if (exchange.status !== status) {
    fail(`${what}: expected ${status}, got ${exchange.status}`, exchange, expected);
  }
}

/** Exactly `status` (200) with a body that matches the contract's schema for it. */
export function expectBody<T>(exchange: Exchange, what: string, status = 200): T {
  const expected = `${status} with a ${exchange.operation} body`;
  expectStatus(exchange, status, what, expected);
  if (exchange.body === undefined) {
    fail(`${what}: ${status} without a body`, exchange, expected);
  }
  const problem = schemaProblem(exchange.operation, status, exchange.body);
  if (problem) {
    fail(`${what}: the body does not match the contract (${problem})`, exchange, expected);
  }
  return exchange.body as T;
}

/** Exactly 204 and no body. */
export function expectNoContent(exchange: Exchange, what: string): void {
  expectStatus(exchange, 204, what, '204 without a body');
  if (exchange.body !== undefined && exchange.body !== '') {
    fail(`${what}: 204 must not carry a body`, exchange, '204 without a body');
  }
}

/** The problem with an error body, or undefined when it is `{"errors":[{"code","message"}]}` with the reason phrase. */
export function errorBodyProblem(status: number, body: unknown): string | undefined {
  const phrase = STATUS_CODES[status];
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return 'the body is not {"errors":[{"code","message"}]}';
  }
  for (const item of errors as Array<Record<string, unknown> | null>) {
    if (typeof item?.code !== 'string' || typeof item.message !== 'string') {
      return 'an error item lacks a string code or message';
    }
    if (item.code !== phrase) {
      return `error code ${JSON.stringify(item.code)} is not the reason phrase ${JSON.stringify(phrase)}`;
    }
  }
  return undefined;
}

/** Exactly `status` with the contract's error body, `code` being the HTTP reason phrase. */
export function expectError(exchange: Exchange, status: number, what: string): void {
  const expected = `${status} with {"errors":[{"code":"${STATUS_CODES[status]}","message":"..."}]}`;
  expectStatus(exchange, status, what, expected);
  const problem = errorBodyProblem(status, exchange.body);
  if (problem) {
    fail(`${what}: ${problem}`, exchange, expected);
  }
}

/** The first error message of an error body ('' when there is none). */
export function errorMessage(exchange: Exchange): string {
  const errors = (exchange.body as { errors?: Array<{ message?: unknown }> } | undefined)?.errors;
  const message = errors?.[0]?.message;
  return typeof message === 'string' ? message : '';
}

/** A 400 whose message names the field at fault, as the contract asks. */
export function expectBadRequest(exchange: Exchange, what: string, field: string): void {
  expectError(exchange, 400, what);
  const errors = (exchange.body as { errors: Array<{ message: string; field?: unknown }> }).errors;
  const named = errors.some(
    (e) =>
      e.message.toLowerCase().includes(field.toLowerCase()) || (typeof e.field === 'string' && e.field.includes(field)),
  );
  if (!named) {
    fail(
      `${what}: the error message does not name the field ${JSON.stringify(field)}`,
      exchange,
      `400 naming ${field}`,
    );
  }
}
