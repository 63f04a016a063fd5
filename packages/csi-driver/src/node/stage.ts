// NodeStageVolume: attach the LUN through its transport, then (filesystem volumes) find or create
// the filesystem and mount it at the staging path. Every step checks before it acts and the state
// file records intent before each side effect, so a retry after a crash at any point converges.
import type { FsType } from '../constants.js';
import { dhchapFromSecrets } from '../dhchap.js';
import { alreadyExists, failedPrecondition, inProgress, invalidArgument } from '../errors.js';
import { parseCreateOptions, validateCreateOptions } from '../host/mkfs.js';
import { mount } from '../host/mount.js';
import { isReadOnly, readMounts, topMountAt } from '../host/mountinfo.js';
import type { NodeMetrics, Outcome } from '../metrics/types.js';
import type { VolumeState } from '../state/volume-state.js';
import { chooseFsType, type ParsedCapability, parseCapability, readOnlyModes } from './capability.js';
import { chapFromSecrets } from './chap.js';
import type { NodeContext } from './context.js';
import {
  applyOwnership,
  assertDeviceUnmounted,
  ensureFilesystem,
  growAfterMount,
  growExt4BeforeMount,
  stagingMountOptions,
} from './filesystem.js';
import { makeDir } from './local-paths.js';
import { lockKeys } from './locks.js';
import type { NodeStageVolumeRequest, NodeStageVolumeResponse } from './messages.js';
import { mountIsOnDevice } from './mounts.js';
import { type Transport, transportFor } from './transport.js';
import { requirePath, requireVolumeId } from './validate.js';
import { type VolumeParams, volumeParams } from './volume-params.js';

interface StagePlan {
  readonly volumeId: string;
  readonly staging: string;
  readonly cap: ParsedCapability;
  readonly params: VolumeParams;
  readonly fsType?: FsType;
  readonly createOptions: readonly string[];
  readonly readOnly: boolean;
  readonly transport: Transport;
  readonly request: NodeStageVolumeRequest;
}

function plan(ctx: NodeContext, req: NodeStageVolumeRequest): StagePlan {
  const volumeId = requireVolumeId(req.volumeId);
  const staging = requirePath(req.stagingTargetPath, 'stagingTargetPath');
  const cap = parseCapability(req.volumeCapability);
  const publishContext = req.publishContext ?? {};
  const params = volumeParams(publishContext, req.volumeContext);
  const protocol = publishContext.accessProtocol;
  const transport = transportFor(ctx.transports, protocol);
  if (!transport) {
    throw invalidArgument(`publishContext.accessProtocol ${JSON.stringify(protocol)} is not supported by this node`);
  }
  transport.validate(publishContext);
  chapFromSecrets(req.secrets);
  dhchapFromSecrets(req.secrets);
  const fsType = cap.accessType === 'mount' ? chooseFsType(cap.fsType, params.fsType) : undefined;
  const createOptions = fsType ? parseCreateOptions(params.fsCreateOptions) : [];
  if (fsType) {
    validateCreateOptions(fsType, createOptions);
  }
  const readOnly = params.readOnly || readOnlyModes.includes(cap.mode);
  return { volumeId, staging, cap, params, fsType, createOptions, readOnly, transport, request: req };
}

export async function stageVolume(ctx: NodeContext, req: NodeStageVolumeRequest): Promise<NodeStageVolumeResponse> {
  const p = plan(ctx, req);
  const release = ctx.volumeLocks.tryLock(lockKeys.volume(p.volumeId));
  if (!release) {
    throw inProgress(`an operation on volume ${p.volumeId} is already in progress`);
  }
  try {
    await stageLocked(ctx, p);
    return {};
  } finally {
    release();
  }
}

function touch(ctx: NodeContext, state: VolumeState, changes: Partial<VolumeState>): VolumeState {
  return { ...state, ...changes, updatedAt: new Date(ctx.clock.now()).toISOString() };
}

/** Checks an existing state against the request; true when the volume is already fully staged. */
async function alreadyStaged(ctx: NodeContext, p: StagePlan, state: VolumeState): Promise<boolean> {
  if (state.stagingTargetPath !== p.staging) {
    throw failedPrecondition(`volume ${p.volumeId} is already staged at ${state.stagingTargetPath}`);
  }
  if (state.accessType !== p.cap.accessType) {
    throw alreadyExists(
      `volume ${p.volumeId} is staged as ${state.accessType}, the request asks for ${p.cap.accessType}`,
    );
  }
  if (state.fsType && p.fsType && state.fsType !== p.fsType) {
    throw alreadyExists(`volume ${p.volumeId} is staged with ${state.fsType}, the request asks for ${p.fsType}`);
  }
  if (state.readOnly !== p.readOnly) {
    throw alreadyExists(`volume ${p.volumeId} is staged ${state.readOnly ? 'read-only' : 'read-write'}`);
  }
  if (state.phase !== 'staged' || state.pendingInit) {
    return false;
  }
  const device = state.attachment ? await p.transport.resolve(state.attachment) : undefined;
  if (!device) {
    return false;
  }
  if (p.cap.accessType === 'block') {
    return true;
  }
  const top = topMountAt(await readMounts(ctx.files), p.staging);
  return top !== undefined && (await mountIsOnDevice(ctx.files, top, device));
}

