import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, driverError, type Harness, iqn, must, stageRequest } from './harness.js';

describe('NodeStageVolume (fake host)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('logs in on every portal, builds the map, formats once and mounts the map', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    const k = h.host.kernel;
    expect(k.sessions.map((s) => s.portal).sort()).toEqual(['10.0.0.1:3260', '10.0.0.2:3260']);
    expect([...k.maps.values()]).toHaveLength(1);
    const map = [...k.maps.values()][0];
    expect(map?.slaves).toHaveLength(2);
    expect(h.host.fs.mkfsCount).toBe(1);
    expect(k.mountsAt(req.stagingTargetPath)).toHaveLength(1);
    expect(k.mountsAt(req.stagingTargetPath)[0]?.source).toBe(`/dev/mapper/${map?.name}`);
    for (const record of k.records.values()) {
      expect(record.get('node.startup')).toBe('manual');
      expect(record.get('node.session.scan')).toBe('manual');
    }
    expect(h.host.files.scans.every((s) => s === '- - 1')).toBe(true);
    expect((await h.store.get('vol-1'))?.phase).toBe('staged');
  });

  it('stages through an IPv6 portal (udev writes the address without brackets)', async () => {
    const v6 = 'iqn.2000-01.com.synology:ds920.Target-1.76fd697e949';
    h.host.kernel.addTarget(v6, ['[fd00:10::5]:3260']);
    h.host.kernel.addLun(v6, 3, 2 * 1024 ** 3, '60014058f9c1e2d3a4b5c6d7e8f90a1b');
    const req = stageRequest(h, {
      volumeId: 'vol-v6',
      context: {
        targetNames: v6,
        discoveryIps: 'fd00:10::5',
        lunId: '3',
        serialNumber: '60014058f9c1e2d3a4b5c6d7e8f90a1b',
      },
    });
    await h.service.nodeStageVolume(req);
    expect(h.host.kernel.sessions.map((s) => s.portal)).toEqual(['[fd00:10::5]:3260']);
    expect(h.host.kernel.mountsAt(req.stagingTargetPath)).toHaveLength(1);
  });

  it('is idempotent: a second stage changes nothing', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    const logins = h.host.commandsRun('iscsiadm', (a) => a.includes('--login'));
    await h.service.nodeStageVolume(req);
    expect(h.host.commandsRun('iscsiadm', (a) => a.includes('--login'))).toBe(logins);
    expect(h.host.fs.mkfsCount).toBe(1);
    expect(h.host.kernel.mountsAt(req.stagingTargetPath)).toHaveLength(1);
  });

  it('mounts xfs with nouuid and never reformats an existing filesystem of the same type', async () => {
    const req = stageRequest(h, { fsType: 'xfs' });
    await h.service.nodeStageVolume(req);
    const mount = h.host.kernel.mountsAt(req.stagingTargetPath)[0];
    expect(mount?.superOptions).toContain('nouuid');
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    await h.service.nodeStageVolume(req);
    expect(h.host.fs.mkfsCount).toBe(1);
  });

  it('refuses to reformat a device that holds another filesystem', async () => {
    await h.service.nodeStageVolume(stageRequest(h, { fsType: 'ext4' }));
    const req = stageRequest(h, { fsType: 'ext4' });
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    const err = await driverError(() => h.service.nodeStageVolume(stageRequest(h, { fsType: 'btrfs' })));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(/already holds ext4 but the volume asks for btrfs; refusing to reformat/);
    expect(h.host.fs.mkfsCount).toBe(1);
    expect(h.host.kernel.mounts).toHaveLength(0);
  });

  it('formats nothing when blkid finds no signature but the device cannot be read', async () => {
    h.host.inject((cmd) => cmd === 'dd', {
      code: 1,
      stderr: "dd: error reading '/dev/mapper/mpatha': Input/output error",
    });
    const err = await driverError(() => h.service.nodeStageVolume(stageRequest(h)));
    expect(err.kind).toBe('Unavailable');
    expect(err.message).toMatch(
      /^\/dev\/mapper\/\S+ cannot be read \(dd: error reading .*\) although blkid found no signature; not formatting it$/,
    );
    expect(h.host.fs.mkfsCount).toBe(0);
    await h.service.nodeStageVolume(stageRequest(h));
    expect(h.host.fs.mkfsCount).toBe(1);
  });

  it('stages a block volume without formatting or mounting', async () => {
    const req = stageRequest(h, { block: true });
    await h.service.nodeStageVolume(req);
    expect(h.host.fs.mkfsCount).toBe(0);
    expect(h.host.kernel.mounts).toHaveLength(0);
    expect((await h.store.get('vol-1'))?.accessType).toBe('block');
    await h.service.nodeStageVolume(req);
    expect(h.host.commandsRun('iscsiadm', (a) => a.includes('--login'))).toBe(2);
  });

  it('logs in with one-way and mutual CHAP and never shows the secrets', async () => {
    const chap = {
      user: 'node-user',
      password: 'one-way-secret-1',
      mutualUser: 'tgt-user',
      mutualPassword: 'mutual-secret-22',
    };
    must(h.host.kernel.targets.get(iqn), 'target').chap = chap;
    const secrets = {
      chapUser: chap.user,
      chapPassword: chap.password,
      chapMutualUser: chap.mutualUser,
      chapMutualPassword: chap.mutualPassword,
    };
    await h.service.nodeStageVolume(stageRequest(h, { secrets }));
    const record = [...h.host.kernel.records.values()][0];
    expect(record?.get('node.session.auth.authmethod')).toBe('CHAP');
    expect(record?.get('node.session.auth.password_in')).toBe(chap.mutualPassword);
    const shown = h.host.calls.map((c) => c.display).join('\n');
    for (const value of Object.values(chap)) {
      expect(shown).not.toContain(value);
    }
    expect(await readStateText(h)).not.toMatch(/secret/);
  });

  it('reports a CHAP failure as Unauthenticated with the iscsiadm exit code, without the password', async () => {
    must(h.host.kernel.targets.get(iqn), 'target').chap = { user: 'node-user', password: 'right-password-1' };
    const err = await driverError(() =>
      h.service.nodeStageVolume(
        stageRequest(h, { secrets: { chapUser: 'node-user', chapPassword: 'wrong-password-2' } }),
      ),
    );
    expect(err.kind).toBe('Unauthenticated');
    expect(err.message).toMatch(/CHAP authentication failed.*iscsiadm .*--login exited 24: /);
    expect(err.message).not.toContain('wrong-password-2');
    expect(h.host.kernel.sessions).toHaveLength(0);
    expect(h.host.kernel.records.size).toBe(0);
  });

  it('says iscsid is not running when iscsiadm exits 20', async () => {
    h.host.iscsidUp = false;
    const err = await driverError(() => h.service.nodeStageVolume(stageRequest(h)));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(
      /^iscsid not running on the host: iscsiadm -m node -T \S+ -p \S+ -o new exited 20: iscsiadm: can not connect/,
    );
  });

  it('treats "session exists" (15) from a racing login as success', async () => {
    // Another process logs in between our session check and our login.
    h.host.inject(
      (cmd, args) => cmd === 'iscsiadm' && args.includes('--login'),
      () => {
        h.host.kernel.newSession(iqn, '10.0.0.1:3260');
        return { code: 15, stderr: 'iscsiadm: default: 1 session requested, but 1 already present.\n' };
      },
    );
    await h.service.nodeStageVolume(stageRequest(h));
    expect(h.host.kernel.sessions).toHaveLength(2);
    expect(h.host.kernel.records.size).toBe(2);
    expect([...h.host.kernel.maps.values()][0]?.slaves).toHaveLength(2);
  });

  it('waits for by-path links that udev creates late, and names udev when they never come', async () => {
    h.host.kernel.udevDelayPolls = 8;
    await h.service.nodeStageVolume(stageRequest(h));
    expect((await h.store.get('vol-1'))?.phase).toBe('staged');

    const other = await createHarness();
    try {
      other.host.kernel.udevDelayPolls = 1_000_000;
      const err = await driverError(() => other.service.nodeStageVolume(stageRequest(other)));
      expect(err.kind).toBe('DeadlineExceeded');
      expect(err.message).toMatch(/udev created no \/dev\/disk\/by-path\/ip-10\.0\.0\.1:3260-iscsi-.*-lun-1 for sd/);
    } finally {
      await other.cleanup();
    }
  });

  it('reports a LUN that never appears after the targeted scan', async () => {
    const err = await driverError(() => h.service.nodeStageVolume(stageRequest(h, { context: { lunId: '7' } })));
    expect(err.kind).toBe('DeadlineExceeded');
    expect(err.message).toMatch(
      /LUN 7 of .* did not appear on iSCSI session \d+ .*is the LUN mapped to this initiator\?/,
    );
    expect(h.host.files.scans.every((s) => s === '- - 7')).toBe(true);
  });

  it('turns a hung iscsiadm into DeadlineExceeded', async () => {
    h.host.inject((cmd, args) => cmd === 'iscsiadm' && args.includes('--login'), { code: -1, timedOut: true }, 2);
    const err = await driverError(() => h.service.nodeStageVolume(stageRequest(h)));
    expect(err.kind).toBe('DeadlineExceeded');
    expect(err.message).toMatch(/--login timed out and was killed/);
  });

  it('rejects a device whose WWID is not the volume serial, after one stale-device rescan', async () => {
    const err = await driverError(() =>
      h.service.nodeStageVolume(stageRequest(h, { context: { serialNumber: '6589cfc0000000000000000000009999' } })),
    );
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(
      /has WWID naa\.6589cfc000000a1b2c3d4e5f60718201 .*serialNumber is 6589cfc0000000000000000000009999/,
    );
    expect(h.host.fs.mkfsCount).toBe(0);
  });

  it('requires the multipath map when the policy says so and names multipathd', async () => {
    h.host.kernel.multipathdRunning = false;
    const err = await driverError(() => h.service.nodeStageVolume(stageRequest(h)));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(/is multipathd running with find_multipaths "no"/);
    expect(h.host.fs.mkfsCount).toBe(0);
  });

  it('answers ABORTED to a concurrent stage of the same volume', async () => {
    const req = stageRequest(h);
    const results = await Promise.allSettled([h.service.nodeStageVolume(req), h.service.nodeStageVolume(req)]);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason.kind).toBe('Aborted');
    await h.service.nodeStageVolume(req);
    expect(h.host.fs.mkfsCount).toBe(1);
  });

  it.each([
    [{ volumeId: '' }, /volumeId not provided/],
    [{ stagingTargetPath: '' }, /stagingTargetPath not provided/],
    [{ stagingTargetPath: 'relative/path' }, /stagingTargetPath must be an absolute path/],
    [{ volumeCapability: null }, /volumeCapability not provided/],
    [
      { publishContext: { accessProtocol: 'iscsi', targetNames: iqn, discoveryIps: '10.0.0.1', lunId: 'x' } },
      /publishContext.lunId/,
    ],
    [
      { publishContext: { accessProtocol: 'iscsi', targetNames: 'not-an-iqn', discoveryIps: '10.0.0.1', lunId: '1' } },
      /publishContext.targetNames/,
    ],
    [
      { publishContext: { accessProtocol: 'iscsi', targetNames: iqn, discoveryIps: '', lunId: '1' } },
      /publishContext.discoveryIps not provided/,
    ],
    [{ publishContext: { accessProtocol: 'nvme-tcp' } }, /accessProtocol "nvme-tcp" is not supported/],
    [{ secrets: { chapUser: 'only-user' } }, /chapUser and chapPassword must be set together/],
  ])('rejects bad input %# with InvalidArgument and touches nothing', async (override, message) => {
    const err = await driverError(() => h.service.nodeStageVolume({ ...stageRequest(h), ...override }));
    expect(err.kind).toBe('InvalidArgument');
    expect(err.message).toMatch(message);
    expect(h.host.calls).toHaveLength(0);
  });

  it('rejects fsCreateOptions that would force a reformat', async () => {
    const err = await driverError(() =>
      h.service.nodeStageVolume(stageRequest(h, { fsType: 'xfs', context: { fsCreateOptions: '-f -K' } })),
    );
    expect(err.kind).toBe('InvalidArgument');
    expect(err.message).toMatch(/fsCreateOptions must not contain -f/);
  });

  it('refuses multi-node writers on a filesystem and a blank read-only volume', async () => {
    const multi = await driverError(() =>
      h.service.nodeStageVolume(stageRequest(h, { mode: 'MULTI_NODE_MULTI_WRITER' })),
    );
    expect(multi.kind).toBe('FailedPrecondition');
    const ro = await driverError(() => h.service.nodeStageVolume(stageRequest(h, { context: { readOnly: 'true' } })));
    expect(ro.kind).toBe('FailedPrecondition');
    expect(ro.message).toMatch(/is blank and the volume is read-only/);
  });

  it('passes fsCreateOptions to mkfs and applies fsOwner/fsMode once, to a new filesystem only', async () => {
    const req = stageRequest(h, {
      context: { fsCreateOptions: "-L 'my data' -E nodiscard", fsOwner: '1000:2000', fsMode: '0770' },
    });
    await h.service.nodeStageVolume(req);
    const mkfs = h.host.calls.find((c) => c.cmd === 'mkfs.ext4');
    expect(mkfs?.args).toEqual(['-q', '-m', '0', '-L', 'my data', '-E', 'nodiscard', '/dev/mapper/mpatha']);
    const st = await stat(req.stagingTargetPath);
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([1000, 2000, 0o770]);
    await h.service.nodeUnstageVolume({ volumeId: 'vol-1', stagingTargetPath: req.stagingTargetPath });
    await chmod(req.stagingTargetPath, 0o755);
    await h.service.nodeStageVolume(req);
    expect((await stat(req.stagingTargetPath)).mode & 0o7777).toBe(0o755);
  });
});

async function readStateText(h: Harness): Promise<string> {
  const names = await readdir(h.stateDir);
  const texts = await Promise.all(names.map((n) => readFile(join(h.stateDir, n), 'utf8')));
  return texts.join('\n');
}
