// The driver (controller mode) in front of csp-synology and a DSM simulator, with the StorageClass
// Secret the harness resolves; stopped after every test, also when it fails.
import {
  type DriverFixture,
  type SynologyBackend,
  type SynologyBackendOptions,
  startDriverFixture,
  synologyBackend,
} from '@opencsp/testbed/harness';
import { afterEach } from 'vitest';

export const GiB = 1024 ** 3;
export const secretRef = { name: 'synology-nas', namespace: 'kube-system' };

let backend: SynologyBackend | undefined;
let driver: DriverFixture | undefined;

afterEach(async () => {
  try {
    await driver?.stop();
  } finally {
    await backend?.stop();
    driver = undefined;
    backend = undefined;
  }
});

export async function startSynology(
  options: SynologyBackendOptions = {},
): Promise<{ backend: SynologyBackend; driver: DriverFixture }> {
  backend = await synologyBackend(options);
  driver = await startDriverFixture();
  driver.kube.addSecret(secretRef, backend.secrets);
  return { backend, driver };
}
