import { describe, expect, it } from 'vitest';
import { parseBlkidExport } from '../../src/host/blkid.js';
import { parseSize64 } from '../../src/host/blockdev.js';
import { parseInitiatorNames } from '../../src/host/initiator.js';
import { parseNodes } from '../../src/host/iscsiadm-parse.js';
import { flattenBlockDevices, parseLsblkJson } from '../../src/host/lsblk.js';
import { parseMountInfo, topMountAt, withoutHostRootMirror } from '../../src/host/mountinfo.js';
import { parseMultipathLl, parseShowMaps, parseShowPaths } from '../../src/host/multipath.js';
import { formatPortal, parsePortal } from '../../src/host/portal.js';
import { parseDumpe2fs, parseResize2fsBlocks, parseXfsGrowfs } from '../../src/host/resize.js';
import { fixture } from './fixtures.js';

describe('iscsiadm parsers', () => {
  it('parses -m node', () => {
    expect(parseNodes(fixture('iscsiadm-node.txt')).map((n) => `${n.portal} ${n.target}`)).toEqual([
      '10.10.1.5:3260 iqn.2005-10.org.freenas.ctl:pvc-8e2f1c3a',
      '10.10.2.5:3260 iqn.2005-10.org.freenas.ctl:pvc-8e2f1c3a',
      '[fd00:10::5]:3260 iqn.2000-01.com.synology:ds920.Target-1.76fd697e949',
    ]);
  });

  it('reads the initiator name and ignores comments', () => {
    expect(parseInitiatorNames(fixture('initiatorname.iscsi'))).toEqual(['iqn.1993-08.org.debian:01:4f2a7b3c9d1e']);
    expect(parseInitiatorNames(fixture('initiatorname-generate.iscsi'))).toEqual([]);
  });
});

describe('multipath parsers', () => {
  it('parses multipathd show maps format', () => {
    expect(parseShowMaps(fixture('multipathd-show-maps.txt'))).toEqual([
      { name: 'mpatha', wwid: '36589cfc000000a1b2c3d4e5f60718201', sysfs: 'dm-0', pathCount: 2, dmState: 'active' },
      { name: 'mpathb', wwid: '36001405b7c3e2d1a0f9e8d7c6b5a4938', sysfs: 'dm-1', pathCount: 1, dmState: 'active' },
    ]);
  });

  it('parses multipathd show paths format', () => {
    const paths = parseShowPaths(fixture('multipathd-show-paths.txt'));
    expect(paths.map((p) => [p.dev, p.hctl, p.dmState, p.checkerState, p.devState])).toEqual([
      ['sda', '2:0:0:0', 'active', 'ready', 'running'],
      ['sdb', '3:0:0:0', 'failed', 'faulty', 'offline'],
      ['sdc', '2:0:0:3', 'active', 'ready', 'running'],
    ]);
  });

  it('parses multipath -ll with and without user-friendly names', () => {
    const maps = parseMultipathLl(fixture('multipath-ll.txt'));
    expect(maps.map((m) => [m.name, m.wwid, m.sysfs, m.vendorProduct, m.paths.length])).toEqual([
      ['mpatha', '36589cfc000000a1b2c3d4e5f60718201', 'dm-0', 'TrueNAS,iSCSI Disk', 2],
      ['36001405b7c3e2d1a0f9e8d7c6b5a4938', '36001405b7c3e2d1a0f9e8d7c6b5a4938', 'dm-1', 'LIO-ORG,IBLOCK', 1],
    ]);
    expect(maps[0]?.paths[1]).toEqual({
      hctl: '3:0:0:0',
      dev: 'sdb',
      devNumber: '8:16',
      dmState: 'failed',
      checkerState: 'faulty',
      devState: 'offline',
    });
  });
});

