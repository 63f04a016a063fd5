// CHAP and read-only publishing: CHAP goes to the CSP host, never into the publish context.

import { storageClass, testNodeId } from '@opencsp/testbed/harness';
import { describe, expect, it } from 'vitest';
import { backendNames, GiB, type Scenario, scenarioPerTest, secretRef } from './fixture.js';

describe.each(backendNames)('publish with CHAP and read-only (%s)', (backendName) => {
  let s: Scenario;
  scenarioPerTest(backendName, {}, (started) => {
    s = started;
  });

  it('registers the host with CHAP and keeps CHAP out of the publish context', async () => {
    const chapRef = { name: 'csp-chap', namespace: secretRef.namespace };
    s.driver.kube.addSecret(chapRef, { ...s.backend.secrets, chapUser: 'k8s-node', chapPassword: 'chap-secret-123' });
    const sc = storageClass(`${backendName}-chap`, chapRef, {
      'csi.storage.k8s.io/fstype': 'xfs',
      fsOwner: '1000:1000',
    });
    const pv = await s.driver.kube.provisionPvc(sc, { name: 'chap', namespace: 'ns', size: GiB });
    const node = testNodeId('worker-chap', ['10.1.0.7/24']);
    const context = await s.driver.kube.attach(pv, node, true);
    const host = await s.backend.host('worker-chap');
    expect(host).toMatchObject({ iqns: ['iqn.1993-08.org.debian:01:worker-chap'], chapUser: 'k8s-node' });
    // csp-truenas does not keep host networks (its portal decides); the memory CSP and csp-synology do.
    expect(host?.networks).toEqual(backendName === 'truenas' ? undefined : ['10.1.0.7/24']);
    // No CHAP key and no secret (the node name, and so a Synology target name, may say "chap").
    expect(Object.keys(context).filter((key) => /chap/i.test(key))).toEqual([]);
    expect(JSON.stringify(context)).not.toContain('chap-secret-123');
    expect(context).toMatchObject({ readOnly: 'true', fsType: 'xfs', fsOwner: '1000:1000' });
    await s.driver.kube.detach(pv, node);
    await s.driver.kube.deletePv(pv);
    await s.backend.removeHost('worker-chap');
  });

  it('publishes a block volume to two nodes at once', async () => {
    const pv = await s.driver.kube.provisionPvc(s.block, {
      name: 'shared',
      namespace: 'ns',
      size: GiB,
      volumeMode: 'Block',
      accessModes: ['ReadWriteMany'],
    });
    const a = testNodeId('node-a');
    const b = testNodeId('node-b');
    const ctxA = await s.driver.kube.attach(pv, a);
    const ctxB = await s.driver.kube.attach(pv, b);
    expect(ctxA).not.toHaveProperty('fsType');
    expect(ctxB.serialNumber).toBe(ctxA.serialNumber);
    expect((await s.backend.initiatorsOf(pv.volumeHandle)).sort()).toEqual([
      'iqn.1993-08.org.debian:01:node-a',
      'iqn.1993-08.org.debian:01:node-b',
    ]);
    await s.driver.kube.detach(pv, a);
    await s.driver.kube.detach(pv, b);
    await s.driver.kube.deletePv(pv);
    await s.backend.removeHost('node-a');
    await s.backend.removeHost('node-b');
  });
});
