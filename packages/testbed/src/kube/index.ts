export { findKubeBinaries, type KubeBinaries, kubeBinDir, kubePrograms } from './binaries.js';
export { KubeApiError, KubeClient, type KubeCredentials, type KubeObject } from './client.js';
export { type Cluster, type ClusterNode, type ClusterOptions, startCluster } from './cluster.js';
export { createGroupSnapshot, groupSnapshotRef, readyGroupSnapshot } from './group-snapshots.js';
export { installOpencsp, loopbackArgs, type MetricsPorts, type OpencspInstall } from './opencsp.js';
export { type KubeStack, type KubeStackOptions, type MetricsTarget, type StackNode, startKubeStack } from './stack.js';
export * from './workloads.js';