describe('block device parsers', () => {
  it('parses lsblk -J -b for loop devices (real output) and a multipath tree', () => {
    const loops = parseLsblkJson(fixture('lsblk-loop.json'));
    expect(loops.map((d) => [d.name, d.type, d.size, d.fstype])).toEqual([
      ['loop0', 'loop', 314572800, null],
      ['loop1', 'loop', 314572800, null],
    ]);
    const all = flattenBlockDevices(parseLsblkJson(fixture('lsblk-mpath.json')));
    expect(all.map((d) => `${d.kname}:${d.type}:${d.pkname ?? '-'}`)).toEqual([
      'sda:disk:-',
      'dm-0:mpath:sda',
      'sdb:disk:-',
      'dm-0:mpath:sdb',
    ]);
    expect(all[0]?.tran).toBe('iscsi');
  });

  it('parses blkid -p -o export for ext4, xfs, btrfs and a partition table', () => {
    expect(parseBlkidExport(fixture('blkid-ext4.txt')).type).toBe('ext4');
    expect(parseBlkidExport(fixture('blkid-xfs.txt'))).toMatchObject({ type: 'xfs', usage: 'filesystem' });
    expect(parseBlkidExport(fixture('blkid-btrfs.txt')).uuid).toBe('7c39f57d-73c1-4495-b0ad-74de76331380');
    expect(parseBlkidExport(fixture('blkid-gpt.txt'))).toMatchObject({ type: undefined, ptType: 'gpt' });
  });

  it('parses blockdev --getsize64 and rejects garbage', () => {
    expect(parseSize64('314572800\n')).toBe(314572800);
    expect(() => parseSize64('blockdev: cannot open')).toThrow(/unexpected/);
  });
});

describe('mountinfo', () => {
  const mounts = parseMountInfo(fixture('mountinfo.txt'));

  it('parses optional fields, escapes, super options and device binds', () => {
    const staged = topMountAt(mounts, '/var/lib/kubelet/plugins/kubernetes.io/csi/csi.opencsp.io/aa00/globalmount');
    expect(staged).toMatchObject({ fsType: 'xfs', source: '/dev/mapper/mpathb', device: { major: 253, minor: 1 } });
    expect(staged?.superOptions).toContain('nouuid');
    const spaced = topMountAt(mounts, '/mnt/with space');
    expect(spaced?.superOptions[0]).toBe('ro');
    const blockBind = mounts.find((m) => m.root === '/dm-3');
    expect(blockBind).toMatchObject({ fsType: 'devtmpfs', source: 'udev', device: { major: 0, minor: 6 } });
    const pub = mounts.find((m) => m.mountPoint.endsWith('/pvc-8e2f1c3a/mount'));
    expect(pub?.options[0]).toBe('ro');
  });

  it('rejects a line without the separator', () => {
    expect(() => parseMountInfo('1 2 3:4 / /x rw')).toThrow(/unparsable/);
  });

  it('leaves out the mirror of the host mounts below the host root (chroot and nsenter modes)', () => {
    const staging = '/var/lib/kubelet/plugins/kubernetes.io/csi/csi.opencsp.io/ab12/globalmount';
    const text = [
      '20 1 0:40 / / rw - overlay overlay rw',
      `30 20 7:3 / ${staging} rw - ext4 /dev/loop3 rw`,
      '40 20 8:1 / /host rw shared:1 - ext4 /dev/vda rw',
      `41 40 7:3 / /host${staging} rw shared:7 - ext4 /dev/loop3 rw`,
      '42 20 8:1 /srv /hostile rw - ext4 /dev/vda rw',
    ].join('\n');
    const points = parseMountInfo(withoutHostRootMirror(text, '/host/')).map((m) => m.mountPoint);
    expect(points).toEqual(['/', staging, '/hostile']);
    expect(withoutHostRootMirror(text, '/')).toBe(text);
  });
});

describe('filesystem tool output', () => {
  it('reads ext4 geometry from dumpe2fs -h (real output)', () => {
    expect(parseDumpe2fs(fixture('dumpe2fs-h.txt'))).toEqual({ blockCount: 307200, blockSize: 1024, state: 'clean' });
  });

  it('reads resize2fs and xfs_growfs results (real output)', () => {
    expect(parseResize2fsBlocks(fixture('resize2fs-offline.txt'))).toBe(409600);
    expect(parseResize2fsBlocks(fixture('resize2fs-eperm.txt'))).toBeUndefined();
    expect(parseXfsGrowfs(fixture('xfs_growfs.txt'))).toEqual({ grown: true, dataBlocks: 102400, blockSize: 4096 });
  });
});

describe('portals', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1:3260'],
    ['10.0.0.1:3261', '10.0.0.1:3261'],
    ['fd00::1', '[fd00::1]:3260'],
    ['[fd00::1]:3262', '[fd00::1]:3262'],
    ['nas.example.lan', 'nas.example.lan:3260'],
  ])('normalises %s', (input, expected) => {
    const parsed = parsePortal(input);
    expect(parsed && formatPortal(parsed)).toBe(expected);
  });

  it.each(['', '10.0.0.1:99999', '[not-v6]:3260', 'bad host:1', 'a;b'])('rejects %j', (input) => {
    expect(parsePortal(input)).toBeUndefined();
  });
});
