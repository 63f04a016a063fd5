// The controller-level PVC lifecycle through the kube harness against csp-synology and the DSM
// simulator: the driver on its unix socket, the CSP over HTTP, DSM over HTTPS. Create, publish,
// snapshot, restore, clone, expand, unpublish, delete, then an empty leak audit, on a large and a
// small model.
import { stat } from 'node:fs/promises';
import { snapshotClass, storageClass, testNodeId } from '@opencsp/testbed/harness';
import { describe, expect, it } from 'vitest';
import { codes } from '../../src/dsm/index.js';
import { GiB, secretRef, startSynology } from './fixture.js';

describe.each(['DS923+', 'DS223'])('PVC lifecycle through the kube harness against csp-synology (%s)', (model) => {
  it('creates, publishes, snapshots, restores, clones, expands, unpublishes and deletes with nothing left behind', async () => {
    const { backend, driver } = await startSynology({ model });
    const { kube } = driver;
    const sc = storageClass('synology-btrfs', secretRef, {
      'csi.storage.k8s.io/fstype': 'ext4',
      location: 'volume1',
      provisioning: 'thin',
    });
    const vsc = snapshotClass('synology-snap', secretRef);
    const node = testNodeId('worker-1');

    const pv = await kube.provisionPvc(sc, { name: 'data', namespace: 'default', size: 2 * GiB });
    expect(pv.capacity).toBe(2 * GiB);
    expect(pv.volumeHandle).toMatch(new RegExp(`^${backend.sim.serial}~[0-9a-f-]{36}$`));
    expect(pv.volumeAttributes).toMatchObject({ fsType: 'ext4', location: 'volume1' });

    const context = await kube.attach(pv, node);
    expect(context).toMatchObject({
      accessProtocol: 'iscsi',
      lunId: '1',
      discoveryIps: '127.0.0.1',
      targetScope: 'group',
      readOnly: 'false',
      fsType: 'ext4',
    });
    expect(context.targetNames).toMatch(/^iqn\.2000-01\.com\.synology:.*k8s-host-worker-1-/);
    const file = await backend.backingFile(context);
    expect(await backend.backingFile({ targetNames: context.targetNames ?? '', lunId: '1' })).toBe(file);
    // What the node would see: only worker-1's initiator reaches the LUN.
    const [seen] = backend.sim.portalLogin({
      initiatorIqn: 'iqn.1993-08.org.debian:01:worker-1',
      targetIqn: context.targetNames ?? '',
    });
    expect(seen).toMatchObject({ wwid: context.serialNumber, backingFile: file, size: 2 * GiB });
    backend.sim.portalLogout('iqn.1993-08.org.debian:01:worker-1', context.targetNames ?? '');
    expect(() =>
      backend.sim.portalLogin({
        initiatorIqn: 'iqn.1993-08.org.debian:01:other',
        targetIqn: context.targetNames ?? '',
      }),
    ).toThrow(/masked out/);

    const snap = await kube.snapshot(pv, vsc);
    expect(snap.readyToUse).toBe(true);
    expect(snap.restoreSize).toBe(2 * GiB);
    const restored = await kube.restore(snap, sc, { name: 'restored', namespace: 'default', size: 3 * GiB });
    expect(restored.capacity).toBe(3 * GiB);
    const clone = await kube.clone(pv, sc, { name: 'clone', namespace: 'default', size: 2 * GiB });
    expect(clone.volumeHandle).not.toBe(pv.volumeHandle);

    const grown = await kube.expand(pv, 5 * GiB);
    expect(grown).toEqual({ capacity: 5 * GiB, nodeExpansionRequired: true });
    const [grownLun] = backend.sim.portalLogin({
      initiatorIqn: 'iqn.1993-08.org.debian:01:worker-1',
      targetIqn: context.targetNames ?? '',
    });
    expect(grownLun?.size).toBe(5 * GiB);
    backend.sim.portalLogout('iqn.1993-08.org.debian:01:worker-1', context.targetNames ?? '');
    expect((await stat(file)).size).toBe(5 * GiB);

    await kube.detach(pv, node);
    // The node's last LUN took its target and host object with it; the CSP still knows the node.
    const dsm = await backend.sim.audit();
    expect([...dsm.targets, ...dsm.hosts]).toEqual([]);
    expect(await backend.host('worker-1')).toMatchObject({ iqns: ['iqn.1993-08.org.debian:01:worker-1'] });
    await expect(backend.backingFile({ targetNames: context.targetNames ?? '', lunId: '1' })).rejects.toThrow(
      /no published LUN/,
    );

    await kube.deletePv(clone);
    await kube.deletePv(restored);
    await kube.deleteSnapshot(snap);
    await kube.deletePv(pv);
    await backend.removeHost('worker-1');
    expect(await backend.audit()).toEqual([]);
  });

  it('logs in again when the CSP restarts and forgets every token and host registration', async () => {
    const { backend, driver } = await startSynology({ model });
    const { kube } = driver;
    const sc = storageClass('synology', secretRef, { 'csi.storage.k8s.io/fstype': 'xfs' });
    const pv = await kube.provisionPvc(sc, { name: 'before', namespace: 'ns', size: GiB });
    const node = testNodeId('worker-2');
    await kube.attach(pv, node);
    await backend.restart();
    expect(await kube.attach(pv, node)).toMatchObject({ lunId: '1' });
    await kube.detach(pv, node);
    await kube.deletePv(pv);
    await backend.removeHost('worker-2');
    expect(await backend.audit()).toEqual([]);
  });

  it("removes the node's target and host when the sidecar retries an unpublish that failed after the unmap", async () => {
    const { backend, driver } = await startSynology({ model });
    const { kube, client } = driver;
    const sc = storageClass('synology', secretRef, { 'csi.storage.k8s.io/fstype': 'ext4' });
    const pv = await kube.provisionPvc(sc, { name: 'half', namespace: 'ns', size: GiB });
    const node = testNodeId('worker-3');
    await kube.attach(pv, node);
    // The LUN is unmapped (the volume reads unpublished), then taking the node's access fails.
    backend.sim.failNext(1, { dsmError: codes.unknown }, /^SYNO\.Core\.ISCSI\.Host\.lun_acl_masks_set$/);
    const unpublish = { volumeId: pv.volumeHandle, nodeId: node, secrets: backend.secrets };
    await expect(client.controller('ControllerUnpublishVolume', unpublish)).rejects.toThrow();
    expect((await backend.sim.audit()).hosts).toHaveLength(1);
    await client.controller('ControllerUnpublishVolume', unpublish);
    const dsm = await backend.sim.audit();
    expect([dsm.targets, dsm.hosts]).toEqual([[], []]);
    await kube.deletePv(pv);
    await backend.removeHost('worker-3');
    expect(await backend.audit()).toEqual([]);
  });
});
