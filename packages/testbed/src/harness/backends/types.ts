// What a backend fixture is: a CSP under test reachable over real HTTP, the StorageClass secret
// and parameters for it, a leak audit, a restart that loses every token, array faults named by
// the contract reason they must become, and a backend-neutral view of what the array holds.
import type { BackingResolver, LoopSessions, NodeSide } from '../../loop/index.js';

/** Contract reasons an array failure during a volume create can turn into (docs/csp-author-guide.md). */
export type CreateFault =
  | 'OUT_OF_SPACE'
  | 'LIMIT_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'INVALID_INPUT'
  | 'NAME_TAKEN'
  | 'NOT_IMPLEMENTED';

/** A node as the CSP registered it with `POST /hosts`. */
export interface HostView {
  uuid: string;
  iqns: string[];
  /** NVMe host NQNs, where the CSP keeps them. */
  nqns?: string[];
  chapUser?: string | undefined;
  /** Undefined where the CSP does not keep networks. */
  networks?: string[] | undefined;
}

/** The NVMe/TCP side of an array that serves it: namespace data and simulated connects of one host. */
export interface NvmeSource {
  /** The backing file of the namespace a publish context names (checked by NQN + NSID and NGUID). */
  resolve: BackingResolver;
  /** Simulated `nvme connect`/`disconnect` of one host NQN, checked by the array's host links and DH-CHAP. */
  sessions(hostnqn: string): LoopSessions;
  /** The NVMe controllers connected now: which host is connected to which subsystem. */
  connected(): { subnqn: string; hostnqn: string }[];
}

/**
 * Where a node finds the data of a published LUN and the iSCSI sessions it opens to the array
 * (the node side), and what tests look at on the array side.
 */
export interface LunSource extends NodeSide {
  /** Present when the array serves NVMe/TCP (TrueNAS). */
  readonly nvme?: NvmeSource;
  /** The iSCSI sessions open on the array now: which initiator is logged in to which target. */
  loggedIn(): { target: string; initiator: string }[];
  /** The backing file of a volume's LUN (what the array holds), whether published or not. */
  backingFileOf(volumeId: string): string | undefined;
  /** The directory holding every LUN's backing file (loop devices of these files are the node's). */
  readonly dataDir: string;
}

/** How a CSP lays LUNs out in iSCSI targets, as its publish answers show. */
export interface TargetLayout {
  /** `volume`: a target per volume; `group`: one target holds many volumes (e.g. per node). */
  targetScope: 'volume' | 'group';
  /** The LUN number a volume gets in a target that held nothing before. */
  firstLunId: number;
}

/** How the test process reaches a CSP over HTTPS (tests play the operator through it). */
export interface CspAccess {
  /** Base URL including `/containers/v1`. */
  baseUrl: string;
  /** The CA (PEM) that signed the CSP's serving certificate. */
  ca: string;
  /** The name its certificate carries, when the URL names the server by an address. */
  servername?: string;
}

/** The CSP in front of a fixture's array: in the test process, or a pod's process (src/kube). */
export interface CspHandle {
  readonly access: CspAccess;
  /** Where it serves its metrics, when it was started with them. */
  readonly metricsUrl?: string | undefined;
  /** Stops it and starts it again on the same port: every session token is lost. */
  restart(): Promise<void>;
}

export interface BackendFixture {
  readonly name: string;
  /** StorageClass secret data for this CSP (service mode: serviceName/servicePort and backend). */
  readonly secrets: Record<string, string>;
  /** StorageClass parameters this CSP accepts; they come back in the volume context as given. */
  readonly parameters: Record<string, string>;
  /** The smallest volume the CSP creates: smaller requests are rounded up to it. */
  readonly minVolumeSize: number;
  /** Target scope and first LUN number of the CSP's publish answers. */
  readonly layout: TargetLayout;
  /** The faults `failNextCreate` can make this array answer with. */
  readonly createFaults: readonly CreateFault[];
  /** The array answers the next volume create with a failure the CSP must report as `fault`. */
  failNextCreate(fault: CreateFault): void;
  /** Everything the CSP created on the array that still exists, one line per object; [] when clean. */
  audit(): Promise<string[]>;
  /** Stops and restarts the CSP on the same port: every session token is lost. */
  restart(): Promise<void>;
  /** How many times the CSP logged in to the array so far. */
  arrayLogins(): number;
  /** Volumes of this CSP on the array. */
  volumeCount(): Promise<number>;
  /** A registered host, by uuid (the node's hostname). */
  host(uuid: string): Promise<HostView | undefined>;
  /** Initiator names the array lets reach a volume (the hosts it is published to). */
  initiatorsOf(volumeId: string): Promise<string[]>;
  /**
   * Removes a node's host registration through the CSP (`DELETE /hosts?uuid=`). CSI has no call
   * for a node leaving the cluster, so the driver never does this; tests play the operator.
   */
  removeHost(uuid: string): Promise<void>;
  /** LUN data and sessions for node tests; absent when the array keeps no data (memory). */
  readonly luns?: LunSource;
  /** Where the CSP serves its metrics, when it was started with them. */
  readonly metricsUrl?: string | undefined;
  stop(): Promise<void>;
}
