// The NVMe/TCP transport on the FakeHost: every port connected with the host's NQN and id, the
// namespace found by NQN + NSID and verified by NGUID/UUID, the shared filesystem code, DH-CHAP
// from the node-stage secret (never shown), native multipath policy, disconnect only when no other
// namespace of the subsystem is in use, rescan on expand, path states in the volume condition.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, driverError, type Harness, must, publishRequest, stageRequest } from './harness.js';

const nqn = 'nqn.2011-06.com.truenas:uuid:5a1c2f3e-0000-4000-8000-000000000001:pvc-nvme';
const hostnqn = 'nqn.2014-08.org.nvmexpress:uuid:0f6e7a46-3c2b-4f8a-9d1e-2b5c7a9e8f01';
const hostid = '0f6e7a46-3c2b-4f8a-9d1e-2b5c7a9e8f01';
const nguid = '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';
const uuid = '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b';
const key = `DHHC-1:00:${Buffer.alloc(36, 5).toString('base64')}:`;
const ctrlKey = `DHHC-1:00:${Buffer.alloc(36, 6).toString('base64')}:`;
const gib = 1024 ** 3;

function nvmeContext(overrides: Record<string, string> = {}) {
  return {
    accessProtocol: 'nvmetcp',
    targetNames: nqn,
    discoveryIps: '10.0.0.1,10.0.0.2',
    lunId: '1',
    serialNumber: nguid.replaceAll('-', ''),
    namespaceUuid: uuid,
    dhchap: 'none',
    targetScope: 'volume',
    ...overrides,
  };
}

function connects(h: Harness): string[][] {
  return h.host.calls.filter((c) => c.cmd === 'nvme' && c.args[0] === 'connect').map((c) => c.args);
}

