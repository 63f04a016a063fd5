// NodeExpandVolume: make the kernel see the grown LUN (transport rescan, multipathd resize), wait
// until the device reaches the requested size, then grow the filesystem online (skipped for block).
import type { FsType } from '../constants.js';
import { supportedFsTypes } from '../constants.js';
import { failedPrecondition, inProgress, internal, invalidArgument, notFound } from '../errors.js';
import { deviceSize } from '../host/blockdev.js';
import { pollUntil } from '../host/clock.js';
import { readMounts, topMountAt } from '../host/mountinfo.js';
import { ext4Size, growMounted } from '../host/resize.js';
import { parseCapability } from './capability.js';
import type { NodeContext } from './context.js';
import { pathKind } from './local-paths.js';
import { lockKeys } from './locks.js';
import type { NodeExpandVolumeRequest, NodeExpandVolumeResponse } from './messages.js';
import { isDeviceBind } from './mounts.js';
import { refreshReadOnlyLoops } from './readonly-block.js';
import { requireVolumeId } from './validate.js';
import { requireMountOfVolume, requireVolumePath } from './volume-path.js';

function requestedBytes(req: NodeExpandVolumeRequest): number {
  const required = req.capacityRange?.requiredBytes ?? 0;
  const limit = req.capacityRange?.limitBytes ?? 0;
  if (required < 0 || limit < 0) {
    throw invalidArgument('capacityRange must not be negative');
  }
  if (limit > 0 && required > limit) {
    throw invalidArgument(`capacityRange.requiredBytes ${required} exceeds limitBytes ${limit}`);
  }
  return required;
}

export async function expandVolume(ctx: NodeContext, req: NodeExpandVolumeRequest): Promise<NodeExpandVolumeResponse> {
  const volumeId = requireVolumeId(req.volumeId);
  const path = requireVolumePath(req.volumePath, volumeId);
  const required = requestedBytes(req);
  const cap = req.volumeCapability ? parseCapability(req.volumeCapability) : undefined;
  const release = ctx.volumeLocks.tryLock(lockKeys.volume(volumeId));
  if (!release) {
    throw inProgress(`an operation on volume ${volumeId} is already in progress`);
  }
  try {
    return await expandLocked(ctx, volumeId, path, required, cap?.accessType);
  } finally {
    release();
  }
}

async function expandLocked(
  ctx: NodeContext,
  volumeId: string,
  path: string,
  required: number,
  requestedType: 'mount' | 'block' | undefined,
): Promise<NodeExpandVolumeResponse> {
  if ((await pathKind(path)) === 'missing') {
    throw notFound(`volume ${volumeId}: ${path} does not exist`);
  }
  const state = await ctx.store.get(volumeId);
  const top = topMountAt(await readMounts(ctx.files), path);
  // A staged block volume has nothing mounted at its staging path; kubelet may still name it.
  const stagedBlock = state?.accessType === 'block' && state.phase === 'staged' && state.stagingTargetPath === path;
  if (!top && !stagedBlock) {
    throw notFound(`volume ${volumeId}: nothing is mounted at ${path}`);
  }
  if (top && !stagedBlock) {
    await requireMountOfVolume(ctx, volumeId, state, top);
  }
  const accessType = requestedType ?? state?.accessType ?? (top && isDeviceBind(top) ? 'block' : 'mount');
  const transport = state ? ctx.transports.get(state.transport) : undefined;
  const resolved = state?.attachment && transport ? await transport.resolve(state.attachment) : undefined;
  const device = resolved ?? (top ? (accessType === 'block' ? `/dev${top.root}` : top.source) : undefined);
  if (!device) {
    throw notFound(`volume ${volumeId}: its device is not attached`);
  }
  if (state?.attachment && transport) {
    await transport.rescanForResize(state.attachment);
  }
  const size = await waitForSize(ctx, device, required);
  if (accessType === 'block') {
    await refreshReadOnlyLoops(ctx, device);
    return { capacityBytes: size };
  }
  if (!top) {
    throw notFound(`volume ${volumeId}: nothing is mounted at ${path}`);
  }
  if (top.superOptions.includes('ro') || state?.readOnly) {
    throw failedPrecondition(`volume ${volumeId} is mounted read-only; its filesystem cannot grow`);
  }
  const fsType = (state?.fsType ?? top.fsType) as FsType;
  if (!supportedFsTypes.includes(fsType)) {
    throw failedPrecondition(`volume ${volumeId} holds ${top.fsType}, which this node cannot grow`);
  }
  if (fsType === 'ext4' && size - (await ext4Size(ctx.runner, device)) < 1024 * 1024) {
    return { capacityBytes: size };
  }
  const staged = state ? topMountAt(await readMounts(ctx.files), state.stagingTargetPath) : undefined;
  await growMounted(ctx.runner, fsType, device, staged ? (state?.stagingTargetPath ?? path) : path);
  ctx.logger.info({ volumeId, device, size }, 'filesystem grown');
  return { capacityBytes: size };
}

/** Polls the device size until it reaches `required` (0: no wait). */
async function waitForSize(ctx: NodeContext, device: string, required: number): Promise<number> {
  let last = 0;
  const size = await pollUntil(ctx.clock, ctx.options.growTimeoutMs, ctx.options.pollIntervalMs, async () => {
    last = await deviceSize(ctx.runner, device);
    return last >= required ? last : undefined;
  });
  if (size === undefined) {
    throw internal(
      `${device} is ${last} bytes after a rescan, less than the requested ${required}: did the array grow the LUN?`,
    );
  }
  return size;
}
