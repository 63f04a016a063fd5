export * from './backends/index.js';
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
export { Kubelet, type KubeletOptions, kubeletRetry, type PodVolume, type Registration } from './kubelet.js';
export { type NodeDriverFixture, type NodeDriverOptions, startNodeDriver } from './node-driver.js';
export { testNodeId } from './node-ids.js';
export { defaultRetry, type RetryPolicy, transientCodes, withRetry } from './retry.js';
export * from './storage-class.js';
