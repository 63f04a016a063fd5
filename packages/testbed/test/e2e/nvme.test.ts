// The PVC lifecycle over NVMe/TCP end to end on the TrueNAS simulator: kube harness → driver
// (controller and node) → csp-truenas → simulated nvmet, with the node's namespaces attached
// through loop devices standing in for `nvme connect` (checked against the subsystem's host links
// and DH-CHAP, as the kernel target does). Data written by a pod is read back from a snapshot
// restore and a clone, the volume grows online, a node the array did not admit cannot stage, a
// wrong DH-CHAP key is refused, and at the end array, kubelet dir and loop devices are clean.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { status } from '@grpc/grpc-js';
import { formatNodeId } from '@opencsp/csi-driver';
import { type E2eStack, startE2eStack } from '@opencsp/testbed/e2e';
import { isGrpcError, Kubelet, kubeletRetry, storageClass } from '@opencsp/testbed/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeHostLine } from './backends.js';

const MiB = 1024 ** 2;
const key = `DHHC-1:00:${Buffer.alloc(36, 3).toString('base64')}:`;
const ctrlKey = `DHHC-1:00:${Buffer.alloc(36, 4).toString('base64')}:`;

let stack: E2eStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** The subsystems the node is connected to (one controller per port). */
function subsystems(s: E2eStack): string[] {
  return [...new Set((s.backend.luns.nvme?.connected() ?? []).map((c) => `${c.subnqn} ← ${c.hostnqn}`))].sort();
}

function nvmeClass(s: E2eStack, name: string, fsType?: string, extra: Record<string, string> = {}) {
  return s.storageClass(name, fsType, { ...s.backend.parameters, accessProtocol: 'nvmetcp', ...extra });
}

