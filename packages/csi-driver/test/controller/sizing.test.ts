// The size CreateVolume asks the CSP for, with a filesystem's smallest device (mkfs.xfs refuses
// less than 300 MiB, mkfs.btrfs less than 109 MiB) raising small requests.
import { describe, expect, it } from 'vitest';
import { filesystemFloor, plannedSize } from '../../src/controller/sizing.js';
import type { CspFacts } from '../../src/csp/session.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const facts = (more: Partial<CspFacts> = {}): CspFacts => ({
  features: {} as CspFacts['features'],
  advertised: true,
  sizeGranularity: undefined,
  minVolumeSize: undefined,
  maxVolumeSize: undefined,
  accessProtocols: undefined,
  mutableConfigKeys: undefined,
  ...more,
});
const size = (fsType: string | undefined, required: number, limit = 0, more: Partial<CspFacts> = {}) => {
  const bounds = { required, limit };
  return plannedSize(bounds, facts(more), 0, filesystemFloor(fsType, bounds));
};

describe('filesystem minimum sizes', () => {
  it('raises xfs and btrfs requests below their minimum; ext4 and block keep the request', () => {
    expect(size('xfs', 64 * MiB)).toBe(300 * MiB);
    expect(size('xfs', 64 * MiB, 300 * MiB)).toBe(300 * MiB);
    expect(size('btrfs', 64 * MiB)).toBe(114_294_784);
    expect(size('ext4', 64 * MiB)).toBe(64 * MiB);
    expect(size(undefined, 64 * MiB)).toBe(64 * MiB);
    expect(size('xfs', 400 * MiB)).toBe(400 * MiB);
  });

  it('keeps the default size when none is required, and rounds the minimum up to the CSP granularity', () => {
    expect(size('xfs', 0)).toBe(GiB);
    expect(size('xfs', 0, 512 * MiB)).toBe(512 * MiB);
    expect(size('btrfs', MiB, 0, { sizeGranularity: 4 * MiB })).toBe(112 * MiB);
  });

  it('answers OUT_OF_RANGE naming the minimum when limit_bytes is below it', () => {
    expect(() => size('xfs', 64 * MiB, 299 * MiB)).toThrow(
      expect.objectContaining({
        kind: 'OutOfRange',
        message: expect.stringContaining('mkfs.xfs needs at least 314572800 bytes (300 MiB)'),
      }),
    );
    expect(() => size('btrfs', 0, 100 * MiB)).toThrow(expect.objectContaining({ kind: 'OutOfRange' }));
    expect(size('ext4', 0, 100 * MiB)).toBe(100 * MiB);
  });
});
