// A PVC smaller than mkfs.xfs accepts (300 MiB) with fsType xfs, end to end on a real loop device:
// CreateVolume makes the volume 300 MiB, so NodeStageVolume's mkfs.xfs succeeds and the pod
// mounts it (before the fix the stage failed INTERNAL forever). TrueNAS only: the DSM
// simulator's smallest LUN (1 GiB) is above the xfs minimum anyway.
import { type E2eStack, startE2eStack } from '@opencsp/testbed/e2e';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountOf } from '../node/harness.js';
import { e2eBackends, nodeHostLine } from './backends.js';

const MiB = 1024 ** 2;
const truenas = e2eBackends.find((b) => b.options.backend === 'truenas');

describe('a 64 MiB xfs PVC (csp-truenas + TrueNAS simulator, loop devices)', () => {
  let stack: E2eStack;
  beforeEach(async () => {
    if (!truenas) {
      throw new Error('no TrueNAS e2e backend');
    }
    stack = await startE2eStack(truenas.options);
  });
  afterEach(async () => {
    await stack?.stop();
  });

  it('is provisioned at 300 MiB, staged with a real mkfs.xfs, mounted and torn down', async () => {
    const { kube, kubelet, backend } = stack;
    const sc = stack.storageClass('e2e-small-xfs', 'xfs', backend.parameters);
    const pv = await kube.provisionPvc(sc, { name: 'small-xfs', namespace: 'apps', size: 64 * MiB });
    expect(Number(pv.capacity)).toBe(300 * MiB);

    const pod = await stack.startPod([pv]);
    const [volume] = pod.volumes;
    if (!volume) {
      throw new Error('the pod has no volume');
    }
    expect((await mountOf(await kubelet.stagingPath(pv)))?.fsType).toBe('xfs');
    const total = (await kubelet.stats(volume)).usage.find((u) => u.unit === 'BYTES')?.total ?? 0;
    expect(total).toBeGreaterThan(200 * MiB);
    expect(total).toBeLessThanOrEqual(300 * MiB);

    await stack.stopPod(pod);
    await kube.deletePv(pv);
    expect(await stack.leftovers()).toEqual([expect.stringMatching(nodeHostLine(stack))]);
    await stack.decommissionNode();
    expect(await stack.leftovers()).toEqual([]);
  });
});
