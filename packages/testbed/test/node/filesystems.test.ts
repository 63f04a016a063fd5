// Layer 2: the node service on real loop devices, filesystems and mounts (the loop transport
// stands in for the iSCSI login). Every RPC runs twice; data survives unstage and restage.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loopDevicesOf } from '../../src/loop/index.js';
import { cleanupDir, makeTempDir, requireLoopEnvironment } from './env.js';
import { createRealNode, mib, mountOf, publishReq, type RealNode, stageReq } from './harness.js';

describe('real filesystems on loop devices', () => {
  let dir: string;
  let node: RealNode;
  beforeAll(async () => {
    await requireLoopEnvironment();
  });
  beforeEach(async () => {
    dir = await makeTempDir();
    node = createRealNode(dir);
  });
  afterEach(async () => {
    await cleanupDir(dir);
  });

  it.each(['ext4', 'xfs', 'btrfs'])(
    '%s: stage, publish, write, unpublish, unstage, restage and read back',
    async (fsType) => {
      const s = node.service;
      await node.size('vol-a', 320 * mib);
      const stage = stageReq(node, 'vol-a', { fsType });
      await s.nodeStageVolume(stage);
      await s.nodeStageVolume(stage);
      const staged = await mountOf(stage.stagingTargetPath);
      expect(staged?.fsType).toBe(fsType);
      if (fsType === 'xfs') {
        expect(staged?.superOptions).toContain('nouuid');
      }

      const pub = publishReq(node, stage, 'pod-1');
      await s.nodePublishVolume(pub);
      await s.nodePublishVolume(pub);
      await writeFile(join(pub.targetPath, 'hello.txt'), `data on ${fsType}`);

      const stats = await s.nodeGetVolumeStats({
        volumeId: 'vol-a',
        volumePath: pub.targetPath,
        stagingTargetPath: '',
      });
      const bytes = stats.usage.find((u) => u.unit === 'BYTES');
      expect(bytes?.total).toBeGreaterThan(200 * mib);
      expect(bytes?.total).toBeLessThanOrEqual(320 * mib);
      expect(bytes?.used).toBeGreaterThan(0);
      // btrfs allocates inodes dynamically and has no inode count to report.
      expect(stats.usage.map((u) => u.unit)).toEqual(fsType === 'btrfs' ? ['BYTES'] : ['BYTES', 'INODES']);
      if (fsType !== 'btrfs') {
        expect(stats.usage[1]?.used).toBeGreaterThan(0);
      }
      expect(stats.volumeCondition?.abnormal).toBe(false);

      await s.nodeUnpublishVolume({ volumeId: 'vol-a', targetPath: pub.targetPath });
      await s.nodeUnpublishVolume({ volumeId: 'vol-a', targetPath: pub.targetPath });
      await expect(stat(pub.targetPath)).rejects.toThrow(/ENOENT/);
      await s.nodeUnstageVolume({ volumeId: 'vol-a', stagingTargetPath: stage.stagingTargetPath });
      await s.nodeUnstageVolume({ volumeId: 'vol-a', stagingTargetPath: stage.stagingTargetPath });
      expect(await mountOf(stage.stagingTargetPath)).toBeUndefined();
      expect(await loopDevicesOf(node.runner, node.file('vol-a'))).toEqual([]);

      await s.nodeStageVolume(stage);
      const again = publishReq(node, stage, 'pod-2');
      await s.nodePublishVolume(again);
      expect(await readFile(join(again.targetPath, 'hello.txt'), 'utf8')).toBe(`data on ${fsType}`);
      await s.nodeUnpublishVolume({ volumeId: 'vol-a', targetPath: again.targetPath });
      await s.nodeUnstageVolume({ volumeId: 'vol-a', stagingTargetPath: stage.stagingTargetPath });
      expect(await loopDevicesOf(node.runner, node.file('vol-a'))).toEqual([]);
    },
  );

  it('publishes read-only: writes through the target fail, the staged mount stays writable', async () => {
    await node.size('vol-ro', 64 * mib);
    const stage = stageReq(node, 'vol-ro');
    await node.service.nodeStageVolume(stage);
    const pub = publishReq(node, stage, 'pod-ro', true);
    await node.service.nodePublishVolume(pub);
    await node.service.nodePublishVolume(pub);
    expect((await mountOf(pub.targetPath))?.options).toContain('ro');
    await expect(writeFile(join(pub.targetPath, 'x'), 'x')).rejects.toThrow(/EROFS/);
    await writeFile(join(stage.stagingTargetPath, 'y'), 'y');
    const rw = await node.service.nodePublishVolume({ ...pub, readonly: false }).then(
      () => 'ok',
      (e: { kind?: string }) => e.kind,
    );
    expect(rw).toBe('AlreadyExists');
  });

  it('mounts a read-only volume read-only and never formats or reformats', async () => {
    await node.size('vol-x', 320 * mib);
    const ro = await node.service.nodeStageVolume(stageReq(node, 'vol-x', { context: { readOnly: 'true' } })).then(
      () => 'ok',
      (e: { kind?: string; message: string }) => `${e.kind}: ${e.message}`,
    );
    expect(ro).toMatch(/^FailedPrecondition: .* is blank and the volume is read-only/);
    await node.service.nodeUnstageVolume({
      volumeId: 'vol-x',
      stagingTargetPath: stageReq(node, 'vol-x').stagingTargetPath,
    });

    const stage = stageReq(node, 'vol-x', { fsType: 'xfs' });
    await node.service.nodeStageVolume(stage);
    await node.service.nodeUnstageVolume({ volumeId: 'vol-x', stagingTargetPath: stage.stagingTargetPath });
    const wrong = await node.service.nodeStageVolume(stageReq(node, 'vol-x', { fsType: 'ext4' })).then(
      () => 'ok',
      (e: { kind?: string; message: string }) => `${e.kind}: ${e.message}`,
    );
    expect(wrong).toMatch(
      /^FailedPrecondition: \/dev\/loop\d+ already holds xfs but the volume asks for ext4; refusing to reformat it$/,
    );
    expect(await mountOf(stage.stagingTargetPath)).toBeUndefined();
    await node.service.nodeUnstageVolume({ volumeId: 'vol-x', stagingTargetPath: stage.stagingTargetPath });

    const roStage = stageReq(node, 'vol-x', { fsType: 'xfs', context: { readOnly: 'true' } });
    await node.service.nodeStageVolume(roStage);
    expect((await mountOf(roStage.stagingTargetPath))?.options).toContain('ro');
    await expect(writeFile(join(roStage.stagingTargetPath, 'z'), 'z')).rejects.toThrow(/EROFS/);
  });

  it('applies fsOwner and fsMode to a new filesystem', async () => {
    await node.size('vol-own', 64 * mib);
    const stage = stageReq(node, 'vol-own', { context: { fsOwner: '1001:2002', fsMode: '2770' } });
    await node.service.nodeStageVolume(stage);
    const st = await stat(stage.stagingTargetPath);
    expect([st.uid, st.gid, (st.mode & 0o7777).toString(8)]).toEqual([1001, 2002, '2770']);
  });

  it('answers ABORTED to a concurrent stage of the same volume and stages it once', async () => {
    await node.size('vol-c', 64 * mib);
    const stage = stageReq(node, 'vol-c');
    const results = await Promise.allSettled([
      node.service.nodeStageVolume(stage),
      node.service.nodeStageVolume(stage),
    ]);
    const kinds = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { kind?: string }).kind)).sort();
    expect(kinds).toEqual(['Aborted', 'ok']);
    expect(await loopDevicesOf(node.runner, node.file('vol-c'))).toHaveLength(1);
  });
});
