// Raw block PVCs end to end (data reaches the array's LUN, survives a snapshot restore, the device
// grows online), and the stack's cleanup after a test that stops half-way.
import { stat } from 'node:fs/promises';
import { type E2eStack, startE2eStack } from '@opencsp/testbed/e2e';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loopsUnder, mountsUnder } from '../../src/loop/index.js';
import { pread, pwrite } from '../block-io.js';
import { e2eBackends, pvcSize, rows } from './backends.js';

const MiB = 1024 ** 2;

describe.each(rows(e2eBackends))('raw block PVCs (%s, loop devices)', (_name, options) => {
  let stack: E2eStack;
  beforeEach(async () => {
    stack = await startE2eStack(options);
  });
  afterEach(async () => {
    await stack?.stop();
  });

  it('writes through the device into the LUN, restores it from a snapshot and grows it online', async () => {
    const { kube, kubelet, backend } = stack;
    // 64 MiB, or the array's smallest volume (Synology: 1 GiB); the device grows to twice that.
    const size = pvcSize(stack, 64 * MiB);
    const sc = stack.storageClass('e2e-block');
    const pv = await kube.provisionPvc(sc, { name: 'raw', namespace: 'db', size, volumeMode: 'Block' });
    const pod = await stack.startPod([pv]);
    const [volume] = pod.volumes;
    if (!volume) {
      throw new Error('the pod has no volume');
    }
    expect(await kubelet.stagingPath(pv)).toMatch(
      /\/plugins\/kubernetes\.io\/csi\/volumeDevices\/staging\/pvc-[-0-9a-f]{36}$/,
    );
    expect(volume.targetPath).toMatch(
      /\/plugins\/kubernetes\.io\/csi\/volumeDevices\/publish\/pvc-[-0-9a-f]{36}\/[-0-9a-f]{36}$/,
    );
    expect((await stat(volume.targetPath)).isBlockDevice()).toBe(true);

    const pattern = Buffer.from(`opencsp raw block through ${backend.name}`);
    await pwrite(volume.targetPath, pattern, 3 * MiB);
    const lun = backend.luns.backingFileOf(pv.volumeHandle) as string;
    expect(await pread(lun, pattern.length, 3 * MiB)).toEqual(pattern);
    expect((await kubelet.stats(volume)).usage).toEqual([{ unit: 'BYTES', total: size, available: 0, used: 0 }]);

    const snap = await kube.snapshot(pv, stack.snapshotClass);
    const restored = await kube.restore(snap, sc, {
      name: 'raw-restored',
      namespace: 'db',
      size,
      volumeMode: 'Block',
    });
    const reader = await stack.startPod([restored], { readOnly: true });
    const copy = reader.volumes[0]?.targetPath as string;
    expect(await pread(copy, pattern.length, 3 * MiB)).toEqual(pattern);
    await expect(pwrite(copy, pattern, 0)).rejects.toThrow(/EROFS|EPERM|EACCES/);
    await stack.stopPod(reader);

    await stack.resize(pv, 2 * size, pod);
    expect((await kubelet.stats(volume)).usage[0]?.total).toBe(2 * size);
    expect(await pread(volume.targetPath, pattern.length, 3 * MiB)).toEqual(pattern);

    await stack.stopPod(pod);
    await kube.deletePv(restored);
    await kube.deleteSnapshot(snap);
    await kube.deletePv(pv);
    await stack.decommissionNode();
    expect(await stack.leftovers()).toEqual([]);
  });

  it('stop() unmounts and detaches what a test left behind', async () => {
    const sc = stack.storageClass('e2e-xfs', 'xfs');
    const size = pvcSize(stack, 320 * MiB);
    const pv = await stack.kube.provisionPvc(sc, { name: 'abandoned', namespace: 'apps', size });
    await stack.startPod([pv]);
    const lunDir = stack.backend.luns.dataDir;
    expect(await mountsUnder(stack.kubeletDir)).toHaveLength(2);
    expect(await loopsUnder(lunDir)).toHaveLength(1);
    await stack.stop();
    expect(await mountsUnder(stack.kubeletDir)).toEqual([]);
    expect(await loopsUnder(lunDir)).toEqual([]);
  });
});