describe('NVMe/TCP transport', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness('required');
    const nvme = h.host.kernel.nvme;
    nvme.hostnqnFile = `${hostnqn}\n`;
    nvme.hostidFile = `${hostid}\n`;
    nvme.addSubsystem(nqn, ['10.0.0.1:4420', '10.0.0.2:4420'], hostnqn);
    nvme.addNamespace(nqn, 1, gib, nguid, uuid);
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('connects every port with the host identity, verifies the namespace, formats and mounts it once', async () => {
    expect((await h.service.nodeGetInfo()).nodeId).toBe(`worker-1;iqn.1993-08.org.debian:01:fakenode01,${hostnqn}`);
    const req = stageRequest(h, { context: nvmeContext() });
    await h.service.nodeStageVolume(req);
    expect(h.host.commandsRun('modprobe')).toBe(1);
    expect(connects(h)).toEqual(
      ['10.0.0.1', '10.0.0.2'].map((ip) => [
        'connect',
        '--transport=tcp',
        `--traddr=${ip}`,
        '--trsvcid=4420',
        `--nqn=${nqn}`,
        `--hostnqn=${hostnqn}`,
        `--hostid=${hostid}`,
        '--ctrl-loss-tmo=1800',
        '--reconnect-delay=5',
      ]),
    );
    const mount = must(h.host.kernel.mountsAt(req.stagingTargetPath)[0], 'staging mount');
    expect(mount).toMatchObject({ source: '/dev/nvme0n1', fsType: 'ext4', major: 259 });
    expect(h.host.fs.mkfsCount).toBe(1);
    await h.service.nodeStageVolume(req);
    expect(connects(h)).toHaveLength(2);
    expect(h.host.kernel.mountsAt(req.stagingTargetPath)).toHaveLength(1);
    const stats = await h.service.nodeGetVolumeStats({
      volumeId: 'vol-1',
      volumePath: req.stagingTargetPath,
      stagingTargetPath: '',
    });
    expect(stats.volumeCondition).toEqual({ abnormal: false, message: 'healthy: 2/2 paths live' });
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expect(h.host.calls.filter((c) => c.cmd === 'nvme' && c.args[0] === 'disconnect').map((c) => c.args[1])).toEqual([
      '--device=nvme0',
      '--device=nvme1',
    ]);
    expect(h.host.kernel.nvme.controllers.size).toBe(0);
    expect(h.host.kernel.mounts).toEqual([]);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
  });

  it('refuses a namespace whose NGUID or UUID is not the published one, before any mkfs', async () => {
    const wrongNguid = stageRequest(h, { context: nvmeContext({ serialNumber: 'ff'.repeat(16) }) });
    const err = await driverError(() => h.service.nodeStageVolume(wrongNguid));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(
      /has NGUID 2b3c4d5e6f70418293a4b5c6d7e8f901, the array published ffff.*refusing to use it/,
    );
    const wrongUuid = stageRequest(h, {
      volumeId: 'vol-2',
      context: nvmeContext({ namespaceUuid: uuid.replace('7e', '00') }),
    });
    expect((await driverError(() => h.service.nodeStageVolume(wrongUuid))).message).toMatch(/UUID/);
    expect(h.host.fs.mkfsCount).toBe(0);
    expect(h.host.kernel.mounts).toEqual([]);
  });

  it('passes DH-CHAP from the node-stage secret, never shows it, and demands it when the array does', async () => {
    const sub = must(h.host.kernel.nvme.array.get(nqn), 'subsystem');
    sub.dhchapKey = key;
    sub.dhchapCtrlKey = ctrlKey;
    const missing = stageRequest(h, { context: nvmeContext({ dhchap: 'bidirectional' }) });
    const noKey = await driverError(() => h.service.nodeStageVolume(missing));
    expect(noKey.kind).toBe('FailedPrecondition');
    expect(noKey.message).toMatch(/demands DH-CHAP.*dhchapKey and dhchapCtrlKey/);
    expect(connects(h)).toEqual([]);
    const wrong = stageRequest(h, {
      context: nvmeContext({ dhchap: 'bidirectional' }),
      secrets: { dhchapKey: ctrlKey, dhchapCtrlKey: key },
    });
    expect((await driverError(() => h.service.nodeStageVolume(wrong))).kind).toBe('Unauthenticated');
    expect(h.host.kernel.nvme.controllers.size).toBe(0);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: wrong.stagingTargetPath });
    const good = stageRequest(h, {
      context: nvmeContext({ dhchap: 'bidirectional' }),
      secrets: { dhchapKey: key, dhchapCtrlKey: ctrlKey },
    });
    await h.service.nodeStageVolume(good);
    const shown = h.host.calls.filter((c) => c.cmd === 'nvme').map((c) => c.display);
    expect(shown.join('\n')).not.toContain(key.slice(10, 40));
    expect(shown.join('\n')).not.toContain(ctrlKey.slice(10, 40));
    expect(connects(h).at(-1)).toEqual(
      expect.arrayContaining([`--dhchap-secret=${key}`, `--dhchap-ctrl-secret=${ctrlKey}`]),
    );
    const bad = stageRequest(h, { volumeId: 'vol-x', context: nvmeContext(), secrets: { dhchapKey: 'not a key' } });
    expect((await driverError(() => h.service.nodeStageVolume(bad))).message).toMatch(/secrets\.dhchapKey/);
  });

  it('needs native multipath for several ports under `required`, and uses one port otherwise', async () => {
    h.host.kernel.nvme.multipath = false;
    h.host.kernel.nvme.moduleLoaded = true;
    const req = stageRequest(h, { context: nvmeContext() });
    const err = await driverError(() => h.service.nodeStageVolume(req));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(/nvme_core\.multipath=N/);
    expect(connects(h)).toEqual([]);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    const preferred = await createHarness('preferred');
    try {
      const nvme = preferred.host.kernel.nvme;
      Object.assign(nvme, { hostnqnFile: `${hostnqn}\n`, multipath: false, moduleLoaded: true });
      nvme.addSubsystem(nqn, ['10.0.0.1:4420', '10.0.0.2:4420'], hostnqn);
      nvme.addNamespace(nqn, 1, gib, nguid, uuid);
      await preferred.service.nodeStageVolume(stageRequest(preferred, { context: nvmeContext() }));
      expect(connects(preferred)).toHaveLength(1);
    } finally {
      await preferred.cleanup();
    }
  });

  it('stages with the ports that answer and fails clearly when the target refuses the host', async () => {
    const sub = must(h.host.kernel.nvme.array.get(nqn), 'subsystem');
    sub.ports = ['10.0.0.2:4420'];
    const req = stageRequest(h, { context: nvmeContext() });
    await h.service.nodeStageVolume(req);
    const stats = await h.service.nodeGetVolumeStats({
      volumeId: 'vol-1',
      volumePath: req.stagingTargetPath,
      stagingTargetPath: '',
    });
    expect(stats.volumeCondition).toEqual({
      abnormal: false,
      message: 'healthy: 1/2 paths live; path 10.0.0.1:4420 is not connected',
    });
    sub.allowedHost = 'nqn.2014-08.org.example:someone-else';
    const other = stageRequest(h, { volumeId: 'vol-2', context: nvmeContext({ targetNames: nqn }) });
    h.host.kernel.nvme.controllers.clear();
    h.host.kernel.nvme.heads.clear();
    h.host.kernel.nvme.subsystems.clear();
    const refused = await driverError(() => h.service.nodeStageVolume(other));
    expect(refused.kind).toBe('FailedPrecondition');
    expect(refused.message).toMatch(/target refused the connection/);
  });

  it('keeps the subsystem connected while another of its namespaces is staged, disconnects after the last', async () => {
    h.host.kernel.nvme.addNamespace(
      nqn,
      2,
      gib,
      '9a8b7c6d-5e4f-4031-8231-40516273849a',
      '11111111-2222-4333-8444-555555555555',
    );
    const one = stageRequest(h, { volumeId: 'vol-1', context: nvmeContext() });
    const two = stageRequest(h, {
      volumeId: 'vol-2',
      block: true,
      context: nvmeContext({
        lunId: '2',
        serialNumber: '9a8b7c6d5e4f4031823140516273849a',
        namespaceUuid: '11111111-2222-4333-8444-555555555555',
      }),
    });
    await h.service.nodeStageVolume(one);
    await h.service.nodeStageVolume(two);
    expect(connects(h)).toHaveLength(2);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: one.stagingTargetPath });
    expect(h.host.kernel.nvme.controllers.size).toBe(2);
    await h.service.nodePublishVolume(publishRequest(h, two));
    await h.service.nodeUnpublishVolume({ volumeId: 'vol-2', targetPath: publishRequest(h, two).targetPath });
    await h.service.nodeUnstageVolume({ volumeId: 'vol-2', stagingTargetPath: two.stagingTargetPath });
    expect(h.host.kernel.nvme.controllers.size).toBe(0);
  });

  it('rescans every live controller on expand and grows the filesystem online', async () => {
    const req = stageRequest(h, { context: nvmeContext() });
    await h.service.nodeStageVolume(req);
    must(h.host.kernel.nvme.array.get(nqn)?.namespaces.get(1), 'namespace').size = 2 * gib;
    const answer = await h.service.nodeExpandVolume({
      volumeId: 'vol-1',
      volumePath: req.stagingTargetPath,
      capacityRange: { requiredBytes: 2 * gib, limitBytes: 0 },
      stagingTargetPath: req.stagingTargetPath,
      volumeCapability: req.volumeCapability,
      secrets: {},
    });
    expect(Number(answer.capacityBytes)).toBe(2 * gib);
    expect(h.host.calls.filter((c) => c.cmd === 'nvme' && c.args[0] === 'ns-rescan').map((c) => c.args[1])).toEqual([
      '/dev/nvme0',
      '/dev/nvme1',
    ]);
    expect(h.host.commandsRun('resize2fs')).toBe(1);
  });

  it('reports paths that left the live state, and no live path as abnormal', async () => {
    const req = stageRequest(h, { context: nvmeContext() });
    await h.service.nodeStageVolume(req);
    const path = { volumeId: 'vol-1', volumePath: req.stagingTargetPath, stagingTargetPath: '' };
    must(h.host.kernel.nvme.controllers.get('nvme0'), 'nvme0').state = 'connecting';
    expect((await h.service.nodeGetVolumeStats(path)).volumeCondition).toEqual({
      abnormal: false,
      message: 'healthy: 1/2 paths live; path 10.0.0.1:4420 is connecting (nvme0)',
    });
    must(h.host.kernel.nvme.controllers.get('nvme1'), 'nvme1').state = 'connecting';
    expect((await h.service.nodeGetVolumeStats(path)).volumeCondition?.abnormal).toBe(true);
  });

  it('adopts a staged NVMe mount after the state file is lost, and tears it down', async () => {
    const req = stageRequest(h, { context: nvmeContext() });
    await h.service.nodeStageVolume(req);
    await h.store.remove('vol-1');
    await h.restart().nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    expect(h.host.kernel.mounts).toEqual([]);
    expect(h.host.kernel.nvme.controllers.size).toBe(0);
  });

  it('checks the publish context and the host identity before changing anything', async () => {
    for (const [context, problem] of [
      [{ targetNames: 'iqn.2005-10.org.freenas.ctl:x' }, /one subsystem NQN/],
      [{ lunId: '0' }, /namespace id/],
      [{ serialNumber: '6589cfc000000a1b' }, /NGUID/],
      [{ discoveryIps: '10.0.0.1:x' }, /invalid address/],
      [{ dhchap: 'maybe' }, /none, host or bidirectional/],
    ] as const) {
      const err = await driverError(() =>
        h.service.nodeStageVolume(stageRequest(h, { context: nvmeContext(context) })),
      );
      expect(err.kind).toBe('InvalidArgument');
      expect(err.message).toMatch(problem);
    }
    h.host.kernel.nvme.hostnqnFile = undefined;
    const noHost = await driverError(() => h.service.nodeStageVolume(stageRequest(h, { context: nvmeContext() })));
    expect(noHost.message).toMatch(/no NVMe host NQN/);
    expect(h.host.calls.filter((c) => c.cmd === 'nvme')).toEqual([]);
  });
});

