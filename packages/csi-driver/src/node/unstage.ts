// NodeUnstageVolume: refuse while the volume is still published; unmount the staging path; flush;
// hand the device back to its transport (which logs out only when nothing else needs the session);
// forget the volume. Nothing staged → OK. A lost state file with a mount still at the staging path
// is adopted from the mount's device so the device is torn down, not leaked.
import { failedPrecondition, inProgress } from '../errors.js';
import { flushBuffers } from '../host/blockdev.js';
import { unmountAll } from '../host/mount.js';
import { type MountInfo, readMounts, topMountAt } from '../host/mountinfo.js';
import type { VolumeState } from '../state/volume-state.js';
import type { NodeContext } from './context.js';
import { lockKeys } from './locks.js';
import type { NodeUnstageVolumeRequest, NodeUnstageVolumeResponse } from './messages.js';
import { bindsOf, isDeviceBind, kernelName, mountIsOnDevice } from './mounts.js';
import { publishDeviceNames, releaseReadOnlyLoops } from './readonly-block.js';
import { requirePath, requireVolumeId } from './validate.js';

export async function unstageVolume(
  ctx: NodeContext,
  req: NodeUnstageVolumeRequest,
): Promise<NodeUnstageVolumeResponse> {
  const volumeId = requireVolumeId(req.volumeId);
  const staging = requirePath(req.stagingTargetPath, 'stagingTargetPath');
  const release = ctx.volumeLocks.tryLock(lockKeys.volume(volumeId));
  if (!release) {
    throw inProgress(`an operation on volume ${volumeId} is already in progress`);
  }
  try {
    const state = (await ctx.store.get(volumeId)) ?? (await adoptStaged(ctx, volumeId, staging));
    if (!state) {
      return {};
    }
    if (state.stagingTargetPath !== staging) {
      throw failedPrecondition(`volume ${volumeId} is staged at ${state.stagingTargetPath}, not at ${staging}`);
    }
    await teardown(ctx, state);
    return {};
  } finally {
    release();
  }
}

/** Builds a state for a mount found at the staging path without a state file (lost hostPath...). */
async function adoptStaged(ctx: NodeContext, volumeId: string, staging: string): Promise<VolumeState | undefined> {
  const top = topMountAt(await readMounts(ctx.files), staging);
  if (!top) {
    return undefined;
  }
  for (const transport of ctx.transports.values()) {
    const attachment = await transport.adopt(top.source);
    if (attachment) {
      ctx.logger.warn({ volumeId, staging, device: top.source }, 'no node state; adopted the staged mount');
      return {
        version: 1,
        volumeId,
        stagingTargetPath: staging,
        accessType: 'mount',
        accessMode: 'UNKNOWN',
        phase: 'staged',
        transport: transport.name,
        attachment,
        device: top.source,
        readOnly: false,
        updatedAt: new Date(ctx.clock.now()).toISOString(),
      };
    }
  }
  throw failedPrecondition(
    `${staging} holds a mount of ${top.source} with no node state, and no transport recognises the device; unmount it by hand`,
  );
}

/** Mount points that still publish the volume (binds of the staged filesystem or of the device). */
async function remainingPublishes(ctx: NodeContext, state: VolumeState, device: string | undefined) {
  const mounts = await readMounts(ctx.files);
  const staged = topMountAt(mounts, state.stagingTargetPath);
  const found: MountInfo[] = staged ? bindsOf(mounts, staged, [state.stagingTargetPath]) : [];
  if (device) {
    const kname = await kernelName(ctx.files, device);
    const names = kname ? await publishDeviceNames(ctx, device, kname) : [];
    for (const m of mounts) {
      const isBind = names.some((n) => isDeviceBind(m, n));
      const onDevice = m.mountPoint !== state.stagingTargetPath && (await mountIsOnDevice(ctx.files, m, device));
      if ((isBind || onDevice) && !found.includes(m)) {
        found.push(m);
      }
    }
  }
  return found;
}

async function teardown(ctx: NodeContext, state: VolumeState): Promise<void> {
  const transport = ctx.transports.get(state.transport);
  if (!transport) {
    throw failedPrecondition(
      `volume ${state.volumeId} was attached by transport ${state.transport}, which this node lacks`,
    );
  }
  const device = state.attachment ? await transport.resolve(state.attachment) : undefined;
  const published = await remainingPublishes(ctx, state, device);
  if (published.length > 0) {
    throw failedPrecondition(
      `volume ${state.volumeId} is still published at ${published.map((m) => m.mountPoint).join(', ')}; unpublish it first`,
    );
  }
  await unmountAll(ctx.runner, ctx.files, ctx.clock, state.stagingTargetPath, ctx.options.unmount);
  if (device) {
    await releaseReadOnlyLoops(ctx, device, await readMounts(ctx.files));
    await flushBuffers(ctx.runner, device).catch((err) =>
      ctx.logger.warn({ device, err: String(err) }, 'flushing buffers before detach failed'),
    );
  }
  await ctx.store.put({ ...state, phase: 'detaching', updatedAt: new Date(ctx.clock.now()).toISOString() });
  if (state.attachment) {
    await transport.detach(state.attachment);
  }
  await ctx.store.remove(state.volumeId);
  ctx.metrics?.paths(state.volumeId, undefined);
  ctx.logger.info({ volumeId: state.volumeId }, 'volume unstaged');
}
