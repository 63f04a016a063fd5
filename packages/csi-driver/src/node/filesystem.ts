// The filesystem on a staged device: found or created (never reformatted), mounted with the right
// options, grown to the device, and owned as the StorageClass asks on first creation.
import { chmod, chown } from 'node:fs/promises';
import type { FsType } from '../constants.js';
import { failedPrecondition } from '../errors.js';
import { probeDevice } from '../host/blkid.js';
import { deviceSize } from '../host/blockdev.js';
import { makeFilesystem } from '../host/mkfs.js';
import { readMounts, sameDevice } from '../host/mountinfo.js';
import { ext4Size, growExt4Offline, growMounted } from '../host/resize.js';
import type { NodeContext } from './context.js';
import type { VolumeParams } from './volume-params.js';

/** Refuses to touch a device mounted anywhere (mkfs, fsck and offline resize need it unused). */
export async function assertDeviceUnmounted(ctx: NodeContext, device: string, action: string): Promise<void> {
  const dev = await ctx.files.deviceNumber(device);
  if (!dev) {
    return;
  }
  const mounted = (await readMounts(ctx.files)).filter((m) => sameDevice(m.device, dev));
  if (mounted.length > 0) {
    throw failedPrecondition(
      `${device} is mounted at ${mounted.map((m) => m.mountPoint).join(', ')}; cannot ${action}`,
    );
  }
}

/**
 * Makes sure `device` holds `fsType`: formats it only when blkid finds it blank. Returns whether it
 * formatted. Another filesystem, a partition table or any other signature is FailedPrecondition.
 */
export async function ensureFilesystem(
  ctx: NodeContext,
  device: string,
  fsType: FsType,
  createOptions: readonly string[],
  readOnly: boolean,
  beforeFormat: () => Promise<void>,
): Promise<boolean> {
  const probe = await probeDevice(ctx.runner, device, ctx.logger);
  if (probe === undefined) {
    if (readOnly) {
      throw failedPrecondition(`${device} is blank and the volume is read-only: there is no filesystem to mount`);
    }
    await assertDeviceUnmounted(ctx, device, 'format it');
    await beforeFormat();
    await makeFilesystem(ctx.runner, fsType, device, createOptions);
    ctx.logger.info({ device, fsType }, 'created filesystem');
    return true;
  }
  if (probe.ptType) {
    throw failedPrecondition(`${device} holds a ${probe.ptType} partition table; refusing to format or mount it`);
  }
  if (probe.type !== fsType) {
    throw failedPrecondition(
      `${device} already holds ${probe.type ?? 'an unknown signature'} but the volume asks for ${fsType}; refusing to reformat it`,
    );
  }
  return false;
}

/** Mount options for the staging mount: the capability's flags, nouuid for xfs, ro when read-only. */
export function stagingMountOptions(fsType: FsType, flags: readonly string[], readOnly: boolean): string[] {
  const options = flags.filter((f) => !(readOnly && f === 'rw'));
  if (fsType === 'xfs') {
    options.push('nouuid');
  }
  if (readOnly) {
    options.push('ro');
  }
  return [...new Set(options)];
}

/** ext4 grows before mounting (offline resize works without CAP_SYS_RESOURCE). */
export async function growExt4BeforeMount(ctx: NodeContext, device: string): Promise<void> {
  const [deviceBytes, fsBytes] = await Promise.all([deviceSize(ctx.runner, device), ext4Size(ctx.runner, device)]);
  if (deviceBytes - fsBytes < 1024 * 1024) {
    return;
  }
  await assertDeviceUnmounted(ctx, device, 'grow it offline');
  ctx.logger.info({ device, deviceBytes, fsBytes }, 'growing ext4 before mounting');
  await growExt4Offline(ctx.runner, device);
}

/** xfs and btrfs grow once mounted; a failure leaves a usable (smaller) filesystem and is logged. */
export async function growAfterMount(
  ctx: NodeContext,
  fsType: FsType,
  device: string,
  mountPoint: string,
): Promise<void> {
  if (fsType === 'ext4') {
    return;
  }
  try {
    await growMounted(ctx.runner, fsType, device, mountPoint);
  } catch (err) {
    ctx.logger.warn({ device, fsType, err: String(err) }, 'could not grow the filesystem while staging');
  }
}

/** Applies fsOwner/fsMode to the root of a freshly created filesystem. */
export async function applyOwnership(mountPoint: string, params: VolumeParams): Promise<void> {
  if (params.fsOwner) {
    await chown(mountPoint, params.fsOwner.uid, params.fsOwner.gid);
  }
  if (params.fsMode) {
    await chmod(mountPoint, params.fsMode.mode);
  }
}
