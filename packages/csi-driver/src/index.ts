// Public entry of @opencsp/csi-driver: the driver assembly, the CSI proto loader and types, and
// the helpers the node half and the test harness share.
export * from './constants.js';
export { controllerCapabilities } from './controller/index.js';
export type * from './csi-types.js';
export { CspSessions } from './csp/sessions.js';
export { type DriverDeps, driverVersion, type RunningDriver, startDriver } from './driver.js';
export * from './errors.js';
export type { ProtoGrpcType } from './generated/csi/csi.js';
export { unary, unimplemented, type WrapContext } from './grpc/wrapper.js';
export { pluginCapabilities, type Readiness, type ReadinessCheck } from './identity.js';
export { createDriverLogger } from './logger.js';
export { type RunningDriverMetrics, startDriverMetrics } from './metrics/index.js';
export type { DriverMetrics, HostMetrics, NodeMetrics, RpcMetrics } from './metrics/types.js';
export { formatNodeId, type NodeIdentity, parseNodeId } from './node-id.js';
export { type DriverOptions, driverOptionTable, type Mode, parseDriverOptions, parseEndpoint } from './options.js';
export { toCamelCase, toSnakeCase } from './params.js';
export { csiLoaderOptions, csiProtoPath, loadCsi } from './proto.js';
export { runDriver } from './run.js';