async function stageLocked(ctx: NodeContext, p: StagePlan): Promise<void> {
  const state = await ctx.store.get(p.volumeId);
  if (state && (await alreadyStaged(ctx, p, state))) {
    ctx.logger.debug({ volumeId: p.volumeId }, 'already staged');
    return;
  }
  await measured(ctx.metrics, 'staged', p.transport.name, () => attachAndStage(ctx, p, state));
}

/** Runs `work` and reports its outcome and duration as `what` (when metrics are on). */
async function measured<T>(
  metrics: NodeMetrics | undefined,
  what: 'staged' | 'attached',
  transport: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!metrics) {
    return work();
  }
  const started = performance.now();
  let result: Outcome = 'failure';
  try {
    const value = await work();
    result = 'success';
    return value;
  } finally {
    metrics[what](transport, result, (performance.now() - started) / 1000);
  }
}

async function attachAndStage(ctx: NodeContext, p: StagePlan, existing: VolumeState | undefined): Promise<void> {
  let state = existing;
  if (!state && p.cap.accessType === 'mount') {
    const top = topMountAt(await readMounts(ctx.files), p.staging);
    if (top) {
      throw alreadyExists(`${p.staging} already has a mount of ${top.source} that this node did not record`);
    }
  }
  const intent = await p.transport.intent(p.request.publishContext ?? {});
  state = state
    ? touch(ctx, state, { phase: 'attaching', attachment: state.attachment ?? intent })
    : {
        version: 1,
        volumeId: p.volumeId,
        stagingTargetPath: p.staging,
        accessType: p.cap.accessType,
        accessMode: p.cap.mode,
        phase: 'attaching',
        transport: p.transport.name,
        attachment: intent,
        fsType: p.fsType,
        readOnly: p.readOnly,
        fsOwner: p.params.fsOwner?.text,
        fsMode: p.params.fsMode?.text,
        updatedAt: new Date(ctx.clock.now()).toISOString(),
      };
  await ctx.store.put(state);
  const chap = chapFromSecrets(p.request.secrets);
  const attachment = await measured(ctx.metrics, 'attached', p.transport.name, () =>
    p.transport.attach({
      volumeId: p.volumeId,
      publishContext: p.request.publishContext ?? {},
      ...(chap ? { chap } : {}),
      ...(p.request.secrets ? { secrets: p.request.secrets } : {}),
    }),
  );
  if (attachment.counts) {
    ctx.metrics?.paths(p.volumeId, attachment.counts);
  }
  state = touch(ctx, state, {
    phase: 'attached',
    attachment: attachment.record,
    device: attachment.device,
    wwid: attachment.wwid,
  });
  await ctx.store.put(state);
  if (p.fsType) {
    state = await stageFilesystem(ctx, p, p.fsType, state, attachment.device);
  } else {
    await makeDir(p.staging);
  }
  await ctx.store.put(touch(ctx, state, { phase: 'staged' }));
  ctx.logger.info({ volumeId: p.volumeId, device: attachment.device, staging: p.staging }, 'volume staged');
}

async function stageFilesystem(
  ctx: NodeContext,
  p: StagePlan,
  fsType: FsType,
  initial: VolumeState,
  device: string,
): Promise<VolumeState> {
  let state = initial;
  const top = topMountAt(await readMounts(ctx.files), p.staging);
  if (top) {
    if (!(await mountIsOnDevice(ctx.files, top, device))) {
      throw alreadyExists(`${p.staging} already has a mount of ${top.source}, not of ${device}`);
    }
    if (isReadOnly(top) !== p.readOnly) {
      throw alreadyExists(`${p.staging} is mounted ${isReadOnly(top) ? 'read-only' : 'read-write'} already`);
    }
  } else {
    const formatted = await ensureFilesystem(ctx, device, fsType, p.createOptions, p.readOnly, async () => {
      state = touch(ctx, state, { pendingInit: Boolean(p.params.fsOwner || p.params.fsMode) });
      await ctx.store.put(state);
    });
    // A filesystem made just now fills its device: only an existing one can need to grow.
    if (fsType === 'ext4' && !p.readOnly && !formatted) {
      await growExt4BeforeMount(ctx, device);
    }
    await assertDeviceUnmounted(ctx, device, `mount it at ${p.staging}`);
    await makeDir(p.staging);
    await mount(ctx.runner, {
      source: device,
      target: p.staging,
      fsType,
      options: stagingMountOptions(fsType, p.cap.mountFlags, p.readOnly),
    });
  }
  if (!p.readOnly) {
    await growAfterMount(ctx, fsType, device, p.staging);
  }
  if (state.pendingInit) {
    await applyOwnership(p.staging, p.params);
    state = touch(ctx, state, { pendingInit: false });
  }
  return state;
}
