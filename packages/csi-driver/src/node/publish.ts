// NodePublishVolume: bind the staged filesystem onto the target directory, or the device onto a
// target file (block), read-only when asked. An existing mount at the target is compared by device
// and root from mountinfo: the same volume with the same read-only flag is OK, anything else is
// ALREADY_EXISTS.
import { alreadyExists, failedPrecondition, inProgress, invalidArgument } from '../errors.js';
import { bindMount, remountBind } from '../host/mount.js';
import { isReadOnly, type MountInfo, readMounts, topMountAt } from '../host/mountinfo.js';
import type { VolumeState } from '../state/volume-state.js';
import { type ParsedCapability, parseCapability, readOnlyModes, singlePublishModes } from './capability.js';
import type { NodeContext } from './context.js';
import { makeDir, makeFile } from './local-paths.js';
import { lockKeys } from './locks.js';
import type { NodePublishVolumeRequest, NodePublishVolumeResponse } from './messages.js';
import { bindRemountFlags, bindsOf, isDeviceBind, kernelName } from './mounts.js';
import { publishDeviceNames, readOnlyLoop } from './readonly-block.js';
import { requirePath, requireVolumeId } from './validate.js';

interface PublishPlan {
  readonly volumeId: string;
  readonly staging: string;
  readonly target: string;
  readonly cap: ParsedCapability;
  readonly readOnly: boolean;
}

export async function publishVolume(
  ctx: NodeContext,
  req: NodePublishVolumeRequest,
): Promise<NodePublishVolumeResponse> {
  const volumeId = requireVolumeId(req.volumeId);
  const target = requirePath(req.targetPath, 'targetPath');
  const staging = requirePath(req.stagingTargetPath, 'stagingTargetPath');
  const cap = parseCapability(req.volumeCapability);
  if (target === staging) {
    throw invalidArgument('targetPath must differ from stagingTargetPath');
  }
  const requestedReadOnly = req.readonly || readOnlyModes.includes(cap.mode);
  const release = ctx.volumeLocks.tryLock(lockKeys.volume(volumeId));
  if (!release) {
    throw inProgress(`an operation on volume ${volumeId} is already in progress`);
  }
  try {
    const state = await ctx.store.get(volumeId);
    // A volume staged read-only (readOnly in the publish context) is published read-only everywhere.
    const p = { volumeId, staging, target, cap, readOnly: requestedReadOnly || Boolean(state?.readOnly) };
    if (state && (state.phase !== 'staged' || state.stagingTargetPath !== staging)) {
      throw failedPrecondition(`volume ${volumeId} is not staged at ${staging}`);
    }
    if (state && state.accessType !== cap.accessType) {
      throw failedPrecondition(`volume ${volumeId} is staged as ${state.accessType}, not ${cap.accessType}`);
    }
    if (cap.accessType === 'block') {
      await publishBlock(ctx, p, state);
    } else {
      await publishMount(ctx, p, state);
    }
    return {};
  } finally {
    release();
  }
}

/** OK when `existing` is this volume with the requested read-only flag; finishes a half-done ro remount. */
async function reuseExisting(ctx: NodeContext, p: PublishPlan, existing: MountInfo, ours: boolean): Promise<void> {
  if (!ours) {
    throw alreadyExists(`${p.target} already has a mount of ${existing.source} that is not volume ${p.volumeId}`);
  }
  if (isReadOnly(existing) === p.readOnly) {
    return;
  }
  if (p.readOnly) {
    await remountBind(ctx.runner, p.target, bindRemountFlags(p.cap.mountFlags, true));
    return;
  }
  throw alreadyExists(`${p.target} is published read-only; the request asks for read-write`);
}

function checkSecondTarget(p: PublishPlan, others: readonly MountInfo[]): void {
  if (others.length > 0 && singlePublishModes.includes(p.cap.mode)) {
    throw failedPrecondition(
      `volume ${p.volumeId} is ${p.cap.mode} and already published at ${others.map((m) => m.mountPoint).join(', ')}`,
    );
  }
}

async function finishBind(ctx: NodeContext, p: PublishPlan): Promise<void> {
  const flags = bindRemountFlags(p.cap.mountFlags, p.readOnly);
  if (flags.length > 0) {
    await remountBind(ctx.runner, p.target, flags);
  }
}

async function publishMount(ctx: NodeContext, p: PublishPlan, state: VolumeState | undefined): Promise<void> {
  const mounts = await readMounts(ctx.files);
  const staged = topMountAt(mounts, p.staging);
  if (!staged) {
    throw failedPrecondition(
      `volume ${p.volumeId} is not staged: nothing is mounted at ${p.staging}${state ? ' (stage it again)' : ''}`,
    );
  }
  const existing = topMountAt(mounts, p.target);
  const binds = bindsOf(mounts, staged, [p.staging]);
  if (existing) {
    await reuseExisting(ctx, p, existing, binds.includes(existing));
    return;
  }
  checkSecondTarget(p, binds);
  await makeDir(p.target);
  await bindMount(ctx.runner, p.staging, p.target);
  await finishBind(ctx, p);
  ctx.logger.info({ volumeId: p.volumeId, target: p.target, readOnly: p.readOnly }, 'volume published');
}

async function publishBlock(ctx: NodeContext, p: PublishPlan, state: VolumeState | undefined): Promise<void> {
  const transport = state ? ctx.transports.get(state.transport) : undefined;
  const device = state?.attachment && transport ? await transport.resolve(state.attachment) : undefined;
  const kname = device ? await kernelName(ctx.files, device) : undefined;
  if (!device || !kname) {
    throw failedPrecondition(`the device of volume ${p.volumeId} is not attached; stage it again`);
  }
  const mounts = await readMounts(ctx.files);
  const names = await publishDeviceNames(ctx, device, kname);
  const binds = mounts.filter((m) => names.some((n) => isDeviceBind(m, n)));
  const existing = topMountAt(mounts, p.target);
  if (existing) {
    if (!binds.includes(existing)) {
      throw alreadyExists(`${p.target} already has a mount of ${existing.source} that is not volume ${p.volumeId}`);
    }
    const readOnlyLoop = existing.root !== `/${kname}`;
    if (readOnlyLoop !== p.readOnly) {
      throw alreadyExists(`${p.target} is published ${readOnlyLoop ? 'read-only' : 'read-write'} already`);
    }
    return;
  }
  checkSecondTarget(p, binds);
  await makeFile(p.target);
  // The kernel ignores a read-only bind for device nodes: read-only gets a read-only loop device.
  const source = p.readOnly ? await readOnlyLoop(ctx, device, mounts) : device;
  await bindMount(ctx.runner, source, p.target);
  await finishBind(ctx, p);
  ctx.logger.info(
    { volumeId: p.volumeId, target: p.target, device: source, readOnly: p.readOnly },
    'block volume published',
  );
}
