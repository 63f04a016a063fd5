// How NodeStageVolume uses iscsiadm, so concurrent stages on one node stay cheap: a fixed, small
// number of iscsiadm calls per stage (record + all settings + login per portal; the session
// listings before and after come from sysfs), no host-wide `udevadm settle`, a fallback for an iscsiadm that does
// not know node.session.scan, many volumes staged at once by one service, and no use of a map
// before udev has made its /dev/mapper node.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, driverError, gib, type Harness, portals, stageRequest } from './harness.js';

const kind = (args: readonly string[]) =>
  args.includes('--login')
    ? 'login'
    : args.includes('--logout')
      ? '--logout'
      : args.includes('-o')
        ? `-o ${args[args.indexOf('-o') + 1]}`
        : args[1];

describe('NodeStageVolume and iscsiadm (fake host)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('stages with record, settings and login per portal: 6 iscsiadm calls, sessions listed from sysfs', async () => {
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    const calls = h.host.calls.filter((c) => c.cmd === 'iscsiadm').map((c) => kind(c.args));
    expect(calls.sort()).toEqual(['-o new', '-o new', '-o update', '-o update', 'login', 'login'].sort());
    expect(h.host.commandsRun('udevadm')).toBe(0);
    const update = h.host.calls.find((c) => c.args.includes('update'));
    expect(update?.args.filter((a) => a === '-n')).toHaveLength(3);

    // Staging again (kubelet retries) and unstaging list no sessions with iscsiadm either.
    const before = h.host.calls.length;
    await h.service.nodeStageVolume(req);
    await h.service.nodeUnstageVolume({ volumeId: req.volumeId, stagingTargetPath: req.stagingTargetPath });
    const later = h.host.calls.slice(before).filter((c) => c.cmd === 'iscsiadm');
    expect(later.map((c) => kind(c.args)).sort()).toEqual(['--logout', '--logout', '-o delete', '-o delete'].sort());
  });

  it('updates without node.session.scan when this iscsiadm does not know it', async () => {
    h.host.kernel.unknownNodeSettings = ['node.session.scan'];
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    expect(h.host.kernel.mountsAt(req.stagingTargetPath)).toHaveLength(1);
    for (const record of h.host.kernel.records.values()) {
      expect(record.get('node.startup')).toBe('manual');
      expect(record.get('node.session.scan')).toBeUndefined();
    }
    expect(h.host.commandsRun('iscsiadm', (a) => a.includes('update'))).toBe(4);
  });

  it('stages many volumes at once, each on its own target, each with its own map and mount', async () => {
    const volumes = Array.from({ length: 6 }, (_, i) => {
      const target = `iqn.2005-10.org.freenas.ctl:pvc-many-${i}`;
      const serial = `6589cfc000000a1b2c3d4e5f607182${String(10 + i)}`;
      h.host.kernel.addTarget(target, portals);
      h.host.kernel.addLun(target, 0, gib, serial);
      return stageRequest(h, {
        volumeId: `vol-many-${i}`,
        context: { targetNames: target, lunId: '0', serialNumber: serial },
      });
    });
    await Promise.all(volumes.map((req) => h.service.nodeStageVolume(req)));
    expect(h.host.kernel.sessions).toHaveLength(12);
    expect(h.host.kernel.maps.size).toBe(6);
    for (const req of volumes) {
      expect(h.host.kernel.mountsAt(req.stagingTargetPath)).toHaveLength(1);
    }
    expect(h.host.commandsRun('iscsiadm', (a) => a.includes('--login'))).toBe(12);
    expect(h.host.commandsRun('iscsiadm', (a) => a.includes('-o'))).toBe(24);
  });

  it('waits for udev to make /dev/mapper/<map> before probing or formatting the map', async () => {
    h.host.kernel.mapperNodeDelay = 5;
    const req = stageRequest(h);
    await h.service.nodeStageVolume(req);
    expect(h.host.fs.mkfsCount).toBe(1);
    expect(h.host.kernel.mountsAt(req.stagingTargetPath)).toHaveLength(1);

    const other = await createHarness();
    try {
      other.host.kernel.mapperNodeDelay = 1_000_000;
      const err = await driverError(() => other.service.nodeStageVolume(stageRequest(other)));
      expect(err.kind).toBe('FailedPrecondition');
      expect(err.message).toMatch(/got no \/dev\/mapper\/mpatha within .* is udev running/);
      expect(other.host.fs.mkfsCount).toBe(0);
      expect(other.host.commandsRun('blkid')).toBe(0);
    } finally {
      await other.cleanup();
    }
  });
});
