// VolumeCapability as the node uses it: mount or block, the filesystem, the mount flags and the
// access mode, each checked against what the node supports.
import { defaultFsType, type FsType, supportedFsTypes } from '../constants.js';
import { failedPrecondition, invalidArgument } from '../errors.js';
import type { AccessModeName, VolumeCapability } from './messages.js';

export interface ParsedCapability {
  readonly accessType: 'mount' | 'block';
  readonly mode: AccessModeName;
  /** Set for mount volumes when the capability names one. */
  readonly fsType?: string;
  readonly mountFlags: readonly string[];
}

const knownModes: readonly AccessModeName[] = [
  'SINGLE_NODE_WRITER',
  'SINGLE_NODE_READER_ONLY',
  'MULTI_NODE_READER_ONLY',
  'MULTI_NODE_SINGLE_WRITER',
  'MULTI_NODE_MULTI_WRITER',
  'SINGLE_NODE_SINGLE_WRITER',
  'SINGLE_NODE_MULTI_WRITER',
];

/** Modes in which only readers exist: the volume is mounted read-only. */
export const readOnlyModes: readonly AccessModeName[] = ['SINGLE_NODE_READER_ONLY', 'MULTI_NODE_READER_ONLY'];

/** Modes where a second publish target on this node is refused. */
export const singlePublishModes: readonly AccessModeName[] = ['SINGLE_NODE_SINGLE_WRITER'];

/**
 * Checks a capability. A missing capability or access type is InvalidArgument; a combination the
 * node cannot serve safely (a local filesystem written from several nodes) is FailedPrecondition.
 */
export function parseCapability(
  cap: VolumeCapability | null | undefined,
  field = 'volumeCapability',
): ParsedCapability {
  if (!cap) {
    throw invalidArgument(`${field} not provided`);
  }
  const mode = cap.accessMode?.mode;
  if (!mode || mode === 'UNKNOWN') {
    throw invalidArgument(`${field}.accessMode not provided`);
  }
  if (!knownModes.includes(mode)) {
    throw invalidArgument(`${field}.accessMode ${JSON.stringify(mode)} is unknown`);
  }
  const isBlock = cap.accessType ? cap.accessType === 'block' : Boolean(cap.block);
  const isMount = cap.accessType ? cap.accessType === 'mount' : Boolean(cap.mount);
  if (isBlock === isMount) {
    throw invalidArgument(`${field} must set exactly one of block or mount`);
  }
  if (isBlock) {
    return { accessType: 'block', mode, mountFlags: [] };
  }
  const mount = cap.mount ?? { fsType: '', mountFlags: [], volumeMountGroup: '' };
  if (mode === 'MULTI_NODE_MULTI_WRITER' || mode === 'MULTI_NODE_SINGLE_WRITER') {
    throw failedPrecondition(
      `${mode} is not supported for filesystem volumes: ext4/xfs/btrfs cannot be written from several nodes; use a block volume`,
    );
  }
  if (mount.volumeMountGroup) {
    throw invalidArgument(`${field}.mount.volumeMountGroup is not supported (VOLUME_MOUNT_GROUP is not advertised)`);
  }
  for (const flag of mount.mountFlags ?? []) {
    if (flag === '' || flag.includes('\n') || flag.includes('\0')) {
      throw invalidArgument(`${field}.mount.mountFlags holds an empty or multi-line flag`);
    }
  }
  return {
    accessType: 'mount',
    mode,
    fsType: mount.fsType || undefined,
    mountFlags: (mount.mountFlags ?? []).flatMap((f) => f.split(',')).filter((f) => f !== ''),
  };
}

/** The filesystem to use: capability, then publish/volume context, then the default. */
export function chooseFsType(...candidates: (string | undefined)[]): FsType {
  const chosen = candidates.find((c) => c !== undefined && c !== '') ?? defaultFsType;
  const fsType = chosen.toLowerCase();
  if (!supportedFsTypes.includes(fsType as FsType)) {
    throw invalidArgument(
      `fsType ${JSON.stringify(chosen)} is not supported (supported: ${supportedFsTypes.join(', ')})`,
    );
  }
  return fsType as FsType;
}
