// GET /capabilities and POST /capacity. Capacity is the parent dataset's `available` (what any
// dataset under it can still use); thick volumes may use at most 80% of it unless forced.
import type { Capabilities, Capacity, Config } from '@opencsp/csp-spec';
import { CspProblem, describeCapabilities } from '@opencsp/csp-spec/server';
import type { SessionContext } from './context.js';
import { numberProp } from './props.js';
import { configKeys, mutableConfigKeys, parseVolumeConfig } from './volume-config.js';
import { queryDatasets } from './volume-read.js';

export const cspVersion = '0.1.0';

export function capabilities(ctx: SessionContext): Capabilities {
  const vbs = parseVolumeConfig(undefined, ctx.config.volumeDefaults, ctx.names.parents).volblocksizeBytes;
  return describeCapabilities({
    provider: { name: 'truenas', version: cspVersion, array_model: 'TrueNAS', array_version: ctx.facts.version },
    claims: [
      'capacity',
      'volume_health',
      'list_pagination',
      'list_all_snapshots',
      'chap',
      'expand_online',
      ...(ctx.facts.nvme.available ? (['dhchap'] as const) : []),
      'read_only_per_host',
      'host_volume_limit',
      'any_volume_name',
      'snapshot_delete_with_clones',
      'published_nodes',
      'volume_groups',
      'snapshot_groups',
    ],
    accessProtocols: ctx.facts.nvme.available ? ['iscsi', 'nvmetcp'] : ['iscsi'],
    limits: { size_granularity: vbs, min_volume_size: vbs },
    configKeys: configKeys,
    mutableConfigKeys,
  });
}

export async function queryCapacity(ctx: SessionContext, config: Config): Promise<Capacity> {
  const cfg = parseVolumeConfig(config, ctx.config.volumeDefaults, ctx.names.parents);
  const [parent] = await queryDatasets(ctx, [['id', '=', cfg.parent]]);
  if (!parent) {
    throw new CspProblem('INTERNAL', `parent dataset ${cfg.parent} does not exist on the array`);
  }
  const available = numberProp(parent, 'available') ?? 0;
  const used = numberProp(parent, 'used') ?? 0;
  const capacity: Capacity = {
    available_bytes: available,
    total_bytes: available + used,
    minimum_volume_size: cfg.volblocksizeBytes,
  };
  if (!cfg.sparse) {
    const limit = ctx.config.forceSize ? available : available * 0.8;
    capacity.maximum_volume_size = Math.floor(limit / cfg.volblocksizeBytes) * cfg.volblocksizeBytes;
  }
  return capacity;
}
