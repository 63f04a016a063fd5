// What every node operation needs: host access, state, transports, locks, options.
import type { Clock } from '../host/clock.js';
import type { HostFiles } from '../host/files.js';
import type { UnmountPolicy } from '../host/mount.js';
import type { NvmeHostIdentity } from '../host/nvme-host.js';
import type { Runner } from '../host/runner.js';
import type { NodeMetrics } from '../metrics/types.js';
import type { StateStore } from '../state/store.js';
import type { KeyedMutex } from './locks.js';
import type { NodeLogger } from './logger.js';
import type { StringMap } from './messages.js';
import type { Transport } from './transport.js';

export interface NodeOptions {
  /** Kubernetes node name: the first part of the node id. */
  readonly nodeName: string;
  /**
   * The node's budget of block volumes over iSCSI and NVMe over fabrics; 0: no limit (the CO
   * decides). NodeGetInfo reports it minus the volumes others attached (node/allocatable.ts).
   */
  readonly maxVolumesPerNode: number;
  /** Slots of that budget kept for volumes opencsp does not attach (at least; more are subtracted when present). */
  readonly reservedVolumeAttachments?: number;
  /** Topology segments to advertise (only when the plugin advertises accessibility constraints). */
  readonly topology?: StringMap;
  /** Networks (CIDRs) to put in the node id; dropped first when it gets too long. */
  readonly networks?: readonly string[];
  /** Initiator names to use instead of reading /etc/iscsi/initiatorname.iscsi (tests, loop-only nodes). */
  readonly initiatorNames?: readonly string[];
  /**
   * NVMe/TCP identity: `auto` reads /etc/nvme/hostnqn (and hostid) and puts the NQN in the node id
   * when the file exists, `on` requires it, `off` leaves NVMe out. Default auto.
   */
  readonly nvme?: 'auto' | 'on' | 'off';
  /** The NVMe identity to use instead of reading /etc/nvme (tests, loop-only nodes). */
  readonly nvmeHost?: NvmeHostIdentity;
  readonly unmount: UnmountPolicy;
  /** How long NodeExpand waits for the device to show the new size after a rescan. */
  readonly growTimeoutMs: number;
  readonly pollIntervalMs: number;
}

export const defaultNodeOptions: Omit<NodeOptions, 'nodeName'> = {
  maxVolumesPerNode: 0,
  unmount: { attempts: 10, retryDelayMs: 1_000 },
  growTimeoutMs: 30_000,
  pollIntervalMs: 500,
};

export interface NodeContext {
  readonly runner: Runner;
  readonly files: HostFiles;
  readonly clock: Clock;
  readonly store: StateStore;
  readonly transports: ReadonlyMap<string, Transport>;
  readonly logger: NodeLogger;
  readonly options: NodeOptions;
  readonly volumeLocks: KeyedMutex;
  /** Stage and attach times, path health (metrics on). */
  readonly metrics?: NodeMetrics;
}
