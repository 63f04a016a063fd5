import { testNodeId } from '@opencsp/testbed/harness';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendNames, GiB, type Scenario, startScenario } from './fixture.js';

describe.each(backendNames)('PVC lifecycle through the kube harness (%s CSP over HTTP)', (backendName) => {
  let s: Scenario;
  beforeEach(async () => {
    s = await startScenario(backendName);
  });
  afterEach(async () => {
    await s.stop();
  });

  it('creates, publishes, snapshots, restores, clones, expands, unpublishes and deletes with nothing left behind', async () => {
    const { kube } = s.driver;
    const node = testNodeId('worker-1');
    const pv = await kube.provisionPvc(s.sc, { name: 'data', namespace: 'default', size: 2 * GiB });
    expect(pv.capacity).toBe(2 * GiB);
    expect(pv.volumeAttributes).toMatchObject({ fsType: 'ext4', ...s.backend.parameters });
    expect(pv.volumeAttributes).not.toHaveProperty(['csi.storage.k8s.io/pvc/name']);

    const context = await kube.attach(pv, node);
    expect(context).toMatchObject({
      accessProtocol: 'iscsi',
      lunId: String(s.backend.layout.firstLunId),
      discoveryIps: '127.0.0.1',
      targetScope: s.backend.layout.targetScope,
      readOnly: 'false',
      fsType: 'ext4',
    });
    expect(context.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(context.targetNames).toMatch(/^iqn\./);
    expect((await s.backend.host('worker-1'))?.iqns).toEqual(['iqn.1993-08.org.debian:01:worker-1']);
    expect(await s.backend.initiatorsOf(pv.volumeHandle)).toEqual(['iqn.1993-08.org.debian:01:worker-1']);

    const snap = await kube.snapshot(pv, s.vsc);
    expect(snap.readyToUse).toBe(true);
    expect(snap.restoreSize).toBe(2 * GiB);

    const restored = await kube.restore(snap, s.sc, { name: 'restored', namespace: 'default', size: 3 * GiB });
    expect(restored.capacity).toBe(3 * GiB);
    const clone = await kube.clone(pv, s.sc, { name: 'clone', namespace: 'default', size: 2 * GiB });
    expect(clone.volumeHandle).not.toBe(pv.volumeHandle);

    const grown = await kube.expand(pv, 5 * GiB);
    expect(grown).toEqual({ capacity: 5 * GiB, nodeExpansionRequired: true });

    await kube.detach(pv, node);
    expect(await s.backend.initiatorsOf(pv.volumeHandle)).toEqual([]);

    await kube.deletePv(clone);
    await kube.deletePv(restored);
    await kube.deleteSnapshot(snap);
    await kube.deletePv(pv);
    expect(await s.backend.audit()).toEqual([expect.stringContaining('worker-1')]);
    await s.backend.removeHost('worker-1');
    expect(await s.backend.audit()).toEqual([]);
  });
});
