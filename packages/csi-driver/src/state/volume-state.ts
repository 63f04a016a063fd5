// What the node remembers about a staged volume between RPCs and across restarts. It holds no
// secrets (CHAP is re-read from each NodeStage request) and no mount flags (they may carry secrets);
// device names are hints, re-resolved from the WWID / transport record on use.
import { type FsType, supportedFsTypes } from '../constants.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** attaching → attached → staged; detaching once unstage started tearing the device down. */
export type VolumePhase = 'attaching' | 'attached' | 'staged' | 'detaching';

export interface VolumeState {
  readonly version: 1;
  readonly volumeId: string;
  readonly stagingTargetPath: string;
  readonly accessType: 'mount' | 'block';
  readonly accessMode: string;
  readonly phase: VolumePhase;
  /** Name of the transport that attached the device (iscsi, loop...). */
  readonly transport: string;
  /** The transport's own record of what it attached (targets, LUN, WWID...). */
  readonly attachment?: JsonObject;
  /** Last resolved device path (a hint). */
  readonly device?: string;
  readonly wwid?: string;
  readonly fsType?: FsType;
  readonly readOnly: boolean;
  /** mkfs ran; fsOwner/fsMode still have to be applied to the new filesystem's root. */
  readonly pendingInit?: boolean;
  readonly fsOwner?: string;
  readonly fsMode?: string;
  readonly updatedAt: string;
}

const phases: readonly VolumePhase[] = ['attaching', 'attached', 'staged', 'detaching'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a parsed state file; returns a reason when it is not a valid state. */
export function invalidStateReason(v: unknown): string | undefined {
  if (!isObject(v)) {
    return 'not an object';
  }
  if (v.version !== 1) {
    return `unknown version ${JSON.stringify(v.version)}`;
  }
  for (const key of ['volumeId', 'stagingTargetPath', 'transport', 'accessMode', 'updatedAt'] as const) {
    if (typeof v[key] !== 'string') {
      return `${key} missing`;
    }
  }
  if (v.accessType !== 'mount' && v.accessType !== 'block') {
    return 'accessType invalid';
  }
  if (!phases.includes(v.phase as VolumePhase)) {
    return 'phase invalid';
  }
  if (v.fsType !== undefined && !supportedFsTypes.includes(v.fsType as FsType)) {
    return 'fsType invalid';
  }
  if (typeof v.readOnly !== 'boolean') {
    return 'readOnly missing';
  }
  if (v.attachment !== undefined && !isObject(v.attachment)) {
    return 'attachment invalid';
  }
  return undefined;
}
