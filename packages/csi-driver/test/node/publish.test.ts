import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, driverError, type Harness, must, publishRequest, stageRequest } from './harness.js';

describe('NodePublishVolume / NodeUnpublishVolume (fake host)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('bind-mounts the staged filesystem; twice is OK; unpublish removes the mount and the directory', async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    const pub = publishRequest(h, stage);
    await h.service.nodePublishVolume(pub);
    await h.service.nodePublishVolume(pub);
    const [bind] = h.host.kernel.mountsAt(pub.targetPath);
    const [staged] = h.host.kernel.mountsAt(stage.stagingTargetPath);
    expect(h.host.kernel.mountsAt(pub.targetPath)).toHaveLength(1);
    expect([bind?.major, bind?.minor, bind?.root]).toEqual([staged?.major, staged?.minor, '/']);
    expect((await stat(pub.targetPath)).isDirectory()).toBe(true);

    await h.service.nodeUnpublishVolume({ volumeId: 'vol-1', targetPath: pub.targetPath });
    await h.service.nodeUnpublishVolume({ volumeId: 'vol-1', targetPath: pub.targetPath });
    expect(h.host.kernel.mountsAt(pub.targetPath)).toHaveLength(0);
    await expect(stat(pub.targetPath)).rejects.toThrow(/ENOENT/);
  });

  it('publishes read-only with a bind remount and refuses the same target read-write', async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    const pub = publishRequest(h, stage, 'pod-ro', true);
    await h.service.nodePublishVolume(pub);
    expect(h.host.kernel.mountsAt(pub.targetPath)[0]?.options).toContain('ro');
    await h.service.nodePublishVolume(pub);
    const err = await driverError(() => h.service.nodePublishVolume({ ...pub, readonly: false }));
    expect(err.kind).toBe('AlreadyExists');
    expect(err.message).toMatch(/published read-only; the request asks for read-write/);
  });

  it('publishes a volume staged read-only read-only even when the request does not ask', async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: stage.stagingTargetPath });
    const roStage = stageRequest(h, { context: { readOnly: 'true' } });
    await h.service.nodeStageVolume(roStage);
    expect(h.host.kernel.mountsAt(roStage.stagingTargetPath)[0]?.options[0]).toBe('ro');
    const pub = publishRequest(h, roStage, 'pod', false);
    await h.service.nodePublishVolume(pub);
    await h.service.nodePublishVolume(pub);
    expect(h.host.kernel.mountsAt(pub.targetPath)[0]?.options[0]).toBe('ro');
  });

  it('finishes a read-only publish interrupted between bind and remount', async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    const pub = publishRequest(h, stage, 'pod-ro', true);
    await h.service.nodePublishVolume({ ...pub, readonly: false });
    await h.service.nodePublishVolume(pub);
    expect(h.host.kernel.mountsAt(pub.targetPath)).toHaveLength(1);
    expect(h.host.kernel.mountsAt(pub.targetPath)[0]?.options).toContain('ro');
  });

  it('applies per-mount flags of the capability to the bind', async () => {
    const stage = stageRequest(h, { mountFlags: ['noexec', 'nosuid', 'data=ordered'] });
    await h.service.nodeStageVolume(stage);
    expect(h.host.kernel.mountsAt(stage.stagingTargetPath)[0]?.superOptions).toContain('data=ordered');
    const pub = publishRequest(h, stage);
    await h.service.nodePublishVolume(pub);
    const options = h.host.kernel.mountsAt(pub.targetPath)[0]?.options ?? [];
    expect(options).toEqual(expect.arrayContaining(['noexec', 'nosuid']));
    const shown = h.host.calls.filter((c) => c.cmd === 'mount').map((c) => c.display);
    expect(shown.some((d) => d.includes('-o <redacted>'))).toBe(true);
    expect(shown.join('\n')).not.toContain('data=ordered');
  });

  it('fails with FailedPrecondition when the volume is not staged', async () => {
    const stage = stageRequest(h);
    const err = await driverError(() => h.service.nodePublishVolume(publishRequest(h, stage)));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(/is not staged: nothing is mounted at/);
  });

  it('refuses a second target for SINGLE_NODE_SINGLE_WRITER and allows it for SINGLE_NODE_MULTI_WRITER', async () => {
    const single = stageRequest(h, { mode: 'SINGLE_NODE_SINGLE_WRITER' });
    await h.service.nodeStageVolume(single);
    await h.service.nodePublishVolume(publishRequest(h, single, 'pod-a'));
    const err = await driverError(() => h.service.nodePublishVolume(publishRequest(h, single, 'pod-b')));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(/SINGLE_NODE_SINGLE_WRITER and already published at/);

    const multi = {
      ...single,
      volumeCapability: { ...single.volumeCapability, accessMode: { mode: 'SINGLE_NODE_MULTI_WRITER' as const } },
    };
    await h.service.nodePublishVolume(publishRequest(h, multi, 'pod-b'));
    expect(h.host.kernel.mounts).toHaveLength(3);
  });

  it('binds a block device onto a file it creates; read-only goes through a read-only loop it releases', async () => {
    const stage = stageRequest(h, { block: true });
    await h.service.nodeStageVolume(stage);
    const dm = [...h.host.kernel.maps.keys()][0];
    const rw = { ...publishRequest(h, stage, 'pod-rw'), targetPath: join(h.dir, 'publish', 'vol-1', 'pod-rw') };
    const ro = { ...publishRequest(h, stage, 'pod-ro', true), targetPath: join(h.dir, 'publish', 'vol-1', 'pod-ro') };
    for (const p of [rw, rw, ro, ro]) {
      await h.service.nodePublishVolume(p);
    }
    const [rwBind] = h.host.kernel.mountsAt(rw.targetPath);
    const [roBind] = h.host.kernel.mountsAt(ro.targetPath);
    expect([rwBind?.fsType, rwBind?.root]).toEqual(['devtmpfs', `/${dm}`]);
    expect([roBind?.fsType, roBind?.root, roBind?.options[0]]).toEqual(['devtmpfs', '/loop0', 'ro']);
    expect(h.host.kernel.loops.get('loop0')).toEqual({ backing: dm, readOnly: true, minor: 0 });
    expect((await stat(ro.targetPath)).isFile()).toBe(true);
    expect((await driverError(() => h.service.nodePublishVolume({ ...ro, readonly: false }))).kind).toBe(
      'AlreadyExists',
    );

    const busy = await driverError(() =>
      h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: stage.stagingTargetPath }),
    );
    expect(busy.message).toContain(ro.targetPath);
    for (const p of [ro, rw]) {
      await h.service.nodeUnpublishVolume({ volumeId: 'vol-1', targetPath: p.targetPath });
      await h.service.nodeUnpublishVolume({ volumeId: 'vol-1', targetPath: p.targetPath });
      await expect(stat(p.targetPath)).rejects.toThrow(/ENOENT/);
    }
    expect(h.host.kernel.loops.size).toBe(0);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: stage.stagingTargetPath });
    expect(h.host.kernel.maps.size).toBe(0);
  });

  it('releases a read-only loop left behind by a crash when the volume is unstaged', async () => {
    const stage = stageRequest(h, { block: true });
    await h.service.nodeStageVolume(stage);
    h.host.kernel.addLoop([...h.host.kernel.maps.keys()][0] ?? '', true);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: stage.stagingTargetPath });
    expect(h.host.kernel.loops.size).toBe(0);
    expect(h.host.kernel.maps.size).toBe(0);
  });

  it('refuses a target that already holds something else', async () => {
    const stage = stageRequest(h);
    await h.service.nodeStageVolume(stage);
    const pub = publishRequest(h, stage);
    await h.service.nodePublishVolume(pub);
    must(h.host.kernel.mountsAt(pub.targetPath)[0], 'mount').root = '/other';
    const err = await driverError(() => h.service.nodePublishVolume(pub));
    expect(err.kind).toBe('AlreadyExists');
  });

  it.each([
    [{ targetPath: '' }, 'InvalidArgument', /targetPath not provided/],
    [{ stagingTargetPath: '' }, 'InvalidArgument', /stagingTargetPath not provided/],
    [{ volumeCapability: null }, 'InvalidArgument', /volumeCapability not provided/],
  ])('validates its request %#', async (override, kind, message) => {
    const err = await driverError(() =>
      h.service.nodePublishVolume({ ...publishRequest(h, stageRequest(h)), ...override }),
    );
    expect(err.kind).toBe(kind);
    expect(err.message).toMatch(message);
  });
});
