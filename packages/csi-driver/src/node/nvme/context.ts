// What the NVMe/TCP transport's steps share: host access, the nvme-cli wrapper, clock, locks,
// timing, the multipath policy and the host's NVMe identity.
import type { Clock } from '../../host/clock.js';
import type { HostFiles } from '../../host/files.js';
import type { NvmeCli } from '../../host/nvme.js';
import type { NvmeHostIdentity } from '../../host/nvme-host.js';
import type { MultipathPolicy } from '../../host/readiness.js';
import type { Runner } from '../../host/runner.js';
import type { StateStore } from '../../state/store.js';
import type { KeyedMutex } from '../locks.js';
import type { NodeLogger } from '../logger.js';

export interface NvmeTiming {
  /** How long stage waits for the namespace's block device after connecting. */
  readonly deviceTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** `--ctrl-loss-tmo`: seconds the kernel retries a lost path before removing the controller. */
  readonly ctrlLossTmo: number;
  /** `--reconnect-delay`: seconds between the kernel's reconnect attempts of a lost path. */
  readonly reconnectDelay: number;
  /** How long unstage waits for disconnected controllers to disappear. */
  readonly disconnectTimeoutMs: number;
}

export const defaultNvmeTiming: NvmeTiming = {
  deviceTimeoutMs: 30_000,
  pollIntervalMs: 500,
  ctrlLossTmo: 1800,
  reconnectDelay: 5,
  disconnectTimeoutMs: 15_000,
};

export interface NvmeContext {
  readonly runner: Runner;
  readonly files: HostFiles;
  readonly clock: Clock;
  readonly cli: NvmeCli;
  readonly locks: KeyedMutex;
  readonly logger: NodeLogger;
  readonly timing: NvmeTiming;
  /** `required`: several ports need native NVMe multipath; `preferred`/`off`: one path without it. */
  readonly policy: MultipathPolicy;
  /** Other volumes' records, so a subsystem one of them still uses is never disconnected. */
  readonly store: StateStore | undefined;
  /** The host identity, read once (tests and loop-only nodes may pass it). */
  identity(): Promise<NvmeHostIdentity>;
}
