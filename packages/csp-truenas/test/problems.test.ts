import { CspProblem } from '@opencsp/csp-spec/server';
import { describe, expect, it } from 'vitest';
import { CallTimeout, ConnectionLost, LoginRefused, RpcFailure } from '../src/truenas/errors.js';
import { toProblem } from '../src/truenas/problems.js';

const callError = (errno: number, reason: string) =>
  new RpcFailure('m', { code: -32001, message: 'Method call error', data: { error: errno, reason } });

describe('TrueNAS failures as contract problems', () => {
  it('maps by code and errno, never by text', () => {
    expect(toProblem(callError(2, '[ENOENT] x')).reason).toBe('NOT_FOUND');
    expect(toProblem(callError(17, '[EEXIST] x')).reason).toBe('NAME_TAKEN');
    expect(toProblem(callError(28, '[ENOSPC] x')).reason).toBe('OUT_OF_SPACE');
    expect(toProblem(callError(16, '[EBUSY] x')).reason).toBe('UNAVAILABLE');
    expect(toProblem(callError(13, '[EACCES] Not authorized')).message).toMatch(/roles/);
    expect(toProblem(callError(14, '[EFAULT] boom')).reason).toBe('INTERNAL');
    const notFound = new RpcFailure('m', {
      code: -32602,
      message: 'Invalid params',
      data: { error: 22, reason: '[ENOENT] None: gone', extra: [[null, 'gone', 2]] },
    });
    expect(toProblem(notFound).reason).toBe('NOT_FOUND');
    expect(toProblem(new RpcFailure('m', { code: -32000, message: 'too many' })).reason).toBe('UNAVAILABLE');
    expect(toProblem(new RpcFailure('m', { code: -32601, message: 'Method does not exist' })).message).toMatch(
      /API version/,
    );
    expect(toProblem(new ConnectionLost('m', 'closed', true)).reason).toBe('UNAVAILABLE');
    expect(toProblem(new CallTimeout('m', 10)).reason).toBe('TIMEOUT');
    expect(toProblem(new LoginRefused('credentials', 'no')).reason).toBe('UNAUTHENTICATED');
    expect(toProblem(new LoginRefused('insecure', 'no')).reason).toBe('INVALID_INPUT');
    const existing = new CspProblem('PUBLISHED', 'p');
    expect(toProblem(existing)).toBe(existing);
    expect(toProblem(new Error('secret=hunter2')).message).not.toContain('hunter2');
  });
});
