// Shared setup of the controller scenarios, parameterised by backend: the CSP over real HTTP
// (the memory reference CSP, csp-truenas in front of the TrueNAS simulator, or csp-synology in
// front of the DSM simulator), the driver on a unix socket, a StorageClass and
// VolumeSnapshotClass pointing at the CSP's secret.
import {
  type BackendFixture,
  type DriverFixture,
  isGrpcError,
  memoryBackend,
  type StorageClass,
  snapshotClass,
  startDriverFixture,
  storageClass,
  synologyBackend,
  truenasBackend,
  type VolumeSnapshotClass,
} from '@opencsp/testbed/harness';
import { afterEach, beforeEach, expect } from 'vitest';

export const GiB = 1024 ** 3;
export const secretRef = { name: 'csp-secret', namespace: 'kube-system' };

/** Every backend the controller scenarios run against. */
export const backendNames = ['memory', 'truenas', 'synology'] as const;
export type BackendName = (typeof backendNames)[number];

export interface Scenario {
  backend: BackendFixture;
  driver: DriverFixture;
  sc: StorageClass;
  block: StorageClass;
  vsc: VolumeSnapshotClass;
  stop(): Promise<void>;
}

export function startBackend(name: BackendName): Promise<BackendFixture> {
  switch (name) {
    case 'memory':
      return memoryBackend();
    case 'truenas':
      return truenasBackend();
    case 'synology':
      // DSM 7 host objects keep the nodes apart (csp-synology's default masking).
      return synologyBackend({ csp: { masking: 'hosts' } });
  }
}

export async function startScenario(
  name: BackendName,
  options: { defaultSecret?: boolean; maxVolumesPerNode?: number } = {},
): Promise<Scenario> {
  const backend = await startBackend(name);
  let driver: DriverFixture;
  try {
    driver = await startDriverFixture({
      ...(options.defaultSecret ? { defaultSecret: backend.secrets } : {}),
      ...(options.maxVolumesPerNode !== undefined ? { maxVolumesPerNode: options.maxVolumesPerNode } : {}),
    });
  } catch (err) {
    await backend.stop();
    throw err;
  }
  driver.kube.addSecret(secretRef, backend.secrets);
  return {
    backend,
    driver,
    sc: storageClass(`${name}-ext4`, secretRef, { 'csi.storage.k8s.io/fstype': 'ext4', ...backend.parameters }),
    block: storageClass(`${name}-block`, secretRef, {}),
    vsc: snapshotClass(`${name}-snap`, secretRef),
    async stop() {
      await driver.stop();
      await backend.stop();
    },
  };
}

/**
 * Starts a scenario before each test of the calling `describe` (handing it to `use`) and, after
 * the test, checks that the array's leak audit is empty and stops the scenario, also when the
 * audit fails.
 */
export function scenarioPerTest(
  name: BackendName,
  options: Parameters<typeof startScenario>[1],
  use: (scenario: Scenario) => void,
): void {
  let current: Scenario | undefined;
  beforeEach(async () => {
    current = await startScenario(name, options);
    use(current);
  });
  afterEach(async () => {
    const s = current;
    current = undefined;
    if (s === undefined) {
      return;
    }
    try {
      expect(await s.backend.audit()).toEqual([]);
    } finally {
      await s.stop();
    }
  });
}

/** The gRPC code a call ends with, or 'OK'; anything that is not a gRPC error is rethrown. */
export async function codeOf(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return 'OK';
  } catch (err) {
    if (isGrpcError(err)) {
      return err.code;
    }
    throw err;
  }
}
