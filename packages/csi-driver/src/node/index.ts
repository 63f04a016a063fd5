// Public surface of the node half: the service, its messages, transports, the node id and the
// host pieces main.ts and the testbed need.

export { type DhchapSecrets, dhchapFromSecrets } from '../dhchap.js';
export { DriverError, type DriverErrorKind, isDriverError } from '../errors.js';
export { type DeviceProbe, probeDevice } from '../host/blkid.js';
export { type Clock, pollUntil, realClock } from '../host/clock.js';
export type { DeviceNumber, HostFiles } from '../host/files.js';
export { RootedHostFiles } from '../host/files.js';
export { initiatorNameFile, parseInitiatorNames, readInitiatorNames } from '../host/initiator.js';
export { NvmeCli, parseConnectOutput } from '../host/nvme.js';
export { hostIdFile, hostNqnFile, type NvmeHostIdentity, readNvmeHost } from '../host/nvme-host.js';
export {
  checkNodeReadiness,
  type MultipathPolicy,
  type ReadinessOptions,
  type ReadinessReport,
} from '../host/readiness.js';
export {
  commandError,
  defaultTimeoutMs,
  describeFailure,
  type HostMode,
  type Runner,
  type RunOptions,
  type RunResult,
  runChecked,
  SpawnRunner,
} from '../host/runner.js';
export { loopBackingFile } from '../host/sysfs.js';
export { formatNodeId, type NodeIdentity, parseNodeId } from '../node-id.js';
export { defaultStateDir, FileStateStore, type StateStore, stateFileName } from '../state/store.js';
export type { JsonObject, JsonValue, VolumePhase, VolumeState } from '../state/volume-state.js';
export { assembleNode, type NodeAssemblyOptions, type NodeAssemblyOverrides } from './assemble.js';
export { type ChapCredentials, chapFromSecrets } from './chap.js';
export { defaultNodeOptions, type NodeOptions } from './context.js';
export { nodeCapabilities } from './info.js';
export { defaultIscsiTiming, type IscsiTiming } from './iscsi/context.js';
export { IscsiTransport, type IscsiTransportOptions } from './iscsi/transport.js';
export { KeyedMutex, lockKeys, type Release } from './locks.js';
export { type NodeLogger, silentLogger } from './logger.js';
export type * from './messages.js';
export { hostNetworks, nodeIdFor } from './node-id.js';
export { defaultNvmeTiming, type NvmeTiming } from './nvme/context.js';
export { type NvmeRecord, parseNvmeSpec, recordFromJson as nvmeRecordFromJson } from './nvme/spec.js';
export { NvmeTransport, type NvmeTransportOptions } from './nvme/transport.js';
export type { Finding } from './reconcile.js';
export { NodeService, type NodeServiceDeps } from './service.js';
export type { Attachment, AttachRequest, PathCounts, PathHealth, Transport } from './transport.js';
