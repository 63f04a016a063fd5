// The end-to-end stack: simulator + CSP + driver (controller and node) + kube and kubelet harness.
//
//   const stack = await startE2eStack({ backend: 'truenas' });   or 'synology'
//   const pv = await stack.kube.provisionPvc(stack.storageClass('xfs', 'xfs'), { name, namespace, size });
//   const pod = await stack.startPod([pv]);        attach, stage, publish: pod.volumes[0].targetPath
//   await stack.stopPod(pod);                      unpublish, unstage, detach
//   await stack.kube.deletePv(pv); await stack.decommissionNode();
//   expect(await stack.leftovers()).toEqual([]); await stack.stop();
export { type Pod, PodScheduler } from './pods.js';
export {
  type E2eBackend,
  type E2eBackendName,
  type E2eStack,
  type E2eStackOptions,
  e2eBackendNames,
  type MetricsTarget,
  startE2eStack,
} from './stack.js';
