// The node operations of the VM scenario done from JS with the real tools (iscsiadm, multipath,
// mkfs, mount, resize2fs): the same steps as vm/guest/ops-shell.sh. Both count a device as blank by
// the driver's own rule (here probeDevice itself, there vm/guest/blank.sh: blkid -p exit 2 with no
// error, and both ends of the device read with direct I/O). This is the seam where the
// node service plugs in: an object with stage/expand/unstage that calls NodeStageVolume,
// NodeExpandVolume and NodeUnstageVolume instead replaces ToolOps, and the guest checks stay.
import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { probeDevice, SpawnRunner } from '@opencsp/csi-driver/node';
import { type ToolOptions, type ToolResult, tool } from './exec.js';
import {
  byPathLink,
  dmName,
  exists,
  holderOf,
  kernelName,
  sizeBytes,
  unitSerial,
  waitFor,
  writeSysfs,
} from './sysfs.js';
import { type GuestVolume, volumeSecrets } from './volume.js';

export interface NodeOps {
  stage(volume: GuestVolume): Promise<void>;
  expand(volume: GuestVolume): Promise<void>;
  unstage(volume: GuestVolume): Promise<void>;
}

/** Times a part of an operation and prints its marker. */
export type Part = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

const ISCSI_SESSION_EXISTS = 15;
const ISCSI_NO_OBJECTS = 21;

export class ToolOps implements NodeOps {
  constructor(private readonly part: Part) {}

  async stage(v: GuestVolume): Promise<void> {
    await this.part('stage/discovery', () => this.discover(v));
    await this.part('stage/node_records', () => this.records(v));
    await this.part('stage/login', () => this.login(v));
    const map = await this.part('stage/multipath', () => this.map(v));
    await this.part('stage/mkfs', () => this.format(v, map));
    await this.part('stage/mount', () => this.mount(v, map));
  }

  async expand(v: GuestVolume): Promise<void> {
    const required = v.requiredBytes;
    if (required === undefined) {
      throw new Error('expand needs E2E_REQUIRED_BYTES');
    }
    const source = await this.mountSource(v.stagingPath);
    if (!source) {
      throw new Error(`${v.stagingPath} is not mounted`);
    }
    for (const sd of await this.pathDevices(v)) {
      await writeSysfs(`/sys/block/${sd}/device/rescan`, '1');
      await waitFor(`${sd} to reach ${required} bytes`, 20_000, async () => (await sizeBytes(sd)) >= required);
    }
    const map = basename(source);
    const resized = await tool('multipathd', ['resize', 'map', map]);
    if (!resized.stdout.includes('ok')) {
      throw new Error(`multipathd resize map ${map}: ${resized.stdout.trim()}`);
    }
    const dm = await kernelName(source);
    await waitFor(`${map} to reach ${required} bytes`, 20_000, async () => (await sizeBytes(dm)) >= required);
    await this.growFilesystem(v, source);
  }

  async unstage(v: GuestVolume): Promise<void> {
    let map = await this.mountSource(v.stagingPath);
    if (map) {
      await tool('umount', [v.stagingPath]);
    }
    const sds = await this.pathDevices(v, { present: true });
    for (const sd of sds) {
      const dm = await holderOf(sd);
      map ??= dm ? `/dev/mapper/${await dmName(dm)}` : undefined;
    }
    if (map && (await exists(map))) {
      await tool('blockdev', ['--flushbufs', map]);
      await tool('multipath', ['-f', basename(map)]);
    }
    for (const sd of sds) {
      await tool('blockdev', ['--flushbufs', `/dev/${sd}`]);
      await writeSysfs(`/sys/block/${sd}/device/delete`, '1');
    }
    for (const portal of v.portals) {
      await this.iscsiadm(v, portal, ['--logout'], { okCodes: [0, ISCSI_NO_OBJECTS] });
      await this.iscsiadm(v, portal, ['-o', 'delete'], { okCodes: [0, ISCSI_NO_OBJECTS] });
    }
  }

  private iscsiadm(v: GuestVolume, portal: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
    return tool('iscsiadm', ['-m', 'node', '-T', v.targetIqn, '-p', portal, ...args], {
      timeoutMs: 120_000,
      secrets: volumeSecrets(v),
      ...options,
    });
  }

  /** Sendtargets discovery that leaves the node database alone. */
  private async discover(v: GuestVolume): Promise<void> {
    for (const portal of v.portals) {
      const found = await tool('iscsiadm', [
        '-m',
        'discovery',
        '-t',
        'sendtargets',
        '-p',
        portal,
        '-o',
        'nonpersistent',
      ]);
      if (!found.stdout.includes(v.targetIqn)) {
        throw new Error(`portal ${portal} does not advertise ${v.targetIqn}`);
      }
    }
  }

