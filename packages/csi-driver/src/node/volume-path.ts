// The `volume_path` of NodeGetVolumeStats and NodeExpandVolume names where a volume is staged or
// published; it is a lookup, not a place to create. Missing is INVALID_ARGUMENT. A path where the
// volume is not (a relative path, nothing mounted, or another volume's mount) is NOT_FOUND, as the
// CSI spec and csi-sanity read it. A relative path is never resolved against the driver's cwd.
// Without a state file for the volume (lost with the node's state dir) the mount cannot be checked
// against the volume's device, and whatever is mounted at the path is taken as the volume's.
import { invalidArgument, notFound } from '../errors.js';
import type { MountInfo } from '../host/mountinfo.js';
import { hasControlCharacters } from '../host/redact.js';
import type { VolumeState } from '../state/volume-state.js';
import type { NodeContext } from './context.js';
import { isDeviceBind, kernelName, mountIsOnDevice } from './mounts.js';
import { publishDeviceNames } from './readonly-block.js';

/** The volume path, normalised; NOT_FOUND when it cannot be where a volume is mounted. */
export function requireVolumePath(value: string | undefined, volumeId: string): string {
  if (!value) {
    throw invalidArgument('volumePath not provided');
  }
  if (!value.startsWith('/') || hasControlCharacters(value) || value.split('/').includes('..')) {
    throw notFound(`volume ${volumeId} is not at ${JSON.stringify(value)}: volume paths are absolute`);
  }
  return value.length > 1 ? value.replace(/\/+$/, '') : value;
}

/** The device the node attached for a volume, from its transport record (or the last known hint). */
export async function attachedDevice(ctx: NodeContext, state: VolumeState): Promise<string | undefined> {
  const transport = ctx.transports.get(state.transport);
  const resolved = state.attachment && transport ? await transport.resolve(state.attachment) : undefined;
  return resolved ?? state.device;
}

/**
 * Whether `mount` is one of this volume's: its staging mount or a bind of it (same device), or a
 * block publish (a bind of the device node, or of a read-only loop over it).
 */
export async function isMountOfVolume(ctx: NodeContext, state: VolumeState, mount: MountInfo): Promise<boolean> {
  const device = await attachedDevice(ctx, state);
  if (!device) {
    return false;
  }
  if (isDeviceBind(mount)) {
    const kname = await kernelName(ctx.files, device);
    const names = kname ? await publishDeviceNames(ctx, device, kname) : [];
    return names.some((name) => isDeviceBind(mount, name));
  }
  return mountIsOnDevice(ctx.files, mount, device);
}

/** NOT_FOUND unless the node's state for the volume says `mount` is the volume's. */
export async function requireMountOfVolume(
  ctx: NodeContext,
  volumeId: string,
  state: VolumeState | undefined,
  mount: MountInfo,
): Promise<void> {
  if (state && !(await isMountOfVolume(ctx, state, mount))) {
    throw notFound(`volume ${volumeId} is not at ${mount.mountPoint}: ${mount.source} is mounted there`);
  }
}
