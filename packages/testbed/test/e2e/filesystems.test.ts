// The PVC lifecycle end to end on real filesystems: kube harness (sidecars + kubelet) → driver
// (controller and node, two sockets) → CSP → array simulator (csp-truenas + TrueNAS, csp-synology
// + DSM), with the node's LUNs attached through loop devices. Data written by one pod is read back from a snapshot restore
// and from a clone; the volume grows (xfs online through the pod, ext4 offline through
// unstage/restage because online ext4 grow needs CAP_SYS_RESOURCE); and at the end the array,
// the kubelet dir and the loop devices are clean.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type E2eStack, startE2eStack } from '@opencsp/testbed/e2e';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountsUnder } from '../../src/loop/index.js';
import { mountOf } from '../node/harness.js';
import { e2eBackends, nodeHostLine, pvcSize, rows } from './backends.js';

const run = promisify(execFile);
const MiB = 1024 ** 2;

/** What an application does before a snapshot it wants consistent: flush the filesystem. */
const syncFs = (path: string) => run('sync', ['-f', path]);

describe.each(rows(e2eBackends))('PVC lifecycle on real filesystems (%s, loop devices)', (_name, options) => {
  let stack: E2eStack;
  beforeEach(async () => {
    stack = await startE2eStack(options);
  });
  afterEach(async () => {
    await stack?.stop();
  });

  it.each([
    ['xfs', 'online'],
    ['ext4', 'offline'],
  ])(
    '%s: create, attach, stage, publish, write, stats, snapshot, restore, clone, expand %s, tear down',
    async (fsType) => {
      const { kube, kubelet, backend } = stack;
      // 512 MiB, or the array's smallest volume (Synology: 1 GiB); the volume grows to twice that.
      const size = pvcSize(stack, 512 * MiB);
      const sc = stack.storageClass(`e2e-${fsType}`, fsType, backend.parameters);
      const pv = await kube.provisionPvc(sc, { name: `data-${fsType}`, namespace: 'apps', size });
      expect(pv.volumeAttributes).toMatchObject({ fsType, ...backend.parameters });

      let pod = await stack.startPod([pv]);
      const [volume] = pod.volumes;
      if (!volume) {
        throw new Error('the pod has no volume');
      }
      const staging = await kubelet.stagingPath(pv);
      expect(staging).toMatch(/\/plugins\/kubernetes\.io\/csi\/csi\.opencsp\.io\/[0-9a-f]{64}\/globalmount$/);
      expect((await mountOf(staging))?.fsType).toBe(fsType);
      expect(volume.targetPath).toMatch(
        /\/pods\/[-0-9a-f]{36}\/volumes\/kubernetes\.io~csi\/pvc-[-0-9a-f]{36}\/mount$/,
      );
      // kubelet repeats a stage or publish whose answer it lost: same volume, same paths, OK.
      await kubelet.stage(pv, volume.publishContext);
      await kubelet.publish(pv, volume.publishContext, { podUid: pod.uid });
      expect(await mountsUnder(stack.kubeletDir)).toHaveLength(2);
      expect(backend.luns.loggedIn()).toEqual([
        { target: volume.publishContext.targetNames, initiator: stack.initiatorName },
      ]);

      await writeFile(join(volume.targetPath, 'hello.txt'), `written on ${fsType}`);
      await syncFs(volume.targetPath);
      const stats = await kubelet.stats(volume);
      const bytes = stats.usage.find((u) => u.unit === 'BYTES');
      expect(bytes?.total).toBeGreaterThan(size - 112 * MiB);
      expect(bytes?.total).toBeLessThanOrEqual(size);
      expect(bytes?.used).toBeGreaterThan(0);
      expect(stats.usage.find((u) => u.unit === 'INODES')?.used).toBeGreaterThan(0);
      expect(stats.volumeCondition).toEqual({
        abnormal: false,
        message: expect.stringContaining('1/1 paths active'),
      });

      const snap = await kube.snapshot(pv, stack.snapshotClass);
      expect(snap.readyToUse).toBe(true);
      await writeFile(join(volume.targetPath, 'after-snapshot.txt'), 'later');
      await syncFs(volume.targetPath);
      const restored = await kube.restore(snap, sc, { name: `restored-${fsType}`, namespace: 'apps', size });
      const clone = await kube.clone(pv, sc, { name: `clone-${fsType}`, namespace: 'apps', size });
      const reader = await stack.startPod([restored, clone]);
      // One session per target the node uses: three on TrueNAS (a target per volume), one on
      // Synology (the node's target holds all three LUNs).
      const targetsOf = (volumes: { publishContext: Record<string, string> }[]) =>
        [...new Set(volumes.map((v) => v.publishContext.targetNames))].sort();
      const sessionTargets = () =>
        backend.luns
          .loggedIn()
          .map((s) => s.target)
          .sort();
      expect(sessionTargets()).toEqual(targetsOf([volume, ...reader.volumes]));
      const [fromSnapshot, fromClone] = reader.volumes.map((v) => v.targetPath) as [string, string];
      expect(await readFile(join(fromSnapshot, 'hello.txt'), 'utf8')).toBe(`written on ${fsType}`);
      await expect(readFile(join(fromSnapshot, 'after-snapshot.txt'), 'utf8')).rejects.toThrow(/ENOENT/);
      expect(await readFile(join(fromClone, 'hello.txt'), 'utf8')).toBe(`written on ${fsType}`);
      expect(await readFile(join(fromClone, 'after-snapshot.txt'), 'utf8')).toBe('later');
      await stack.stopPod(reader);
      // The node keeps the session its first volume still uses.
      expect(sessionTargets()).toEqual(targetsOf([volume]));

      const before = bytes?.total ?? 0;
      if (fsType === 'xfs') {
        await stack.resize(pv, 2 * size, pod);
      } else {
        await stack.stopPod(pod);
        await stack.resize(pv, 2 * size);
        pod = await stack.startPod([pv]);
      }
      const grown = pod.volumes[0];
      if (!grown) {
        throw new Error('the pod has no volume');
      }
      const after = (await kubelet.stats(grown)).usage.find((u) => u.unit === 'BYTES')?.total ?? 0;
      expect(after - before).toBeGreaterThan(size - 112 * MiB);
      expect(await readFile(join(grown.targetPath, 'hello.txt'), 'utf8')).toBe(`written on ${fsType}`);

      await stack.stopPod(pod);
      expect(stack.pods.attached).toEqual([]);
      expect(await backend.initiatorsOf(pv.volumeHandle)).toEqual([]);
      await kube.deletePv(clone);
      await kube.deletePv(restored);
      await kube.deleteSnapshot(snap);
      await kube.deletePv(pv);
      expect(await stack.leftovers()).toEqual([expect.stringMatching(nodeHostLine(stack))]);
      await stack.decommissionNode();
      expect(await stack.leftovers()).toEqual([]);
    },
  );
});
