import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createHarness,
  driverError,
  gib,
  type Harness,
  iqn,
  lun,
  must,
  publishRequest,
  stageRequest,
} from './harness.js';

describe('NodeExpandVolume and NodeGetVolumeStats (fake host)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  function growLun(size: number) {
    lun(h).size = size;
  }

  it('rescans the paths, resizes the map and grows xfs online; a repeat is OK', async () => {
    const stage = stageRequest(h, { fsType: 'xfs' });
    await h.service.nodeStageVolume(stage);
    const pub = publishRequest(h, stage);
    await h.service.nodePublishVolume(pub);
    growLun(2 * gib);
    const req = {
      volumeId: 'vol-1',
      volumePath: pub.targetPath,
      capacityRange: { requiredBytes: 2 * gib, limitBytes: 0 },
      stagingTargetPath: stage.stagingTargetPath,
      volumeCapability: stage.volumeCapability,
      secrets: {},
    };
    expect(await h.service.nodeExpandVolume(req)).toEqual({ capacityBytes: 2 * gib });
    expect(h.host.commandsRun('multipathd', (a) => a[0] === 'resize')).toBe(1);
    expect(h.host.commandsRun('xfs_growfs', (a) => a[0] === stage.stagingTargetPath)).toBeGreaterThanOrEqual(1);
    expect([...h.host.kernel.filesystems.values()][0]?.size).toBe(2 * gib);
    expect(await h.service.nodeExpandVolume(req)).toEqual({ capacityBytes: 2 * gib });
  });

  it('reports the host refusing an online ext4 grow, and grows it offline at the next stage', async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    h.host.fs.onlineExt4Grow = false;
    growLun(2 * gib);
    const err = await driverError(() =>
      h.service.nodeExpandVolume({
        volumeId: 'vol-1',
        volumePath: stage.stagingTargetPath,
        capacityRange: { requiredBytes: 2 * gib, limitBytes: 0 },
        stagingTargetPath: stage.stagingTargetPath,
        volumeCapability: null,
        secrets: {},
      }),
    );
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(
      /online ext4 grow is not permitted.*resize2fs \/dev\/mapper\/mpatha exited 1: .*Permission denied/,
    );
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: stage.stagingTargetPath });
    await h.service.nodeStageVolume(stage);
    expect([...h.host.kernel.filesystems.values()][0]?.size).toBe(2 * gib);
    expect(h.host.commandsRun('e2fsck')).toBe(1);
  });

  it('reports a LUN that did not grow, and validates the capacity range', async () => {
    const stage = stageRequest(h, { block: true });
    await h.service.nodeStageVolume(stage);
    const pub = { ...publishRequest(h, stage), targetPath: join(h.dir, 'blk', 'pod') };
    await h.service.nodePublishVolume(pub);
    const base = {
      volumeId: 'vol-1',
      volumePath: pub.targetPath,
      stagingTargetPath: '',
      volumeCapability: null,
      secrets: {},
    };
    const err = await driverError(() =>
      h.service.nodeExpandVolume({ ...base, capacityRange: { requiredBytes: 3 * gib, limitBytes: 0 } }),
    );
    expect(err.kind).toBe('Internal');
    expect(err.message).toMatch(/is 1073741824 bytes after a rescan, less than the requested 3221225472/);
    const bad = await driverError(() =>
      h.service.nodeExpandVolume({ ...base, capacityRange: { requiredBytes: 3 * gib, limitBytes: gib } }),
    );
    expect(bad.kind).toBe('InvalidArgument');
    growLun(3 * gib);
    expect(
      await h.service.nodeExpandVolume({ ...base, capacityRange: { requiredBytes: 3 * gib, limitBytes: 0 } }),
    ).toEqual({
      capacityBytes: 3 * gib,
    });
  });

  it('expands a block volume named by its staging path, where nothing is mounted', async () => {
    const stage = stageRequest(h, { block: true });
    await h.service.nodeStageVolume(stage);
    growLun(2 * gib);
    const res = await h.service.nodeExpandVolume({
      volumeId: 'vol-1',
      volumePath: stage.stagingTargetPath,
      capacityRange: { requiredBytes: 2 * gib, limitBytes: 0 },
      stagingTargetPath: '',
      volumeCapability: null,
      secrets: {},
    });
    expect(res).toEqual({ capacityBytes: 2 * gib });
  });

  it('returns NotFound for a missing or unmounted path', async () => {
    const missing = await driverError(() =>
      h.service.nodeGetVolumeStats({ volumeId: 'vol-1', volumePath: join(h.dir, 'nope'), stagingTargetPath: '' }),
    );
    expect(missing.kind).toBe('NotFound');
    const unmounted = await driverError(() =>
      h.service.nodeGetVolumeStats({ volumeId: 'vol-1', volumePath: h.dir, stagingTargetPath: '' }),
    );
    expect(unmounted.kind).toBe('NotFound');
    expect(unmounted.message).toMatch(/nothing is mounted at/);
  });

  // Regression (csi-sanity "should fail when volume is not found" / "does not exist on the
  // specified path"): the volume path is a lookup, so a path where the volume is not is NOT_FOUND,
  // also when it is relative; only a missing path is INVALID_ARGUMENT.
  it("answers NotFound for a relative path or another volume's mount, InvalidArgument for none", async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    const pub = publishRequest(h, stage);
    await h.service.nodePublishVolume(pub);
    const expand = (volumeId: string, volumePath: string) => () =>
      h.service.nodeExpandVolume({
        volumeId,
        volumePath,
        capacityRange: { requiredBytes: gib, limitBytes: 0 },
        stagingTargetPath: '',
        volumeCapability: null,
        secrets: {},
      });
    const stats = (volumeId: string, volumePath: string) => () =>
      h.service.nodeGetVolumeStats({ volumeId, volumePath, stagingTargetPath: '' });
    for (const call of [stats, expand]) {
      for (const [volumeId, path] of [
        ['vol-1', 'some/path'],
        ['unknown-volume', 'some/path'],
        ['vol-1', `${pub.targetPath}/../../pod-a/mount`],
      ] as const) {
        const err = await driverError(call(volumeId, path));
        expect(err.kind, `${volumeId} at ${path}`).toBe('NotFound');
        expect(err.message).toMatch(/is not at .*volume paths are absolute/);
      }
      expect((await driverError(call('vol-1', ''))).kind).toBe('InvalidArgument');
    }

    h.host.kernel.addLun(iqn, 2, gib, '6589cfc000000a1b2c3d4e5f60718202');
    const other = stageRequest(h, {
      volumeId: 'vol-2',
      context: { lunId: '2', serialNumber: '6589cfc000000a1b2c3d4e5f60718202' },
    });
    await h.service.nodeStageVolume(other);
    for (const call of [stats, expand]) {
      const err = await driverError(call('vol-2', pub.targetPath));
      expect(err.kind).toBe('NotFound');
      expect(err.message).toMatch(/volume vol-2 is not at .*pod-a\/mount: .* is mounted there/);
    }
    expect((await stats('vol-1', pub.targetPath)()).usage.length).toBeGreaterThan(0);
    expect((await stats('vol-2', other.stagingTargetPath)()).usage.length).toBeGreaterThan(0);
  });

  it('reports bytes and inodes of a filesystem and a healthy condition', async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    const pub = publishRequest(h, stage);
    await h.service.nodePublishVolume(pub);
    const stats = await h.service.nodeGetVolumeStats({
      volumeId: 'vol-1',
      volumePath: pub.targetPath,
      stagingTargetPath: '',
    });
    expect(stats.usage.map((u) => u.unit)).toEqual(['BYTES', 'INODES']);
    expect(stats.usage[0]?.total).toBeGreaterThan(0);
    expect(stats.volumeCondition).toEqual({ abnormal: false, message: 'healthy: 2/2 paths active' });
  });

  it('reports the device size of a block volume', async () => {
    const stage = stageRequest(h, { block: true });
    await h.service.nodeStageVolume(stage);
    const pub = { ...publishRequest(h, stage), targetPath: join(h.dir, 'blk', 'pod') };
    await h.service.nodePublishVolume(pub);
    const stats = await h.service.nodeGetVolumeStats({
      volumeId: 'vol-1',
      volumePath: pub.targetPath,
      stagingTargetPath: '',
    });
    expect(stats.usage).toEqual([{ unit: 'BYTES', total: gib, available: 0, used: 0 }]);
  });

  it('marks the volume abnormal for a failed session, dead paths, a read-only filesystem or a lost staging mount', async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    const pub = publishRequest(h, stage);
    await h.service.nodePublishVolume(pub);
    const stats = () =>
      h.service.nodeGetVolumeStats({ volumeId: 'vol-1', volumePath: pub.targetPath, stagingTargetPath: '' });

    must(h.host.kernel.sessions[0], 'session').state = 'FAILED';
    expect((await stats()).volumeCondition).toEqual({
      abnormal: true,
      message: `session to ${iqn} at 10.0.0.1:3260 is FAILED (2/2 paths active)`,
    });
    must(h.host.kernel.sessions[0], 'session').state = 'LOGGED_IN';

    for (const d of h.host.kernel.disks.values()) {
      d.state = 'offline';
    }
    expect((await stats()).volumeCondition?.message).toMatch(/has no active path \(0\/2 paths active\)/);
    for (const d of h.host.kernel.disks.values()) {
      d.state = 'running';
    }

    must(h.host.kernel.mountsAt(pub.targetPath)[0], 'mount').superOptions = ['ro'];
    expect((await stats()).volumeCondition?.message).toMatch(/filesystem is read-only/);
    must(h.host.kernel.mountsAt(pub.targetPath)[0], 'mount').superOptions = ['rw'];

    const staged = must(h.host.kernel.mountsAt(stage.stagingTargetPath)[0], 'staging mount');
    h.host.kernel.mounts.splice(h.host.kernel.mounts.indexOf(staged), 1);
    expect((await stats()).volumeCondition?.message).toMatch(/staging mount at .* is gone/);
  });
});
