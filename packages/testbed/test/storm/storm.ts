// The fault storm (issue 12, item 8): the real driver, driven as external-provisioner and
// external-attacher drive it, creates volumes against a CSP whose array fails a share of its calls
// (errors, busy answers, dropped connections after the array ran the call) while the CSP process
// is killed once mid-way. Every failed CreateVolume is retried with the same name until it
// succeeds, a part of the volumes is published to a node and unpublished, and then everything is
// deleted, still under faults. Afterwards each name must have produced exactly one volume, the
// array must hold nothing the storm made, and every name must be creatable again.

import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import type { PersistentVolume } from '@opencsp/testbed/harness';
import {
  type DriverFixture,
  KubeHarness,
  type RetryPolicy,
  type StorageClass,
  startDriverFixture,
  storageClass,
  testNodeId,
} from '@opencsp/testbed/harness';
import { testPki } from '../../src/common/index.js';
import type { StormArray } from './arrays.js';

export interface StormOptions {
  volumes: number;
  /** Provisioning operations in flight at once (external-provisioner's worker threads). */
  concurrency: number;
  /** Every n-th volume is published to a node and unpublished again. */
  publishEvery: number;
}

export interface StormResult {
  created: PersistentVolume[];
  namesOnArray: string[];
  /** The array after the creates (faults off): what the storm made. */
  auditAfterCreates: string[];
  auditAfterDeletes: string[];
  cspStarts: number;
  /** CSI calls that failed and were retried (proof the storm was one). */
  failedCalls: number;
}

/** external-provisioner: every failure is retried with backoff, the request (and name) unchanged. */
const sidecarRetry = (failures: { count: number }): RetryPolicy => ({
  // Generous: a busy CI machine can take many seconds to start the CSP process again.
  attempts: 400,
  initialDelayMs: 20,
  maxDelayMs: 1000,
  retryable: () => {
    failures.count += 1;
    return true;
  },
});

const secretRef = { name: 'storm-secret', namespace: 'kube-system' };
const nodes = ['storm-node-a', 'storm-node-b'];

async function inPool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Removes the nodes' host registrations through the CSP, as an operator would (CSI has no call). */
async function removeHosts(array: StormArray): Promise<void> {
  const secret = array.secret();
  const client = new CspClient({
    baseUrl: `https://127.0.0.1:${secret.servicePort}/containers/v1`,
    arrayIp: secret.backend,
    retries: 0,
    tls: { ca: (await testPki()).ca.cert },
  });
  try {
    for (const node of nodes) {
      for (let attempt = 1; ; attempt++) {
        try {
          const token = await client.login({
            username: secret.username as string,
            password: secret.password as string,
            array_ip: secret.backend,
          });
          client.useTokens(new StaticToken(token.session_token));
          await client.deleteHostByUuid(node);
          break;
        } catch (err) {
          if (attempt >= 50) {
            throw err;
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }
  } finally {
    await client.close();
  }
}

async function provision(kube: KubeHarness, sc: StorageClass, index: number): Promise<PersistentVolume> {
  return kube.provisionPvc(sc, { name: `storm-${index}`, namespace: 'storm', size: 64 * 1024 * 1024 });
}

export async function runStorm(array: StormArray, options: StormOptions): Promise<StormResult> {
  let driver: DriverFixture | undefined;
  try {
    driver = await startDriverFixture({ cspTimeoutMs: 20_000 });
    const failures = { count: 0 };
    const kube = new KubeHarness(driver.client, { retry: sidecarRetry(failures) });
    kube.addSecret(secretRef, array.secret());
    const sc = storageClass('storm', secretRef, { 'csi.storage.k8s.io/fstype': 'ext4', ...array.parameters });
    const created: PersistentVolume[] = [];
    const indexes = Array.from({ length: options.volumes }, (_, i) => i);
    let crashed: Promise<void> | undefined;

    array.faults(true);
    await inPool(indexes, options.concurrency, async (i) => {
      if (i === Math.floor(options.volumes / 2)) {
        crashed = array.csp.crashAndRestart();
      }
      const pv = await provision(kube, sc, i);
      created.push(pv);
      if (i % options.publishEvery === 0) {
        const node = testNodeId(nodes[(i / options.publishEvery) % nodes.length] as string);
        await kube.attach(pv, node);
        await kube.detach(pv, node);
      }
    });
    await crashed;

    array.faults(false);
    const namesOnArray = await array.volumeNames();
    const auditAfterCreates = await array.audit();

    array.faults(true);
    await inPool(created, options.concurrency, (pv) => kube.deletePv(pv));
    await removeHosts(array);
    array.faults(false);
    const auditAfterDeletes = await array.audit();

    // No name is stuck: each one provisions again at once (and goes away again).
    kube.addSecret(secretRef, array.secret());
    await inPool(indexes, options.concurrency, async (i) => {
      await kube.deletePv(await provision(kube, sc, i));
    });
    return {
      created,
      namesOnArray,
      auditAfterCreates,
      auditAfterDeletes,
      cspStarts: array.csp.starts,
      failedCalls: failures.count,
    };
  } finally {
    await driver?.stop();
  }
}