describe('NodeGetInfo with an NVMe identity', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('adds the host NQN beside the IQN, serves NVMe-only nodes, and refuses a malformed identity', async () => {
    const nvme = h.host.kernel.nvme;
    expect((await h.service.nodeGetInfo()).nodeId).toBe('worker-1;iqn.1993-08.org.debian:01:fakenode01');
    nvme.hostnqnFile = `# generated by nvme gen-hostnqn\n${hostnqn}\n`;
    nvme.hostidFile = `${hostid}\n`;
    expect((await h.service.nodeGetInfo()).nodeId).toBe(`worker-1;iqn.1993-08.org.debian:01:fakenode01,${hostnqn}`);
    h.host.files.initiatorFile = undefined;
    expect((await h.service.nodeGetInfo()).nodeId).toBe(`worker-1;${hostnqn}`);
    nvme.hostidFile = 'not-a-uuid\n';
    const badId = await driverError(() => h.service.nodeGetInfo());
    expect(badId.kind).toBe('FailedPrecondition');
    expect(badId.message).toMatch(/\/etc\/nvme\/hostid holds "not-a-uuid", which is not a UUID/);
    nvme.hostnqnFile = 'iqn.2020-01.x:y\n';
    expect((await driverError(() => h.service.nodeGetInfo())).message).toMatch(/hostnqn .*not an NVMe qualified name/);
    nvme.hostnqnFile = undefined;
    expect((await driverError(() => h.service.nodeGetInfo())).message).toMatch(/no iSCSI initiator name|initiatorname/);
  });
});
