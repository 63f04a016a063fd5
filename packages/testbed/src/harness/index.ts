export {
  quickDsmKnobs,
  type SynologyBackend,
  type SynologyBackendOptions,
  synologyBackend,
} from './backends/synology.js';
export { type BackendFixture, CspProblem, type MemoryBackend, memoryBackend } from './backends.js';
export {
  type ControllerCalls,
  CsiClient,
  type GrpcError,
  type IdentityCalls,
  isGrpcError,
  type NodeCalls,
} from './client.js';
export { type DriverFixture, type DriverFixtureOptions, startDriverFixture } from './driver.js';
export { KubeHarness, type KubeOptions } from './kube.js';
export { testNodeId } from './node-ids.js';
export { defaultRetry, type RetryPolicy, transientCodes, withRetry } from './retry.js';
export * from './storage-class.js';