describe('PVC lifecycle over NVMe/TCP (csp-truenas + TrueNAS simulator, loop devices)', () => {
  it('creates, connects, writes, snapshots, restores, clones, expands online and tears down', async () => {
    stack = await startE2eStack({ backend: 'truenas' });
    const { kube, kubelet, backend } = stack;
    const nvme = backend.luns.nvme;
    if (!nvme || !stack.hostnqn) {
      throw new Error('the TrueNAS fixture serves NVMe/TCP');
    }
    expect(await kubelet.nodeId()).toContain(`,${stack.hostnqn}`);
    const sc = nvmeClass(stack, 'e2e-nvme-xfs', 'xfs');
    const size = 512 * MiB;
    const pv = await kube.provisionPvc(sc, { name: 'nvme-data', namespace: 'apps', size });
    expect(pv.volumeAttributes).toMatchObject({ accessProtocol: 'nvmetcp' });
    const pod = await stack.startPod([pv]);
    const [volume] = pod.volumes;
    if (!volume) {
      throw new Error('the pod has no volume');
    }
    expect(volume.publishContext).toMatchObject({
      accessProtocol: 'nvmetcp',
      lunId: '1',
      discoveryIps: '127.0.0.1,127.0.0.2',
      dhchap: 'none',
      targetScope: 'volume',
    });
    expect(volume.publishContext.targetNames).toMatch(/^nqn\.2011-06\.com\.truenas:uuid:[-0-9a-f]+:pvc-/);
    expect(volume.publishContext.serialNumber).toMatch(/^[0-9a-f]{32}$/);
    expect(subsystems(stack)).toEqual([`${volume.publishContext.targetNames} ← ${stack.hostnqn}`]);
    expect(nvme.connected()).toHaveLength(2);
    expect(await backend.initiatorsOf(pv.volumeHandle)).toEqual([stack.hostnqn]);
    expect(backend.luns.loggedIn()).toEqual([]);

    await writeFile(join(volume.targetPath, 'hello.txt'), 'written over NVMe/TCP');
    // What an application does before a snapshot it wants consistent: flush the filesystem.
    await promisify(execFile)('sync', ['-f', volume.targetPath]);
    const stats = await kubelet.stats(volume);
    expect(stats.volumeCondition).toEqual({ abnormal: false, message: expect.stringContaining('1/1 paths active') });
    const snap = await kube.snapshot(pv, stack.snapshotClass);
    const restored = await kube.restore(snap, sc, { name: 'nvme-restored', namespace: 'apps', size });
    const clone = await kube.clone(pv, sc, { name: 'nvme-clone', namespace: 'apps', size });
    const reader = await stack.startPod([restored, clone]);
    for (const copy of reader.volumes) {
      expect(copy.publishContext.accessProtocol).toBe('nvmetcp');
      expect(await readFile(join(copy.targetPath, 'hello.txt'), 'utf8')).toBe('written over NVMe/TCP');
    }
    expect(subsystems(stack)).toHaveLength(3);
    await stack.stopPod(reader);
    expect(subsystems(stack)).toHaveLength(1);

    const before = stats.usage.find((u) => u.unit === 'BYTES')?.total ?? 0;
    await stack.resize(pv, 2 * size, pod);
    const after = (await kubelet.stats(volume)).usage.find((u) => u.unit === 'BYTES')?.total ?? 0;
    expect(after - before).toBeGreaterThan(size - 112 * MiB);

    await stack.stopPod(pod);
    expect(nvme.connected()).toEqual([]);
    expect(await backend.initiatorsOf(pv.volumeHandle)).toEqual([]);
    await kube.deletePv(clone);
    await kube.deletePv(restored);
    await kube.deleteSnapshot(snap);
    await kube.deletePv(pv);
    const left = await stack.leftovers();
    expect(left.filter((l) => !nodeHostLine(stack as E2eStack).test(l) && !l.startsWith('nvme host '))).toEqual([]);
    await stack.decommissionNode();
    expect(await stack.leftovers()).toEqual([]);
  });

  it('admits only the published node, and connects with the node-stage DH-CHAP keys, never a wrong one', async () => {
    stack = await startE2eStack({ backend: 'truenas' });
    const { kube, kubeletDir } = stack;
    const impatient = new Kubelet({
      client: stack.node.client,
      kube,
      kubeletDir,
      retry: { ...kubeletRetry, attempts: 1 },
    });
    const sc = nvmeClass(stack, 'e2e-nvme', 'ext4');
    const theirs = await kube.provisionPvc(sc, { name: 'theirs', namespace: 'apps', size: 64 * MiB });
    const other = formatNodeId({
      hostname: 'other-node',
      iqns: ['iqn.1993-08.org.debian:01:other'],
      nqns: ['nqn.2014-08.org.nvmexpress:uuid:00000000-1111-4222-8333-444444444444'],
      networks: [],
    });
    const refused = await impatient.stage(theirs, await kube.attach(theirs, other)).catch((e: unknown) => e);
    expect(isGrpcError(refused) && refused.code).toBe(status.FAILED_PRECONDITION);
    expect(isGrpcError(refused) && refused.details).toMatch(/nvme connect to \S+ refused: host .* is not allowed/);
    await impatient.unstage(theirs);
    await kube.detach(theirs, other);
    await kube.deletePv(theirs);

    const authRef = { name: 'opencsp-dhchap', namespace: 'kube-system' };
    kube.addSecret(authRef, { ...stack.backend.secrets, dhchapKey: key, dhchapCtrlKey: ctrlKey });
    const wrongRef = { name: 'wrong-dhchap', namespace: 'kube-system' };
    kube.addSecret(wrongRef, { dhchapKey: ctrlKey, dhchapCtrlKey: key });
    const authClass = storageClass('e2e-nvme-dhchap', authRef, {
      ...stack.backend.parameters,
      accessProtocol: 'nvmetcp',
      'csi.storage.k8s.io/fstype': 'ext4',
      'csi.storage.k8s.io/node-stage-secret-name': wrongRef.name,
      'csi.storage.k8s.io/node-stage-secret-namespace': wrongRef.namespace,
    });
    const pv = await kube.provisionPvc(authClass, { name: 'auth', namespace: 'apps', size: 64 * MiB });
    const context = await kube.attach(pv, await stack.kubelet.nodeId());
    expect(context.dhchap).toBe('bidirectional');
    expect(JSON.stringify(context)).not.toContain(key.slice(10, 30));
    const wrong = await impatient.stage(pv, context).catch((e: unknown) => e);
    expect(isGrpcError(wrong) && wrong.code).toBe(status.UNAUTHENTICATED);
    expect(stack.backend.luns.nvme?.connected()).toEqual([]);
    await impatient.unstage(pv);
    kube.addSecret(wrongRef, { dhchapKey: key, dhchapCtrlKey: ctrlKey });
    await impatient.stage(pv, context);
    await impatient.unstage(pv);
    await kube.detach(pv, await stack.kubelet.nodeId());
    await kube.deletePv(pv);
    await stack.backend.removeHost('other-node');
    await stack.decommissionNode();
    expect(await stack.leftovers()).toEqual([]);
  });
});
