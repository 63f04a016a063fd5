// NodeGetInfo's max_volumes_per_node over a modelled sysfs tree (test/fixtures/host/
// sysfs-fabric-volumes.txt): the budget minus the iSCSI LUNs and NVMe-oF namespaces others
// attached, never 0 while a limit applies, 0 without one; and the startup checks of the options.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iscsiVolumes, nvmeFabricVolumes } from '../../src/host/fabric-volumes.js';
import { RootedHostFiles } from '../../src/host/files.js';
import { allocatableCount } from '../../src/node/allocatable.js';
import { checkVolumeBudget } from '../../src/node/assemble.js';
import type { NodeLogger } from '../../src/node/logger.js';
import { NodeService } from '../../src/node/service.js';
import { parseDriverOptions } from '../../src/options.js';
import { FileStateStore, stateFileName } from '../../src/state/store.js';
import type { VolumeState } from '../../src/state/volume-state.js';
import { type FixtureRoot, fixtureRoot, materialise } from '../host/fixtures.js';

const ourIqn = 'iqn.2005-10.org.freenas.ctl:pvc-ours';
const ourNqn = 'nqn.2011-06.com.truenas:uuid:6af08abc:pvc-ours';
const foreignIqn = 'iqn.2004-04.com.qnap:ts-453:iscsi.backup.0a1b2c';

function staged(volumeId: string, transport: string, attachment: VolumeState['attachment']): VolumeState {
  return {
    version: 1,
    volumeId,
    stagingTargetPath: `/var/lib/kubelet/plugins/kubernetes.io/csi/csi.opencsp.io/${volumeId}/globalmount`,
    accessType: 'mount',
    accessMode: 'SINGLE_NODE_WRITER',
    phase: 'staged',
    transport,
    attachment,
    readOnly: false,
    updatedAt: '2026-12-07T11:00:00.000Z',
  };
}

class RecordingLogger implements NodeLogger {
  readonly lines: { level: string; msg: string; obj: object }[] = [];
  debug() {}
  info(obj: object, msg: string) {
    this.lines.push({ level: 'info', msg, obj });
  }
  warn(obj: object, msg: string) {
    this.lines.push({ level: 'warn', msg, obj });
  }
  error(obj: object, msg: string) {
    this.lines.push({ level: 'error', msg, obj });
  }
  warnings(): string[] {
    return this.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
  }
}

describe('fabric volumes in sysfs', () => {
  let tree: FixtureRoot;
  let files: RootedHostFiles;
  beforeEach(async () => {
    tree = await fixtureRoot('sysfs-fabric-volumes.txt');
    files = tree.files;
  });
  afterEach(() => tree.remove());

  it('counts each iSCSI LUN once over several sessions, and none of a skipped target', async () => {
    const none = () => false;
    expect((await iscsiVolumes(files, none)).map((v) => v.target)).toEqual([ourIqn, foreignIqn, foreignIqn]);
    expect(await iscsiVolumes(files, (t) => t === ourIqn)).toEqual([
      { target: foreignIqn, key: 'naa.6e843b6aaa3d4a1d9a0c7e0b1d2c3f40' },
      { target: foreignIqn, key: 'naa.6e843b6aaa3d4a1d9a0c7e0b1d2c3f41' },
    ]);
  });

  it('keys a LUN without a WWID by target and LUN', async () => {
    await rm(join(tree.root, 'sys/devices/platform/host2/session1/target2:0:0/2:0:0:1/wwid'));
    expect(await iscsiVolumes(files, (t) => t !== ourIqn)).toEqual([{ target: ourIqn, key: `${ourIqn}:1` }]);
  });

  it('counts NVMe namespaces over fabrics once per namespace, never a local PCIe drive', async () => {
    const foreign = 'nqn.2014-08.org.nvmexpress:uuid:foreign-array';
    expect(await nvmeFabricVolumes(files, () => false)).toEqual([
      { target: ourNqn, key: `${ourNqn}#1` },
      { target: foreign, key: `${foreign}#1` },
      { target: foreign, key: `${foreign}#2` },
    ]);
    expect((await nvmeFabricVolumes(files, (t) => t === ourNqn)).length).toBe(2);
  });

  it('without native multipath counts the per-controller disks of one namespace once', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'opencsp-alloc-plain-'));
    try {
      await materialise(
        plain,
        [
          'f /sys/class/nvme-subsystem/nvme-subsys0/subsysnqn nqn.2014-08.org.example:array',
          'd /sys/class/nvme-subsystem/nvme-subsys0/nvme0',
          'd /sys/class/nvme-subsystem/nvme-subsys0/nvme1',
          'f /sys/class/nvme/nvme0/transport rdma',
          'd /sys/class/nvme/nvme0/nvme0n1',
          'd /sys/class/nvme/nvme1/nvme1n1',
        ].join('\n'),
      );
      expect(await nvmeFabricVolumes(new RootedHostFiles(plain), () => false)).toEqual([
        { target: 'nqn.2014-08.org.example:array', key: 'nqn.2014-08.org.example:array#1' },
      ]);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});

