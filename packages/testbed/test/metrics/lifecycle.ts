// What the metrics suite does on each e2e stack while Prometheus scrapes it: a refused login, a
// request the driver refuses, one the array fails, a PVC through attach, stage (twice), stats,
// capacity and concurrent duplicates, and the way back. Between phases it waits for a scrape, so
// counters grow across samples (rates and quantiles over them are defined).
import { status } from '@grpc/grpc-js';
import type { E2eStack } from '@opencsp/testbed/e2e';
import { isGrpcError, refusedLoginThroughCsp } from '@opencsp/testbed/harness';
import { pvcSize } from '../e2e/backends.js';

const MiB = 1024 ** 2;

export interface LifecycleReport {
  /** Concurrent duplicate CreateVolume calls the driver answered ABORTED. */
  aborted: number;
  /** Names that must never show up in a metric (PV names, volume ids, user, secrets, initiator). */
  forbidden: string[];
}

export async function metricsLifecycle(stack: E2eStack, scraped: () => Promise<void>): Promise<LifecycleReport> {
  const { kube, backend, controller } = stack;
  const { servicePort: _port, ...secrets } = backend.secrets;
  const forbidden = [stack.initiatorName, stack.nodeName, ...Object.values(secrets)];
  if ((await refusedLoginThroughCsp(backend.secrets)) !== 401) {
    throw new Error('the CSP did not answer a wrong password with 401');
  }
  const sc = stack.storageClass('metrics-ext4', 'ext4');
  const size = pvcSize(stack, 64 * MiB);
  const bad = await controller.client.controller('CreateVolume', { name: '' }).catch((e: unknown) => e);
  if (!isGrpcError(bad) || bad.code !== status.INVALID_ARGUMENT) {
    throw new Error(`CreateVolume without a name: expected INVALID_ARGUMENT, got ${String(bad)}`);
  }
  backend.failNextCreate('INTERNAL');
  const failedRequest = await kube.createVolumeRequest(sc, { name: 'failing', namespace: 'apps', size }, 'pvc-failing');
  await controller.client.controller('CreateVolume', failedRequest).then(
    () => {
      throw new Error('the array was to fail this create');
    },
    () => undefined,
  );
  await scraped();

  const pv = await kube.provisionPvc(sc, { name: 'metrics', namespace: 'apps', size });
  forbidden.push(pv.name, pv.volumeHandle);
  await controller.client.controller('GetCapacity', { parameters: backend.parameters, volumeCapabilities: [] });
  const duplicate = await kube.createVolumeRequest(sc, { name: 'dup', namespace: 'apps', size }, 'pvc-duplicate');
  const answers = await Promise.allSettled(
    [1, 2, 3].map(() => controller.client.controller('CreateVolume', duplicate)),
  );
  const aborted = answers.filter(
    (a) => a.status === 'rejected' && isGrpcError(a.reason) && a.reason.code === status.ABORTED,
  ).length;
  const dupVolume = answers.find((a) => a.status === 'fulfilled')?.value.volume;
  await scraped();

  for (let round = 0; round < 2; round++) {
    const pod = await stack.startPod([pv]);
    const [volume] = pod.volumes;
    if (volume) {
      await stack.kubelet.stats(volume);
    }
    await scraped();
    await stack.stopPod(pod);
    await scraped();
  }
  await kube.deletePv(pv);
  if (dupVolume) {
    forbidden.push(dupVolume.volumeId);
    await controller.client.controller('DeleteVolume', { volumeId: dupVolume.volumeId, secrets: backend.secrets });
  }
  await stack.decommissionNode();
  await controller.client.controller('GetCapacity', { parameters: backend.parameters, volumeCapabilities: [] });
  return { aborted, forbidden: forbidden.filter((f) => f.length >= 4 && /[A-Za-z]/.test(f)) };
}
