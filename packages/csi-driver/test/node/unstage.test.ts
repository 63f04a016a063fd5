import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, driverError, gib, type Harness, iqn, publishRequest, stageRequest } from './harness.js';

const lun2Serial = '6589cfc000000a1b2c3d4e5f60718202';

describe('NodeUnstageVolume (fake host)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  function expectHostClean() {
    const k = h.host.kernel;
    expect(k.sessions).toHaveLength(0);
    expect(k.records.size).toBe(0);
    expect(k.disks.size).toBe(0);
    expect(k.maps.size).toBe(0);
    expect(k.mounts).toHaveLength(0);
  }

  it('unmounts, flushes the map, deletes the paths, logs out and forgets the volume; twice is OK', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expectHostClean();
    expect(await h.store.get('vol-1')).toBeUndefined();
    expect(h.host.commandsRun('multipath', (a) => a[0] === '-f')).toBe(1);
    expect(h.host.commandsRun('dmsetup')).toBe(0);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expectHostClean();
  });

  it('returns OK when nothing was ever staged', async () => {
    await h.service.nodeUnstageVolume({ volumeId: 'never', stagingTargetPath: `${h.dir}/staging/never` });
    expect(h.host.calls.filter((c) => c.cmd !== 'iscsiadm')).toHaveLength(0);
  });

  it('shares one session between two LUNs of a target and keeps it until the last one goes', async () => {
    h.host.kernel.addLun(iqn, 2, gib, lun2Serial);
    const one = stageRequest(h, { volumeId: 'vol-1' });
    const two = stageRequest(h, { volumeId: 'vol-2', context: { lunId: '2', serialNumber: lun2Serial } });
    await h.service.nodeStageVolume(one);
    await h.service.nodeStageVolume(two);
    expect(h.host.commandsRun('iscsiadm', (a) => a.includes('--login'))).toBe(2);
    expect(h.host.kernel.sessions).toHaveLength(2);
    expect(h.host.kernel.maps.size).toBe(2);

    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: one.stagingTargetPath });
    expect(h.host.kernel.sessions).toHaveLength(2);
    expect([...h.host.kernel.disks.values()].map((d) => d.lun)).toEqual([2, 2]);
    expect(h.host.commandsRun('iscsiadm', (a) => a.includes('--logout'))).toBe(0);

    await h.service.nodeUnstageVolume({ volumeId: 'vol-2', stagingTargetPath: two.stagingTargetPath });
    expectHostClean();
  });

  it('never logs out of a group-scoped target', async () => {
    const req = stageRequest(h, { context: { targetScope: 'group' } });
    await h.service.nodeStageVolume(req);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expect(h.host.kernel.disks.size).toBe(0);
    expect(h.host.kernel.maps.size).toBe(0);
    expect(h.host.kernel.sessions).toHaveLength(2);
  });

  it('refuses while the volume is still published, and keeps everything', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    const pub = publishRequest(h, req);
    await h.service.nodePublishVolume(pub);
    const err = await driverError(() =>
      h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath }),
    );
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toContain(`still published at ${pub.targetPath}`);
    expect(h.host.kernel.mountsAt(req.stagingTargetPath)).toHaveLength(1);
    expect((await h.store.get('vol-1'))?.phase).toBe('staged');
  });

  it('reports a map held by something else and converges once it is released', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    const dm = [...h.host.kernel.maps.keys()][0] ?? '';
    h.host.files.extraHolders.set(dm, ['dm-9']);
    const err = await driverError(() =>
      h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath }),
    );
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toBe(`multipath map ${dm} is still held by dm-9`);
    expect(h.host.kernel.maps.size).toBe(1);
    expect((await h.store.get('vol-1'))?.phase).toBe('detaching');
    h.host.files.extraHolders.clear();
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expectHostClean();
  });

  it('retries "map in use" from multipath -f and reports it when it persists', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    const inUse = { code: 1, stderr: 'Jan 01 00:00:00 | mpatha: map in use\n' };
    h.host.inject((cmd, args) => cmd === 'multipath' && args[0] === '-f', inUse, 2);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expectHostClean();

    await h.service.nodeStageVolume(req);
    h.host.inject((cmd, args) => cmd === 'multipath' && args[0] === '-f', inUse, 10);
    const err = await driverError(() =>
      h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath }),
    );
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(/^multipath -f mpath\w exited 1: Jan 01 00:00:00 \| mpatha: map in use/);
    expect(h.host.kernel.disks.size).toBe(2);
  });

  it('retries a busy unmount, and reports one that stays busy', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    h.host.fs.busy.set(req.stagingTargetPath, 2);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expectHostClean();

    await h.service.nodeStageVolume(req);
    h.host.fs.busy.set(req.stagingTargetPath, 100);
    const err = await driverError(() =>
      h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath }),
    );
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(
      /still mounted after 3 unmount attempts: umount .* exited 32: umount: .*: target is busy\./,
    );
    expect(h.host.kernel.sessions).toHaveLength(2);
  });

  it('disables queueing before flushing a map whose paths are all gone (no hang)', async () => {
    const req = stageRequest(h, { block: true });
    await h.service.nodeStageVolume(req);
    for (const disk of h.host.kernel.disks.values()) {
      disk.state = 'offline';
    }
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expect(h.host.commandsRun('multipathd', (a) => a[0] === 'disablequeueing')).toBe(1);
    expectHostClean();
  });

  it('adopts a staged mount whose state file was lost, and tears it down', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    await h.store.remove('vol-1');
    await h.restart().nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expect(h.host.kernel.mounts).toHaveLength(0);
    expect(h.host.kernel.maps.size).toBe(0);
    expect(h.host.kernel.disks.size).toBe(0);
    // Adopted records are group-scoped: the sessions stay rather than risk another volume's.
    expect(h.host.kernel.sessions).toHaveLength(2);
  });

  it('rejects a missing staging path with InvalidArgument', async () => {
    const err = await driverError(() => h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: '' }));
    expect(err.kind).toBe('InvalidArgument');
    expect(err.message).toBe('stagingTargetPath not provided');
  });
});