describe('NodeGetInfo max_volumes_per_node', () => {
  let tree: FixtureRoot;
  let root: string;
  let stateDir: string;
  let logger: RecordingLogger;
  beforeEach(async () => {
    tree = await fixtureRoot('sysfs-fabric-volumes.txt');
    root = tree.root;
    stateDir = join(root, 'state');
    const store = new FileStateStore(stateDir);
    await store.put(
      staged('vol-iscsi', 'iscsi', { targets: [{ iqn: ourIqn, portal: '10.0.0.1:3260' }], lun: 1, scope: 'volume' }),
    );
    await store.put(
      staged('vol-nvme', 'nvmetcp', {
        nqn: ourNqn,
        portals: [{ traddr: '10.0.0.1', trsvcid: 4420 }],
        nsid: 1,
        nguid: '948a31e6f0394687a468f9ca0528b89e',
      }),
    );
    logger = new RecordingLogger();
  });
  afterEach(() => tree.remove());

  function service(maxVolumesPerNode: number, reservedVolumeAttachments = 0, dir = stateDir): NodeService {
    return new NodeService({
      runner: { run: () => Promise.reject(new Error('NodeGetInfo runs no host command')) },
      files: new RootedHostFiles(root),
      store: new FileStateStore(dir),
      transports: [],
      logger,
      options: {
        nodeName: 'worker-1',
        initiatorNames: ['iqn.1993-08.org.debian:01:worker1'],
        nvme: 'off',
        maxVolumesPerNode,
        reservedVolumeAttachments,
      },
    });
  }

  const count = async (s: NodeService) => (await s.nodeGetInfo()).maxVolumesPerNode;

  it('reports the budget minus the foreign iSCSI LUNs and NVMe-oF namespaces, not our staged volumes', async () => {
    expect(await count(service(10))).toBe(6);
    expect(logger.lines).toEqual([
      {
        level: 'info',
        msg: 'volumes this node can hold for opencsp (max_volumes_per_node)',
        obj: { budget: 10, reserved: 0, foreign: 4, count: 6 },
      },
    ]);
  });

  it('counts our volumes as foreign to a node whose state does not name them', async () => {
    expect(await count(service(10, 0, join(root, 'other-state')))).toBe(4);
  });

  it('keeps at least the reserved slots, and more while more foreign volumes are attached', async () => {
    expect(await count(service(10, 5))).toBe(5);
    expect(await count(service(10, 3))).toBe(6);
  });

  it('never reports 0 while a limit applies, and warns once while the node stays full', async () => {
    const full = service(3);
    expect(await count(full)).toBe(1);
    expect(await count(full)).toBe(1);
    expect(logger.warnings()).toEqual([expect.stringMatching(/full of block volumes opencsp did not attach/)]);
    await rm(join(root, 'sys/class/iscsi_session'), { recursive: true });
    await rm(join(root, 'sys/class/nvme-subsystem'), { recursive: true });
    expect(await count(full)).toBe(3);
    expect(logger.warnings()).toHaveLength(1);
  });

  it('reports 0 (no limit) without a budget, reading nothing', async () => {
    await rm(join(root, 'sys'), { recursive: true });
    await writeFile(join(stateDir, stateFileName('vol-iscsi')), 'not json');
    expect(await count(service(0))).toBe(0);
    expect(logger.lines).toEqual([]);
  });

  it('reports the budget less the reservation when the state cannot be read, and says why', async () => {
    await writeFile(join(stateDir, stateFileName('vol-iscsi')), 'not json');
    expect(await count(service(10, 2))).toBe(8);
    expect(logger.warnings()).toEqual([expect.stringMatching(/cannot count the block volumes others attached/)]);
  });
});

describe('volume budget options', () => {
  it('computes the count', () => {
    expect(allocatableCount(0, 0, 7)).toBe(0);
    expect(allocatableCount(8, 0, 0)).toBe(8);
    expect(allocatableCount(8, 2, 1)).toBe(6);
    expect(allocatableCount(8, 2, 9)).toBe(1);
  });

  it('parses --reserved-volume-attachments and refuses a reservation without room', () => {
    const parsed = parseDriverOptions(['--max-volumes-per-node', '16', '--reserved-volume-attachments', '2'], {});
    expect(parsed.values).toMatchObject({ maxVolumesPerNode: 16, reservedVolumeAttachments: 2 });
    expect(parseDriverOptions([], {}).values).toMatchObject({ maxVolumesPerNode: 0, reservedVolumeAttachments: 0 });
    expect(() => checkVolumeBudget(16, 2)).not.toThrow();
    expect(() => checkVolumeBudget(0, 0)).not.toThrow();
    expect(() => checkVolumeBudget(0, 2)).toThrow(/needs --max-volumes-per-node/);
    expect(() => checkVolumeBudget(4, 4)).toThrow(/must be below --max-volumes-per-node \(4\)/);
  });
});
