// Choosing the size to ask the CSP for: inside the CSI capacity range, on the CSP's allocation
// granularity, within its advertised minimum and maximum.
import { defaultVolumeSize } from '../constants.js';
import type { CspFacts } from '../csp/session.js';
import { outOfRange } from '../errors.js';
import type { SizeBounds } from '../validation.js';

export function plannedSize(bounds: SizeBounds, facts: CspFacts, floor = 0): number {
  let size = Math.max(bounds.required, floor);
  if (size === 0) {
    size = bounds.limit > 0 ? Math.min(defaultVolumeSize, bounds.limit) : defaultVolumeSize;
  }
  if (facts.minVolumeSize && size < facts.minVolumeSize) {
    size = facts.minVolumeSize;
  }
  const grain = facts.sizeGranularity ?? 1;
  size = Math.ceil(size / grain) * grain;
  if (bounds.limit > 0 && size > bounds.limit) {
    throw outOfRange(
      `capacity_range: the CSP allocates in units of ${grain} bytes with a minimum of ${facts.minVolumeSize ?? 1}; ` +
        `no such size lies between ${Math.max(bounds.required, floor)} and ${bounds.limit} bytes`,
    );
  }
  if (facts.maxVolumeSize && size > facts.maxVolumeSize) {
    throw outOfRange(
      `capacity_range: ${size} bytes is more than the CSP's largest volume (${facts.maxVolumeSize} bytes)`,
    );
  }
  return size;
}
