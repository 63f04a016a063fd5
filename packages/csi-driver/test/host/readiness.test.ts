import { describe, expect, it } from 'vitest';
import { readInitiatorNames } from '../../src/host/initiator.js';
import { checkNodeReadiness } from '../../src/host/readiness.js';
import { FakeHost } from '../node/fake/host.js';
import { fixture } from './fixtures.js';

const allTools = [
  'mount',
  'umount',
  'losetup',
  'blkid',
  'blockdev',
  'dd',
  'mkfs.ext4',
  'e2fsck',
  'resize2fs',
  'dumpe2fs',
  'mkfs.xfs',
  'xfs_growfs',
  'mkfs.btrfs',
  'btrfs',
  'iscsiadm',
  'multipath',
  'multipathd',
];

describe('node readiness', () => {
  it('is ready with every tool, an initiator name, iscsid and multipathd', async () => {
    const host = new FakeHost();
    host.files.tools = new Set(allTools);
    const report = await checkNodeReadiness({ runner: host, files: host.files, iscsi: true, multipath: 'required' });
    expect(report).toEqual({ ready: true, problems: [], warnings: [] });
  });

  it('lists every problem: missing tools, no iscsid, no initiator name, no multipathd', async () => {
    const host = new FakeHost();
    host.files.tools = new Set(allTools.filter((t) => t !== 'blkid' && t !== 'mkfs.btrfs'));
    host.iscsidUp = false;
    host.kernel.multipathdRunning = false;
    host.files.initiatorFile = undefined;
    const report = await checkNodeReadiness({ runner: host, files: host.files, iscsi: true, multipath: 'required' });
    expect(report.ready).toBe(false);
    expect(report.problems).toEqual([
      'host tools not found under /: blkid',
      '/etc/iscsi/initiatorname.iscsi not found on the host: install open-iscsi and start iscsid once',
      'iscsid not running on the host: iscsiadm -m session exited 20: iscsiadm: can not connect to iSCSI daemon (111)!',
      'multipathd is not reachable (exit 1: ux_socket_connect: Connection refused)',
    ]);
    expect(report.warnings).toEqual(['mkfs.btrfs not found: btrfs volumes cannot be staged']);
  });

  it('only warns about multipathd when the policy is preferred, and skips iSCSI checks when asked', async () => {
    const host = new FakeHost();
    host.files.tools = new Set(allTools);
    host.kernel.multipathdRunning = false;
    host.iscsidUp = false;
    const report = await checkNodeReadiness({ runner: host, files: host.files, iscsi: false, multipath: 'preferred' });
    expect(report.ready).toBe(true);
    expect(report.warnings).toHaveLength(1);
  });
});

describe('initiator name', () => {
  it('reads it from the host and explains a file without one', async () => {
    const host = new FakeHost();
    host.files.initiatorFile = fixture('initiatorname.iscsi');
    expect(await readInitiatorNames(host.files)).toEqual(['iqn.1993-08.org.debian:01:4f2a7b3c9d1e']);
    host.files.initiatorFile = fixture('initiatorname-generate.iscsi');
    await expect(readInitiatorNames(host.files)).rejects.toThrow(/holds no InitiatorName \(GenerateName=yes/);
    host.files.initiatorFile = 'InitiatorName=not-an-iqn\n';
    await expect(readInitiatorNames(host.files)).rejects.toThrow(/invalid initiator name/);
  });
});
