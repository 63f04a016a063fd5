// NodeGetVolumeStats: statfs bytes and inodes for a filesystem, the device size for a block volume,
// and the volume condition: mount gone, filesystem turned read-only, no active path, session down.
import { notFound } from '../errors.js';
import { deviceSize } from '../host/blockdev.js';
import { type MountInfo, readMounts, topMountAt } from '../host/mountinfo.js';
import type { VolumeState } from '../state/volume-state.js';
import type { NodeContext } from './context.js';
import { filesystemUsage, pathKind } from './local-paths.js';
import type {
  NodeGetVolumeStatsRequest,
  NodeGetVolumeStatsResponse,
  VolumeCondition,
  VolumeUsage,
} from './messages.js';
import { isDeviceBind } from './mounts.js';
import { requireVolumeId } from './validate.js';
import { requireMountOfVolume, requireVolumePath } from './volume-path.js';

export async function volumeStats(
  ctx: NodeContext,
  req: NodeGetVolumeStatsRequest,
): Promise<NodeGetVolumeStatsResponse> {
  const volumeId = requireVolumeId(req.volumeId);
  const path = requireVolumePath(req.volumePath, volumeId);
  if ((await pathKind(path)) === 'missing') {
    throw notFound(`volume ${volumeId}: ${path} does not exist`);
  }
  const mounts = await readMounts(ctx.files);
  const top = topMountAt(mounts, path);
  if (!top) {
    throw notFound(`volume ${volumeId}: nothing is mounted at ${path}`);
  }
  const state = await ctx.store.get(volumeId);
  await requireMountOfVolume(ctx, volumeId, state, top);
  const block = isDeviceBind(top) || state?.accessType === 'block';
  const usage = block ? await blockUsage(ctx, path) : await fsUsage(path);
  return { usage, volumeCondition: await condition(ctx, state, top, mounts, block) };
}

async function blockUsage(ctx: NodeContext, path: string): Promise<VolumeUsage[]> {
  const total = await deviceSize(ctx.runner, path);
  return [{ unit: 'BYTES', total, available: 0, used: 0 }];
}

/** Bytes, and inodes where the filesystem counts them (btrfs allocates inodes dynamically and reports 0). */
async function fsUsage(path: string): Promise<VolumeUsage[]> {
  const u = await filesystemUsage(path);
  const usage: VolumeUsage[] = [{ unit: 'BYTES', total: u.totalBytes, available: u.availableBytes, used: u.usedBytes }];
  if (u.totalInodes > 0) {
    usage.push({ unit: 'INODES', total: u.totalInodes, available: u.freeInodes, used: u.totalInodes - u.freeInodes });
  }
  return usage;
}

async function condition(
  ctx: NodeContext,
  state: VolumeState | undefined,
  top: MountInfo,
  mounts: readonly MountInfo[],
  block: boolean,
): Promise<VolumeCondition> {
  const problems: string[] = [];
  if (!block && top.superOptions.includes('ro') && !state?.readOnly) {
    problems.push('the filesystem is read-only (the kernel remounted it after errors?)');
  }
  if (!state) {
    return problems.length > 0
      ? { abnormal: true, message: problems.join('; ') }
      : { abnormal: false, message: 'mounted (no node state for this volume)' };
  }
  if (state.accessType === 'mount' && !topMountAt(mounts, state.stagingTargetPath)) {
    problems.push(`the staging mount at ${state.stagingTargetPath} is gone`);
  }
  const transport = ctx.transports.get(state.transport);
  let summary = '';
  if (transport && state.attachment) {
    const health = await transport.health(state.attachment);
    ctx.metrics?.paths(state.volumeId, health.counts);
    summary = health.message;
    if (health.abnormal) {
      problems.push(health.message);
    }
  }
  return problems.length > 0
    ? { abnormal: true, message: problems.join('; ') }
    : { abnormal: false, message: summary ? `healthy: ${summary}` : 'healthy' };
}
