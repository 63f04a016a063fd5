// LIST_VOLUMES_PUBLISHED_NODES with both CSPs behind one driver: advertised while every known
// CSP (csp-truenas and csp-synology) claims `published_nodes`, and each volume's node ids come
// from its own array.
import {
  type BackendFixture,
  type DriverFixture,
  startDriverFixture,
  storageClass,
  testNodeId,
} from '@opencsp/testbed/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { GiB, startBackend } from './fixture.js';

describe('published nodes with csp-truenas and csp-synology behind one driver', () => {
  const started: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    for (const part of started.reverse()) {
      await part.stop();
    }
    started.length = 0;
  });

  it('advertises LIST_VOLUMES_PUBLISHED_NODES with both CSPs known and reports each volume node from its array', async () => {
    const truenas: BackendFixture = await startBackend('truenas');
    started.push(truenas);
    const synology: BackendFixture = await startBackend('synology');
    started.push(synology);
    const driver: DriverFixture = await startDriverFixture({ defaultSecret: truenas.secrets });
    started.push(driver);
    const refs = {
      truenas: { name: 'truenas-secret', namespace: 'kube-system' },
      synology: { name: 'synology-secret', namespace: 'kube-system' },
    };
    driver.kube.addSecret(refs.truenas, truenas.secrets);
    driver.kube.addSecret(refs.synology, synology.secrets);
    const advertised = async () =>
      (await driver.client.controller('ControllerGetCapabilities', {})).capabilities
        .map((c) => c.rpc?.type)
        .includes('LIST_VOLUMES_PUBLISHED_NODES');

    const onTruenas = await driver.kube.provisionPvc(storageClass('tn', refs.truenas, truenas.parameters), {
      name: 'a',
      namespace: 'ns',
      size: GiB,
    });
    const onSynology = await driver.kube.provisionPvc(storageClass('syno', refs.synology, synology.parameters), {
      name: 'b',
      namespace: 'ns',
      size: GiB,
    });
    // Both CSPs are known now (the default secret and the Synology StorageClass's).
    expect(await advertised()).toBe(true);
    const node = testNodeId('worker-9');
    await driver.kube.attach(onTruenas, node);
    await driver.kube.attach(onSynology, node);
    const list = await driver.client.controller('ListVolumes', {});
    for (const pv of [onTruenas, onSynology]) {
      const entry = list.entries.find((e) => e.volume?.volumeId === pv.volumeHandle);
      expect(entry?.status?.publishedNodeIds, pv.volumeHandle).toEqual([node]);
      const got = await driver.client.controller('ControllerGetVolume', { volumeId: pv.volumeHandle });
      expect(got.status?.publishedNodeIds, pv.volumeHandle).toEqual([node]);
    }
    for (const pv of [onTruenas, onSynology]) {
      await driver.kube.detach(pv, node);
      await driver.kube.deletePv(pv);
    }
    await truenas.removeHost('worker-9');
    await synology.removeHost('worker-9');
    expect(await truenas.audit()).toEqual([]);
    expect(await synology.audit()).toEqual([]);
  });
});
