// Request checks shared by the RPCs. Every failure is InvalidArgument naming the field, raised
// before anything is looked up or changed.
import { hasBannedNameCharacter } from '@opencsp/csp-spec';
import { limits, supportedFsTypes } from './constants.js';
import type { AccessMode, CapacityRange__Output, VolumeCapability__Output } from './csi-types.js';
import { invalidArgument, outOfRange } from './errors.js';

/** CSP object names (contract `ObjectName`): snapshot names, and volume names every CSP takes. */
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** CSP object ids (contract `ObjectId`): anything else cannot name an object of ours. */
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:@~+=-]*$/;

export function requireField(value: string, field: string): void {
  if (value === '') {
    throw invalidArgument(`${field}: is required`);
  }
}

export function validateName(name: string, field = 'name'): void {
  requireField(name, field);
  if (Buffer.byteLength(name) > 128) {
    throw invalidArgument(`${field}: must be at most 128 bytes`);
  }
  if (!namePattern.test(name)) {
    throw invalidArgument(
      `${field}: ${JSON.stringify(name)} must start with a letter or digit and contain only letters, digits, '.', '_', ':' and '-'`,
    );
  }
}

/**
 * A CSI volume name: any text up to 128 bytes without the characters CSI bans. Whether the CSP can
 * take names outside `ObjectName` is its `any_volume_name` feature (see isObjectName).
 */
export function validateVolumeName(name: string, field = 'name'): void {
  requireField(name, field);
  if (Buffer.byteLength(name) > 128) {
    throw invalidArgument(`${field}: must be at most 128 bytes`);
  }
  if (hasBannedNameCharacter(name)) {
    throw invalidArgument(`${field}: must not contain control characters (CSI bans them in names)`);
  }
}

export function validateId(id: string, field: string): void {
  requireField(id, field);
  if (Buffer.byteLength(id) > limits.volumeIdBytes) {
    throw invalidArgument(`${field}: must be at most ${limits.volumeIdBytes} bytes`);
  }
}

/** Whether an id could have been issued by a CSP; ids that cannot are simply not found. */
export function isPossibleId(id: string): boolean {
  return idPattern.test(id) && Buffer.byteLength(id) <= 255;
}

const singleNodeModes = new Set<AccessMode>([
  'SINGLE_NODE_WRITER',
  'SINGLE_NODE_READER_ONLY',
  'SINGLE_NODE_SINGLE_WRITER',
  'SINGLE_NODE_MULTI_WRITER',
]);
const readOnlyModes = new Set<AccessMode>(['SINGLE_NODE_READER_ONLY', 'MULTI_NODE_READER_ONLY']);
/** Modes that let more than one node write; only raw block volumes can be shared like that. */
const sharedWriterModes = new Set<AccessMode>(['MULTI_NODE_MULTI_WRITER', 'MULTI_NODE_SINGLE_WRITER']);

export function isMultiNode(mode: AccessMode): boolean {
  return !singleNodeModes.has(mode);
}
export function isReadOnlyMode(mode: AccessMode): boolean {
  return readOnlyModes.has(mode);
}

/** Checks the shape of one capability (missing pieces are InvalidArgument). */
export function validateCapabilityShape(capability: VolumeCapability__Output | null, field: string): void {
  if (!capability) {
    throw invalidArgument(`${field}: is required`);
  }
  if (!capability.accessMode || capability.accessMode.mode === 'UNKNOWN') {
    throw invalidArgument(`${field}.access_mode: is required`);
  }
  if (capability.accessType !== 'block' && capability.accessType !== 'mount') {
    throw invalidArgument(`${field}: one of block or mount is required`);
  }
}

/** Why this driver cannot serve a (well-formed) capability, or undefined when it can. */
export function capabilityProblem(capability: VolumeCapability__Output): string | undefined {
  const mode = capability.accessMode?.mode ?? 'UNKNOWN';
  if (capability.accessType === 'mount') {
    const fsType = capability.mount?.fsType ?? '';
    if (fsType !== '' && !(supportedFsTypes as readonly string[]).includes(fsType)) {
      return `filesystem ${JSON.stringify(fsType)} is not supported (use one of ${supportedFsTypes.join(', ')})`;
    }
    if (sharedWriterModes.has(mode)) {
      return `access mode ${mode} needs a block volume: ext4, xfs and btrfs cannot be written from several nodes at once`;
    }
  }
  return undefined;
}

/** Shape and support checks for a list of capabilities (CreateVolume). */
export function validateCapabilities(capabilities: VolumeCapability__Output[], field: string): void {
  if (capabilities.length === 0) {
    throw invalidArgument(`${field}: at least one capability is required`);
  }
  capabilities.forEach((capability, i) => {
    validateCapabilityShape(capability, `${field}[${i}]`);
  });
  capabilities.forEach((capability, i) => {
    const problem = capabilityProblem(capability);
    if (problem) {
      throw invalidArgument(`${field}[${i}]: ${problem}`);
    }
  });
}

export interface SizeBounds {
  required: number;
  limit: number;
}

/** Validates a capacity range; 0 means unset for either bound. */
export function capacityBounds(range: CapacityRange__Output | null, field = 'capacity_range'): SizeBounds {
  const required = range?.requiredBytes ?? 0;
  const limit = range?.limitBytes ?? 0;
  if (required < 0) {
    throw invalidArgument(`${field}.required_bytes: must not be negative`);
  }
  if (limit < 0) {
    throw invalidArgument(`${field}.limit_bytes: must not be negative`);
  }
  if (limit > 0 && required > limit) {
    throw outOfRange(`${field}: required_bytes ${required} is larger than limit_bytes ${limit}`);
  }
  return { required, limit };
}

export function fitsBounds(size: number, bounds: SizeBounds): boolean {
  return size >= bounds.required && (bounds.limit === 0 || size <= bounds.limit);
}

/** Secret maps are never required to be empty, but their keys must be valid CSI secret keys. */
export function validateSecretKeys(secrets: Record<string, string>, field = 'secrets'): void {
  for (const key of Object.keys(secrets)) {
    if (!/^[A-Za-z0-9._-]+$/.test(key)) {
      throw invalidArgument(`${field}: key ${JSON.stringify(key)} must contain only letters, digits, '-', '_' and '.'`);
    }
  }
}
