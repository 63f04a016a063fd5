// Shared setup of the controller scenarios: the memory CSP over real HTTP, the driver on a unix
// socket, a StorageClass and VolumeSnapshotClass pointing at the CSP's secret.
import {
  type DriverFixture,
  type MemoryBackend,
  memoryBackend,
  type StorageClass,
  snapshotClass,
  startDriverFixture,
  storageClass,
  type VolumeSnapshotClass,
} from '@opencsp/testbed/harness';

export const GiB = 1024 ** 3;
export const secretRef = { name: 'csp-secret', namespace: 'kube-system' };

export interface Scenario {
  backend: MemoryBackend;
  driver: DriverFixture;
  sc: StorageClass;
  block: StorageClass;
  vsc: VolumeSnapshotClass;
  stop(): Promise<void>;
}

export async function startScenario(options: { defaultSecret?: boolean } = {}): Promise<Scenario> {
  const backend = await memoryBackend();
  let driver: DriverFixture;
  try {
    driver = await startDriverFixture(options.defaultSecret ? { defaultSecret: backend.secrets } : {});
  } catch (err) {
    await backend.stop();
    throw err;
  }
  driver.kube.addSecret(secretRef, backend.secrets);
  return {
    backend,
    driver,
    sc: storageClass('memory-ext4', secretRef, { 'csi.storage.k8s.io/fstype': 'ext4', tier: 'gold' }),
    block: storageClass('memory-block', secretRef, {}),
    vsc: snapshotClass('memory-snap', secretRef),
    async stop() {
      await driver.stop();
      await backend.stop();
    },
  };
}
