import { status } from '@grpc/grpc-js';
import { CspConnectionError, CspHttpError, CspProtocolError, CspTimeoutError } from '@opencsp/csp-spec/client';
import { describe, expect, it } from 'vitest';
import { cspFailure } from '../src/csp/errors.js';
import { DriverError } from '../src/errors.js';
import { codeForKind, toGrpcFailure } from '../src/grpc/status.js';

const http = (code: number, reason?: string) =>
  new CspHttpError('createVolume', code, { code: 'X', message: 'why', ...(reason ? { reason: reason as never } : {}) });

describe('error mapping', () => {
  it.each([
    [http(400), status.INVALID_ARGUMENT],
    [http(400, 'PUBLISHED'), status.FAILED_PRECONDITION],
    [http(401), status.UNAUTHENTICATED],
    [http(404), status.NOT_FOUND],
    [http(409, 'NAME_TAKEN'), status.ALREADY_EXISTS],
    // The node has the volume with other read-only access (ControllerPublishVolume).
    [http(409, 'ACCESS_MISMATCH'), status.ALREADY_EXISTS],
    [http(507, 'LIMIT_EXCEEDED'), status.RESOURCE_EXHAUSTED],
    [http(409, 'HAS_DEPENDENTS'), status.FAILED_PRECONDITION],
    [http(409), status.FAILED_PRECONDITION],
    [http(501), status.UNIMPLEMENTED],
    [http(429, 'RATE_LIMITED'), status.UNAVAILABLE],
    [http(503), status.UNAVAILABLE],
    [http(504), status.DEADLINE_EXCEEDED],
    [http(507), status.RESOURCE_EXHAUSTED],
    [http(500), status.INTERNAL],
    [new CspTimeoutError('createVolume', 1000), status.DEADLINE_EXCEEDED],
    [new CspConnectionError('createVolume', 'refused', true), status.UNAVAILABLE],
    [new CspProtocolError('bad body'), status.INTERNAL],
  ])('%s → %s', (err, code) => {
    const failure = toGrpcFailure(cspFailure(err, 'create volume pvc-1'));
    expect(failure.code).toBe(code);
    expect(failure.details).toMatch(/^create volume pvc-1: /);
  });
  it('says which CSP call failed and why', () => {
    expect(cspFailure(http(507), 'create volume pvc-1').message).toBe(
      'create volume pvc-1: createVolume: CSP answered 507: why',
    );
  });
  it('maps every driver error kind, and hides unexpected errors', () => {
    for (const kind of Object.keys(codeForKind) as (keyof typeof codeForKind)[]) {
      expect(toGrpcFailure(new DriverError(kind, 'm')).code).toBe(codeForKind[kind]);
    }
    const unexpected = toGrpcFailure(new TypeError('x is undefined'));
    expect(unexpected).toMatchObject({ code: status.INTERNAL, expected: false });
    expect(unexpected.details).not.toContain('x is undefined');
  });
});
