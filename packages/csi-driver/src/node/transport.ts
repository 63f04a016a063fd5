// How a published LUN becomes a local block device and goes away again. `iscsi` (src/node/iscsi/)
// and `nvmetcp` (src/node/nvme/) are the product; the testbed's `loop` transport stands in for them
// on machines without a kernel initiator. Everything after attach (mkfs, mount, bind, grow, stats)
// is transport-independent and shared.
import type { JsonObject } from '../state/volume-state.js';
import type { ChapCredentials } from './chap.js';
import type { StringMap } from './messages.js';

export interface AttachRequest {
  readonly volumeId: string;
  readonly publishContext: StringMap;
  readonly chap?: ChapCredentials;
  /** The node-stage secret, for transport-specific credentials (NVMe DH-CHAP). Never persisted. */
  readonly secrets?: StringMap;
}

/** Paths and sessions of one attached volume, for metrics (counts only). */
export interface PathCounts {
  readonly pathsActive: number;
  readonly pathsTotal: number;
  readonly sessionsUp: number;
  readonly sessionsTotal: number;
}

export interface Attachment {
  /** The device to format, mount or bind: a multipath map or the single path. */
  readonly device: string;
  /** Identity of the LUN as the kernel reports it (naa./eui./t10.), when it has one. */
  readonly wwid?: string;
  /** Kernel names of the path devices (sdb, sdc; loop3). */
  readonly paths: readonly string[];
  /** Persisted in the node state: enough to re-resolve, resize and detach after a restart. No secrets. */
  readonly record: JsonObject;
  /** Paths and sessions attached and attempted. */
  readonly counts?: PathCounts;
}

export interface PathHealth {
  readonly abnormal: boolean;
  readonly message: string;
  readonly counts?: PathCounts;
}

export interface Transport {
  /** Name recorded in the node state (iscsi, loop). */
  readonly name: string;
  /** Checks the publish context; throws InvalidArgument naming the field. Changes nothing. */
  validate(publishContext: StringMap): void;
  /** The record of what `attach` will create, from the publish context alone (persisted before attaching). */
  intent(publishContext: StringMap): Promise<JsonObject>;
  /** Makes the LUN a local device. Idempotent: an existing session and device are reused. */
  attach(request: AttachRequest): Promise<Attachment>;
  /** The current device for a record, undefined when it is not attached. */
  resolve(record: JsonObject): Promise<string | undefined>;
  /** Removes the device and what only it used. Idempotent: nothing attached → returns. */
  detach(record: JsonObject): Promise<void>;
  /** Makes the kernel see a grown LUN (rescan paths, resize the map). */
  rescanForResize(record: JsonObject): Promise<void>;
  health(record: JsonObject): Promise<PathHealth>;
  /** Rebuilds a record for an attached device when the state file is lost; undefined when not ours. */
  adopt(device: string): Promise<JsonObject | undefined>;
}

/** Picks a transport by the publish context's accessProtocol (default iscsi). */
export function transportFor(
  transports: ReadonlyMap<string, Transport>,
  accessProtocol: string | undefined,
): Transport | undefined {
  return transports.get((accessProtocol ?? '').trim().toLowerCase() || 'iscsi');
}
