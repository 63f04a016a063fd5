// A LUN DSM keeps busy (`is_action_locked`) for longer than the CSP waits: the create answers
// UNAVAILABLE (CSP 503 TIMEOUT), the provisioner's retry finds the volume by name and gets it,
// publishing and deleting wait for DSM, and nothing is left behind.
import { status } from '@grpc/grpc-js';
import { isGrpcError, storageClass, testNodeId, withRetry } from '@opencsp/testbed/harness';
import { describe, expect, it } from 'vitest';
import { GiB, secretRef, startSynology } from './fixture.js';

describe('a LUN DSM keeps action-locked longer than csp-synology waits', () => {
  it('answers UNAVAILABLE, and the retry gets the same volume once DSM is done', async () => {
    // DSM holds a new LUN for 1.2 s; the CSP waits 150 ms for a lock before giving up.
    const { backend, driver } = await startSynology({
      sim: { knobs: { lockAfterCreateMs: 1200 } },
      csp: { lockTimeout: 150 },
    });
    const { kube, client } = driver;
    const sc = storageClass('synology-busy', secretRef, { 'csi.storage.k8s.io/fstype': 'ext4', ...backend.parameters });
    const request = await kube.createVolumeRequest(sc, { name: 'busy', namespace: 'ns', size: GiB }, 'pvc-busy');

    const err = await client.controller('CreateVolume', request).catch((e: unknown) => e);
    expect(isGrpcError(err) && err.code, String(err)).toBe(status.UNAVAILABLE);
    expect(isGrpcError(err) && err.details).toMatch(/unlock/);
    // The CSP could not remove the locked LUN either: it is the volume the retry will find.
    expect(await backend.volumeCount()).toBe(1);

    const { volume } = await withRetry(() => client.controller('CreateVolume', request));
    expect(volume?.capacityBytes).toBe(GiB);
    expect(await backend.volumeCount()).toBe(1);
    const pv = {
      name: 'pvc-busy',
      volumeHandle: volume?.volumeId as string,
      capacity: GiB,
      volumeAttributes: volume?.volumeContext ?? {},
      fsType: 'ext4',
      volumeMode: 'Filesystem' as const,
      accessModes: ['ReadWriteOnce' as const],
      storageClass: sc,
      claim: { name: 'busy', namespace: 'ns' },
    };
    const node = testNodeId('worker-busy');
    expect(await kube.attach(pv, node)).toMatchObject({ lunId: '1' });
    await kube.detach(pv, node);
    await kube.deletePv(pv);
    await backend.removeHost('worker-busy');
    expect(await backend.audit()).toEqual([]);
  });
});
