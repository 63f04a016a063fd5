// Which storage volume (/volumeN) a new LUN goes to, and how much room it has.
import type { Capacity, Config } from '@opencsp/csp-spec';
import { CspProblem } from '@opencsp/csp-spec/server';
import { parseConfig } from './config.js';
import { problemContext, type SessionContext } from './context.js';
import { describing } from './dsm/problems.js';
import { type DsmVolume, toNumber } from './dsm/types.js';
import { minLunSize } from './luns.js';

const unusable = new Set(['crashed', 'read_only', 'deleting', 'readonly']);

function usable(volume: DsmVolume): boolean {
  return !unusable.has(volume.status) && (volume.fs_type === 'btrfs' || volume.fs_type === 'ext4');
}

export const freeBytes = (volume: DsmVolume): number => toNumber(volume.size_free_byte) ?? 0;
export const totalBytes = (volume: DsmVolume): number => toNumber(volume.size_total_byte) ?? 0;

/**
 * The named volume (config `location`, else the CSP's default), or, with none named, the usable
 * volume with the most free space, Btrfs first (only Btrfs LUNs can be snapshotted).
 */
export async function resolveLocation(ctx: SessionContext, requested: string | undefined): Promise<DsmVolume> {
  const location = requested ?? ctx.settings.defaultLocation;
  return describing(problemContext(ctx, 'choosing a storage volume'), async () => {
    if (location) {
      const volume = await ctx.api.volume(location);
      if (!volume) {
        throw new CspProblem('INVALID_INPUT', `config.location: the NAS has no storage volume ${location}`, {
          field: 'config.location',
        });
      }
      if (!usable(volume)) {
        throw new CspProblem('UNAVAILABLE', `storage volume ${location} is ${volume.status} (${volume.fs_type})`);
      }
      return volume;
    }
    const candidates = (await ctx.api.volumes()).filter(usable);
    candidates.sort(
      (a, b) => Number(b.fs_type === 'btrfs') - Number(a.fs_type === 'btrfs') || freeBytes(b) - freeBytes(a),
    );
    const best = candidates[0];
    if (!best) {
      throw new CspProblem('UNAVAILABLE', 'the NAS has no healthy Btrfs or ext4 storage volume for LUNs');
    }
    return best;
  });
}

export async function queryCapacity(ctx: SessionContext, config: Config): Promise<Capacity> {
  const parsed = parseConfig(config);
  const volume = await resolveLocation(ctx, parsed.location);
  const free = freeBytes(volume);
  const total = totalBytes(volume);
  return {
    available_bytes: free,
    total_bytes: total,
    // Thin LUNs may exceed the free space (never the volume); thick ones must fit in it.
    maximum_volume_size: parsed.provisioning === 'thick' ? free : total,
    minimum_volume_size: minLunSize,
  };
}
