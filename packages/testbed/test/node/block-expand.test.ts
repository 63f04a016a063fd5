// Layer 2: raw block volumes and expansion on real loop devices.
import { stat } from 'node:fs/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loopDevicesOf } from '../../src/loop/index.js';
import { pread, pwrite } from '../block-io.js';
import { cleanupDir, hasSysResource, makeTempDir, requireLoopEnvironment } from './env.js';
import { createRealNode, mib, publishReq, type RealNode, stageReq } from './harness.js';

describe('raw block volumes and expansion on loop devices', () => {
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

  it('binds the device onto a target file; data reaches the LUN; read-only binds refuse writes', async () => {
    await node.size('blk', 32 * mib);
    const stage = stageReq(node, 'blk', { block: true });
    await node.service.nodeStageVolume(stage);
    await node.service.nodeStageVolume(stage);
    const pub = publishReq(node, stage, 'pod-uid-1');
    await node.service.nodePublishVolume(pub);
    await node.service.nodePublishVolume(pub);
    expect((await stat(pub.targetPath)).isBlockDevice()).toBe(true);

    const pattern = Buffer.from('opencsp raw block round trip');
    await pwrite(pub.targetPath, pattern, 4 * mib);
    expect(await pread(node.file('blk'), pattern.length, 4 * mib)).toEqual(pattern);

    const stats = await node.service.nodeGetVolumeStats({
      volumeId: 'blk',
      volumePath: pub.targetPath,
      stagingTargetPath: '',
    });
    expect(stats.usage).toEqual([{ unit: 'BYTES', total: 32 * mib, available: 0, used: 0 }]);

    const ro = publishReq(node, stage, 'pod-uid-2', true);
    await node.service.nodePublishVolume(ro);
    await expect(pwrite(ro.targetPath, pattern, 0)).rejects.toThrow(/EROFS|EPERM|EACCES/);

    await node.size('blk', 48 * mib);
    const expanded = await node.service.nodeExpandVolume({
      volumeId: 'blk',
      volumePath: pub.targetPath,
      capacityRange: { requiredBytes: 48 * mib, limitBytes: 0 },
      stagingTargetPath: '',
      volumeCapability: stage.volumeCapability,
      secrets: {},
    });
    expect(expanded).toEqual({ capacityBytes: 48 * mib });

    for (const p of [pub, ro]) {
      await node.service.nodeUnpublishVolume({ volumeId: 'blk', targetPath: p.targetPath });
      await node.service.nodeUnpublishVolume({ volumeId: 'blk', targetPath: p.targetPath });
      await expect(stat(p.targetPath)).rejects.toThrow(/ENOENT/);
    }
    await node.service.nodeUnstageVolume({ volumeId: 'blk', stagingTargetPath: stage.stagingTargetPath });
    await node.service.nodeUnstageVolume({ volumeId: 'blk', stagingTargetPath: stage.stagingTargetPath });
    expect(await loopDevicesOf(node.runner, node.file('blk'))).toEqual([]);
    expect(await pread(node.file('blk'), pattern.length, 4 * mib)).toEqual(pattern);
  });

  it.each(['xfs', 'btrfs'])('grows %s online after the backing file grows', async (fsType) => {
    await node.size('grow', 320 * mib);
    const stage = stageReq(node, 'grow', { fsType });
    await node.service.nodeStageVolume(stage);
    const pub = publishReq(node, stage, 'pod');
    await node.service.nodePublishVolume(pub);
    const total = async () =>
      (await node.service.nodeGetVolumeStats({ volumeId: 'grow', volumePath: pub.targetPath, stagingTargetPath: '' }))
        .usage[0]?.total ?? 0;
    const before = await total();
    await node.size('grow', 640 * mib);
    const req = {
      volumeId: 'grow',
      volumePath: pub.targetPath,
      capacityRange: { requiredBytes: 640 * mib, limitBytes: 0 },
      stagingTargetPath: stage.stagingTargetPath,
      volumeCapability: stage.volumeCapability,
      secrets: {},
    };
    expect(await node.service.nodeExpandVolume(req)).toEqual({ capacityBytes: 640 * mib });
    expect(await node.service.nodeExpandVolume(req)).toEqual({ capacityBytes: 640 * mib });
    const after = await total();
    expect(after - before).toBeGreaterThan(250 * mib);
  });

  it('grows ext4 online where the host allows it, else reports why and grows it offline at the next stage', async () => {
    await node.size('e4', 128 * mib);
    const stage = stageReq(node, 'e4');
    await node.service.nodeStageVolume(stage);
    const total = async () =>
      (
        await node.service.nodeGetVolumeStats({
          volumeId: 'e4',
          volumePath: stage.stagingTargetPath,
          stagingTargetPath: '',
        })
      ).usage[0]?.total ?? 0;
    const before = await total();
    await node.size('e4', 256 * mib);
    const req = {
      volumeId: 'e4',
      volumePath: stage.stagingTargetPath,
      capacityRange: { requiredBytes: 256 * mib, limitBytes: 0 },
      stagingTargetPath: stage.stagingTargetPath,
      volumeCapability: null,
      secrets: {},
    };
    if (await hasSysResource()) {
      expect(await node.service.nodeExpandVolume(req)).toEqual({ capacityBytes: 256 * mib });
    } else {
      const err = await node.service.nodeExpandVolume(req).then(
        () => undefined,
        (e: { kind?: string; message: string }) => e,
      );
      expect(err?.kind).toBe('FailedPrecondition');
      expect(err?.message).toMatch(
        /resize2fs \/dev\/loop\d+ exited 1: resize2fs: Permission denied to resize filesystem\).*CAP_SYS_RESOURCE/,
      );
      await node.service.nodeUnstageVolume({ volumeId: 'e4', stagingTargetPath: stage.stagingTargetPath });
      await node.service.nodeStageVolume(stage);
    }
    expect((await total()) - before).toBeGreaterThan(100 * mib);
  });
});
