// What the iSCSI transport's steps share: host access, clock, locks, timing and policy.
import type { Clock } from '../../host/clock.js';
import type { HostFiles } from '../../host/files.js';
import type { Iscsiadm } from '../../host/iscsiadm.js';
import type { Multipath } from '../../host/multipath.js';
import type { MultipathPolicy } from '../../host/readiness.js';
import type { Runner } from '../../host/runner.js';
import type { KeyedMutex } from '../locks.js';
import type { NodeLogger } from '../logger.js';
import type { MapTiming } from './map.js';
import type { PathTiming } from './paths.js';

export interface IscsiTiming extends PathTiming, MapTiming {
  /** Retries of `multipath -f` answering "map in use". */
  readonly flushRetries: number;
  readonly flushRetryDelayMs: number;
}

export const defaultIscsiTiming: IscsiTiming = {
  deviceTimeoutMs: 30_000,
  // Polls read a few sysfs files: cheap enough to look often, so a stage never waits long past
  // the moment its device or map appears.
  pollIntervalMs: 100,
  rescanIntervalMs: 1_000,
  mapTimeoutMs: 30_000,
  preferredMapTimeoutMs: 5_000,
  flushRetries: 3,
  flushRetryDelayMs: 1_000,
};

export interface IscsiContext {
  readonly runner: Runner;
  readonly files: HostFiles;
  readonly clock: Clock;
  readonly iscsiadm: Iscsiadm;
  readonly multipath: Multipath;
  readonly locks: KeyedMutex;
  readonly logger: NodeLogger;
  readonly timing: IscsiTiming;
  readonly policy: MultipathPolicy;
}