  private async records(v: GuestVolume): Promise<void> {
    const settings: Array<[string, string]> = [
      ['node.startup', 'manual'],
      ['node.session.timeo.replacement_timeout', '5'],
      ['node.session.auth.authmethod', 'CHAP'],
      ['node.session.auth.username', v.chap.username],
      ['node.session.auth.password', v.chap.password],
    ];
    if (v.chap.usernameIn && v.chap.passwordIn) {
      settings.push(['node.session.auth.username_in', v.chap.usernameIn]);
      settings.push(['node.session.auth.password_in', v.chap.passwordIn]);
    }
    for (const portal of v.portals) {
      const known = await this.iscsiadm(v, portal, [], { okCodes: [0, ISCSI_NO_OBJECTS] });
      if (known.code !== 0) {
        await this.iscsiadm(v, portal, ['-o', 'new']);
      }
      for (const [name, value] of settings) {
        await this.iscsiadm(v, portal, ['-o', 'update', '-n', name, '-v', value]);
      }
    }
  }

  private async login(v: GuestVolume): Promise<void> {
    for (const portal of v.portals) {
      await this.iscsiadm(v, portal, ['--login'], { okCodes: [0, ISCSI_SESSION_EXISTS] });
    }
    for (const portal of v.portals) {
      const link = byPathLink(portal, v.targetIqn, v.lun);
      await waitFor(`the by-path link of ${portal}`, 30_000, () => exists(link));
    }
  }

  private async pathDevices(v: GuestVolume, { present = false } = {}): Promise<string[]> {
    const sds: string[] = [];
    for (const portal of v.portals) {
      const link = byPathLink(portal, v.targetIqn, v.lun);
      if (present && !(await exists(link))) {
        continue;
      }
      sds.push(await kernelName(link));
    }
    return sds;
  }

  /** Checks every path is the expected LUN with one WWID, then waits for the one map over all of them. */
  private async map(v: GuestVolume): Promise<string> {
    const sds = await this.pathDevices(v);
    const wwids = new Set<string>();
    for (const sd of sds) {
      const serial = await unitSerial(sd);
      if (serial !== v.serial) {
        throw new Error(`${sd} has unit serial ${serial}, expected ${v.serial}`);
      }
      wwids.add((await tool('/lib/udev/scsi_id', ['-g', '-u', '-d', `/dev/${sd}`])).stdout.trim());
    }
    if (wwids.size !== 1 || wwids.has('')) {
      throw new Error(`paths ${sds.join(', ')} disagree on the WWID: ${[...wwids].join(', ')}`);
    }
    const oneMap = async () => {
      const holders = await Promise.all(sds.map(holderOf));
      return holders[0] !== undefined && holders.every((h) => h === holders[0]);
    };
    try {
      await waitFor('multipathd to build the map', 10_000, oneMap);
    } catch {
      await tool('multipath', ['-v2']);
      await waitFor('one multipath map over all paths', 30_000, oneMap);
    }
    const dm = (await holderOf(sds[0] as string)) as string;
    return `/dev/mapper/${await dmName(dm)}`;
  }

  /**
   * mkfs only on a device the driver would call blank (blkid exit 2 alone is also what blkid
   * answers for a device it cannot read); another signature is an error, never reformatted.
   */
  private async format(v: GuestVolume, device: string): Promise<void> {
    const found = await probeDevice(new SpawnRunner({ kind: 'direct' }), device);
    if (found === undefined) {
      await tool(`mkfs.${v.fsType}`, ['-q', device], { timeoutMs: 300_000 });
    } else if (found.type !== v.fsType) {
      const holds = found.type ?? (found.ptType ? `a ${found.ptType} partition table` : 'an unknown signature');
      throw new Error(`${device} holds ${holds}, not ${v.fsType}: refusing to reformat`);
    }
  }

  private async mount(v: GuestVolume, device: string): Promise<void> {
    await mkdir(v.stagingPath, { recursive: true });
    const source = await this.mountSource(v.stagingPath);
    if (source === undefined) {
      await tool('mount', ['-t', v.fsType, device, v.stagingPath]);
    } else if ((await kernelName(source)) !== (await kernelName(device))) {
      throw new Error(`${v.stagingPath} is already mounted from ${source}`);
    }
  }

  private async mountSource(path: string): Promise<string | undefined> {
    const found = await tool('findmnt', ['-n', '-o', 'SOURCE', '--mountpoint', path], { okCodes: [0, 1] });
    return found.code === 0 ? found.stdout.trim() : undefined;
  }

  private async growFilesystem(v: GuestVolume, device: string): Promise<void> {
    if (/^ext[234]$/.test(v.fsType)) {
      await tool('resize2fs', [device], { timeoutMs: 300_000 });
    } else if (v.fsType === 'xfs') {
      await tool('xfs_growfs', [v.stagingPath]);
    } else if (v.fsType === 'btrfs') {
      await tool('btrfs', ['filesystem', 'resize', 'max', v.stagingPath]);
    } else {
      throw new Error(`no online grow for ${v.fsType}`);
    }
  }
}
