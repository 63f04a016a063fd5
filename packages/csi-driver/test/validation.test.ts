import { describe, expect, it } from 'vitest';
import type { VolumeCapability__Output } from '../src/csi-types.js';
import { DriverError } from '../src/errors.js';
import {
  capabilityProblem,
  capacityBounds,
  isPossibleId,
  validateCapabilities,
  validateName,
  validateVolumeName,
} from '../src/validation.js';

const cap = (
  accessType: 'mount' | 'block',
  mode: VolumeCapability__Output['accessMode'] extends infer A ? (A extends { mode: infer M } ? M : never) : never,
  fsType = '',
): VolumeCapability__Output => ({
  accessType,
  ...(accessType === 'mount' ? { mount: { fsType, mountFlags: [], volumeMountGroup: '' } } : { block: {} }),
  accessMode: { mode },
});

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof DriverError ? `${err.kind}: ${err.message}` : String(err);
  }
}

describe('validation', () => {
  it('accepts CSP-compatible names only', () => {
    expect(kindOf(() => validateName('pvc-2c8f1a8e'))).toBeUndefined();
    expect(kindOf(() => validateName(''))).toMatch(/^InvalidArgument: name: is required/);
    expect(kindOf(() => validateName('a b'))).toMatch(/^InvalidArgument: name:/);
    expect(kindOf(() => validateName('x'.repeat(129)))).toMatch(/128 bytes/);
  });
  it('accepts any CSI volume name up to 128 bytes without banned control characters', () => {
    for (const name of ['pvc-2c8f1a8e', 'sanity-max-attach-limit-vol+1-x', 'a b/c', 'tab\tnew\nline', 'ü'.repeat(64)]) {
      expect(
        kindOf(() => validateVolumeName(name)),
        name,
      ).toBeUndefined();
    }
    expect(kindOf(() => validateVolumeName(''))).toMatch(/^InvalidArgument: name: is required/);
    expect(kindOf(() => validateVolumeName('ü'.repeat(65)))).toMatch(/128 bytes/);
    expect(kindOf(() => validateVolumeName('a\u0001b'))).toMatch(/control characters/);
    expect(kindOf(() => validateVolumeName('a\u0085b'))).toMatch(/control characters/);
  });
  it('knows which ids a CSP could have issued', () => {
    expect(isPossibleId('tank~k8s~pvc-1')).toBe(true);
    expect(isPossibleId('vol-1@snap')).toBe(true);
    expect(isPossibleId('../etc')).toBe(false);
  });
  it.each([
    ['SINGLE_NODE_WRITER', 'mount', undefined],
    ['SINGLE_NODE_SINGLE_WRITER', 'mount', undefined],
    ['SINGLE_NODE_MULTI_WRITER', 'mount', undefined],
    ['SINGLE_NODE_READER_ONLY', 'mount', undefined],
    ['MULTI_NODE_READER_ONLY', 'mount', undefined],
    ['MULTI_NODE_MULTI_WRITER', 'block', undefined],
    ['MULTI_NODE_SINGLE_WRITER', 'block', undefined],
    ['MULTI_NODE_MULTI_WRITER', 'mount', /needs a block volume/],
    ['MULTI_NODE_SINGLE_WRITER', 'mount', /needs a block volume/],
  ] as const)('%s on %s', (mode, type, problem) => {
    const result = capabilityProblem(cap(type, mode));
    if (problem) {
      expect(result).toMatch(problem);
    } else {
      expect(result).toBeUndefined();
    }
  });
  it('rejects unknown filesystems and malformed capabilities', () => {
    expect(capabilityProblem(cap('mount', 'SINGLE_NODE_WRITER', 'zfs'))).toMatch(/not supported/);
    expect(kindOf(() => validateCapabilities([], 'volume_capabilities'))).toMatch(/at least one/);
    expect(
      kindOf(() => validateCapabilities([{ accessType: 'mount', accessMode: null } as never], 'volume_capabilities')),
    ).toMatch(/volume_capabilities\[0\]\.access_mode/);
  });
  it('checks capacity ranges', () => {
    expect(capacityBounds({ requiredBytes: 5, limitBytes: 0 })).toEqual({ required: 5, limit: 0 });
    expect(capacityBounds(null)).toEqual({ required: 0, limit: 0 });
    expect(kindOf(() => capacityBounds({ requiredBytes: -1, limitBytes: 0 }))).toMatch(/^InvalidArgument/);
    expect(kindOf(() => capacityBounds({ requiredBytes: 10, limitBytes: 5 }))).toMatch(/^OutOfRange/);
  });
});
