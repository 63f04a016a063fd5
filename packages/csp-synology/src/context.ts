// What the volume, snapshot and publish services share within one array session.
import type { KeyedMutex } from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import type { DsmApi } from './dsm/api.js';
import type { ProblemContext } from './dsm/problems.js';
import type { HostRegistry } from './hosts.js';
import type { Naming } from './ids.js';
import type { MaskingMode } from './masking.js';
import type { NasInfo } from './nas.js';
import type { SnapshotIndex, SnapshotIndexes } from './snapshot-index.js';
import type { WaitSettings } from './waits.js';

export interface SessionSettings extends WaitSettings {
  /** Storage volume used when the StorageClass names none (undefined: the best-suited one). */
  defaultLocation: string | undefined;
  /** How a node's LUNs are kept from other initiators (SYNOLOGY_MASKING). */
  masking: MaskingMode;
}

/** State shared by every session of one CSP process, per NAS. */
export interface SharedState {
  hosts: HostRegistry;
  /** Serialises changes to one target (key: serial|target name) and to one LUN's published nodes (serial|lun:uuid). */
  targetLocks: KeyedMutex;
  /** CHAP fingerprint applied to each host target (key: serial|target name). */
  appliedChap: Map<string, string>;
  /** DSM host object ids by name (key: serial|name), learned from one listing or a create; -1: this process deleted it (the newest maxDeletedMarks such marks are kept, host-masking.ts). */
  hostIds: Map<string, number>;
  /** Snapshot names and clones across each NAS, from one LUN listing (snapshot-index.ts). */
  snapshotIndexes: SnapshotIndexes;
}

export interface SessionContext {
  api: DsmApi;
  nas: NasInfo;
  naming: Naming;
  settings: SessionSettings;
  shared: SharedState;
  logger: Logger;
}

export function problemContext(ctx: SessionContext, doing: string): ProblemContext {
  return { doing, model: ctx.nas.model, limits: ctx.nas.limits };
}

/** The session's NAS-wide snapshot name and clone index. */
export function snapshotIndex(ctx: SessionContext): SnapshotIndex {
  return ctx.shared.snapshotIndexes.of(ctx.nas.serial, ctx.naming.prefix);
}
