// Choosing the size to ask the CSP for: inside the CSI capacity range, on the CSP's allocation
// granularity, within its advertised minimum and maximum.
import { defaultVolumeSize, type FsType, filesystemMinimumBytes } from '../constants.js';
import type { CspFacts } from '../csp/session.js';
import { outOfRange } from '../errors.js';
import type { SizeBounds } from '../validation.js';

/**
 * The smallest volume a mount capability's filesystem can be made on: CSI lets a plugin create a
 * volume larger than required_bytes up to limit_bytes, so a small request is raised to it; a
 * limit below it cannot be met (OUT_OF_RANGE naming the minimum). 0 when there is none.
 */
export function filesystemFloor(fsType: string | undefined, bounds: SizeBounds): number {
  const minimum = fsType ? (filesystemMinimumBytes[fsType as FsType] ?? 0) : 0;
  if (minimum > 0 && bounds.limit > 0 && bounds.limit < minimum) {
    throw outOfRange(
      `capacity_range.limit_bytes: ${bounds.limit} bytes is too small for ${fsType}: mkfs.${fsType} needs at least ` +
        `${minimum} bytes (${(minimum / 1024 ** 2).toFixed(0)} MiB); raise the limit or use another fsType`,
    );
  }
  return minimum;
}

/**
 * `floor`: the content source's size (used as the size when none is required); `minimum`: the
 * filesystem's smallest device (filesystemFloor), applied after the default size is chosen.
 */
export function plannedSize(bounds: SizeBounds, facts: CspFacts, floor = 0, minimum = 0): number {
  let size = Math.max(bounds.required, floor);
  if (size === 0) {
    size = bounds.limit > 0 ? Math.min(defaultVolumeSize, bounds.limit) : defaultVolumeSize;
  }
  size = Math.max(size, minimum);
  if (facts.minVolumeSize && size < facts.minVolumeSize) {
    size = facts.minVolumeSize;
  }
  const grain = facts.sizeGranularity ?? 1;
  size = Math.ceil(size / grain) * grain;
  if (bounds.limit > 0 && size > bounds.limit) {
    throw outOfRange(
      `capacity_range: the CSP allocates in units of ${grain} bytes with a minimum of ${facts.minVolumeSize ?? 1}; ` +
        `no such size lies between ${Math.max(bounds.required, floor, minimum)} and ${bounds.limit} bytes`,
    );
  }
  if (facts.maxVolumeSize && size > facts.maxVolumeSize) {
    throw outOfRange(
      `capacity_range: ${size} bytes is more than the CSP's largest volume (${facts.maxVolumeSize} bytes)`,
    );
  }
  return size;
}
