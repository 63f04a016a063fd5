// The kernel and array state a FakeHost models: targets with LUNs (the array side), iSCSI node
// records and sessions, SCSI disks, dm-multipath maps, filesystems and mounts. Commands and sysfs
// reads/writes in the other fake modules change and render this state.
import { FakeNvme } from './nvme.js';

export interface FakeChap {
  user: string;
  password: string;
  mutualUser?: string;
  mutualPassword?: string;
}

export interface FakeLun {
  lun: number;
  /** Kernel device/wwid, e.g. naa.6589cfc000000a1b2c3d4e5f60718293. */
  wwid: string;
  /** VPD 0x80 unit serial. */
  serial: string;
  size: number;
}

export interface FakeTarget {
  iqn: string;
  portals: string[];
  luns: Map<number, FakeLun>;
  chap?: FakeChap;
}

export interface FakeSession {
  sid: number;
  iqn: string;
  portal: string;
  host: number;
  state: 'LOGGED_IN' | 'FAILED';
}

export interface FakeDisk {
  name: string;
  host: number;
  sid: number;
  lun: number;
  wwid: string;
  serial: string;
  size: number;
  state: 'running' | 'offline';
  minor: number;
  /** by-path polls left before udev has created the link. */
  udevPending: number;
}

export interface FakeMap {
  dm: string;
  /** Kernel WWID of the LUN behind the map. */
  lunWwid: string;
  name: string;
  /** multipath WWID (the dm uuid is mpath-<wwid>). */
  wwid: string;
  slaves: string[];
  minor: number;
  size: number;
  queueing: boolean;
  /** Lookups of /dev/mapper/<name> that still miss (udev has not made the node yet). */
  nodePending: number;
}

export interface FakeFs {
  type: string;
  uuid: string;
  size: number;
}

export interface FakeMount {
  id: number;
  parentId: number;
  major: number;
  minor: number;
  root: string;
  mountPoint: string;
  options: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}

/** The multipath WWID of a kernel WWID (scsi_id style: NAA designators get a leading 3). */
export function mpathWwidOf(wwid: string): string {
  return wwid.startsWith('naa.') ? `3${wwid.slice(4)}` : wwid.replace(/^(eui|t10)\./, '');
}

export class FakeKernel {
  /** NVMe/TCP subsystems, controllers and namespace heads (nvme.ts). */
  readonly nvme = new FakeNvme();
  readonly targets = new Map<string, FakeTarget>();
  readonly records = new Map<string, Map<string, string>>();
  readonly sessions: FakeSession[] = [];
  readonly disks = new Map<string, FakeDisk>();
  readonly maps = new Map<string, FakeMap>();
  /** Filesystems by the kernel WWID of the LUN they live on (they survive logout and re-login). */
  readonly filesystems = new Map<string, FakeFs>();
  readonly mounts: FakeMount[] = [];
  /** Loop devices over block devices (read-only block publishes), by kernel name. */
  readonly loops = new Map<string, { backing: string; readOnly: boolean; minor: number }>();
  private nextLoop = 0;
  private nextSid = 1;
  private nextHost = 2;
  private nextDisk = 0;
  private nextDm = 0;
  private nextMount = 100;
  private nextAnon = 40;
  /** by-path polls before udev links a new disk. */
  udevDelayPolls = 2;
  /** Lookups of a new map's /dev/mapper node that miss before udev has made it. */
  mapperNodeDelay = 0;
  /** holders reads before multipathd adds a new path to its map. */
  multipathDelayPolls = 1;
  multipathdRunning = true;
  /** Node settings this iscsiadm does not know (node.session.scan before open-iscsi 2.0.876). */
  unknownNodeSettings: string[] = [];
  pendingMapAdds = new Map<string, number>();

  addTarget(iqn: string, portals: string[], chap?: FakeChap): FakeTarget {
    const target: FakeTarget = { iqn, portals, luns: new Map(), chap };
    this.targets.set(iqn, target);
    return target;
  }

  addLun(iqn: string, lun: number, size: number, wwidHex: string): FakeLun {
    const target = this.targets.get(iqn);
    if (!target) {
      throw new Error(`no target ${iqn}`);
    }
    const entry = { lun, wwid: `naa.${wwidHex}`, serial: wwidHex.slice(-16), size };
    target.luns.set(lun, entry);
    return entry;
  }

  recordKey(iqn: string, portal: string): string {
    return `${iqn}|${portal}`;
  }

  newSession(iqn: string, portal: string): FakeSession {
    const session: FakeSession = { sid: this.nextSid++, iqn, portal, host: this.nextHost++, state: 'LOGGED_IN' };
    this.sessions.push(session);
    return session;
  }

  sessionByHost(host: number): FakeSession | undefined {
    return this.sessions.find((s) => s.host === host);
  }

  sessionDisks(sid: number): FakeDisk[] {
    return [...this.disks.values()].filter((d) => d.sid === sid);
  }

  /** The kernel's reaction to a scan of one LUN on one SCSI host. */
  scan(host: number, lun: number): void {
    const session = this.sessionByHost(host);
    const target = session ? this.targets.get(session.iqn) : undefined;
    const entry = target?.luns.get(lun);
    if (!session || !entry || this.sessionDisks(session.sid).some((d) => d.lun === lun)) {
      return;
    }
    const name = `sd${String.fromCharCode(97 + (this.nextDisk % 26))}${this.nextDisk >= 26 ? this.nextDisk : ''}`;
    const disk: FakeDisk = {
      name,
      host,
      sid: session.sid,
      lun,
      wwid: entry.wwid,
      serial: entry.serial,
      size: entry.size,
      state: 'running',
      minor: this.nextDisk * 16,
      udevPending: this.udevDelayPolls,
    };
    this.nextDisk++;
    this.disks.set(name, disk);
  }

  /** udev finished with a disk: multipathd (find_multipaths no) queues it for its map. */
  udevDone(disk: FakeDisk): void {
    if (this.multipathdRunning && !this.pendingMapAdds.has(disk.name) && !this.mapOfDisk(disk.name)) {
      this.pendingMapAdds.set(disk.name, this.multipathDelayPolls);
    }
  }

  /** One holders read: multipathd gets a little further with queued paths. */
  tickMultipathd(): void {
    for (const [name, left] of this.pendingMapAdds) {
      if (left > 0) {
        this.pendingMapAdds.set(name, left - 1);
        continue;
      }
      this.pendingMapAdds.delete(name);
      const disk = this.disks.get(name);
      if (disk) {
        this.addToMap(disk);
      }
    }
  }

  private addToMap(disk: FakeDisk): void {
    const wwid = mpathWwidOf(disk.wwid);
    let map = [...this.maps.values()].find((m) => m.wwid === wwid);
    if (!map) {
      const n = this.nextDm++;
      map = {
        dm: `dm-${n}`,
        lunWwid: disk.wwid,
        name: `mpath${String.fromCharCode(97 + n)}`,
        wwid,
        slaves: [],
        minor: n,
        size: disk.size,
        queueing: true,
        nodePending: this.mapperNodeDelay,
      };
      this.maps.set(map.dm, map);
    }
    map.slaves.push(disk.name);
  }

  mapOfDisk(name: string): FakeMap | undefined {
    return [...this.maps.values()].find((m) => m.slaves.includes(name));
  }

  mapByName(name: string): FakeMap | undefined {
    return [...this.maps.values()].find((m) => m.name === name || m.dm === name);
  }

  removeDisk(name: string): void {
    this.disks.delete(name);
    this.pendingMapAdds.delete(name);
    for (const map of this.maps.values()) {
      map.slaves = map.slaves.filter((s) => s !== name);
    }
  }

  /** Resolves a /dev path to a kernel name (sdb, dm-0, mapper names). */
  kernelName(path: string): string | undefined {
    const m = /^\/dev\/(?:mapper\/)?([^/]+)$/.exec(path);
    if (!m?.[1]) {
      return undefined;
    }
    const name = m[1];
    if (path.startsWith('/dev/mapper/')) {
      const map = this.mapByName(name);
      if (map && map.nodePending > 0) {
        map.nodePending--;
        return undefined;
      }
      return map?.dm;
    }
    if (this.nvme.kernelName(path)) {
      return name;
    }
    return this.disks.has(name) || this.maps.has(name) || this.loops.has(name) ? name : undefined;
  }

  addLoop(backing: string, readOnly: boolean): string {
    const name = `loop${this.nextLoop}`;
    this.loops.set(name, { backing, readOnly, minor: this.nextLoop++ });
    return name;
  }

  deviceNumber(name: string): { major: number; minor: number } | undefined {
    const disk = this.disks.get(name);
    if (disk) {
      return { major: 8, minor: disk.minor };
    }
    const map = this.maps.get(name);
    const loop = this.loops.get(name);
    return map
      ? { major: 253, minor: map.minor }
      : loop
        ? { major: 7, minor: loop.minor }
        : this.nvme.deviceNumber(name);
  }

  /** The LUN (kernel WWID) behind a disk or map. */
  lunOf(name: string): string | undefined {
    const head = this.nvme.heads.get(name);
    return this.disks.get(name)?.wwid ?? this.maps.get(name)?.lunWwid ?? (head ? `nvme.${head.nguid}` : undefined);
  }

  fsOn(name: string): FakeFs | undefined {
    const lun = this.lunOf(name);
    return lun ? this.filesystems.get(lun) : undefined;
  }

  deviceSize(name: string): number | undefined {
    const loop = this.loops.get(name);
    return (
      this.disks.get(name)?.size ??
      this.maps.get(name)?.size ??
      this.nvme.heads.get(name)?.size ??
      (loop ? this.deviceSize(loop.backing) : undefined)
    );
  }

  addMount(m: Omit<FakeMount, 'id' | 'parentId'>): FakeMount {
    const mount = { ...m, id: this.nextMount++, parentId: 1 };
    this.mounts.push(mount);
    return mount;
  }

  anonDevice(): { major: number; minor: number } {
    return { major: 0, minor: this.nextAnon++ };
  }

  mountsAt(path: string): FakeMount[] {
    return this.mounts.filter((m) => m.mountPoint === path);
  }

  /** Is the device (kernel name) used by a mount (fs on it, or a bind of its node)? */
  deviceMounted(name: string): boolean {
    const dev = this.deviceNumber(name);
    return (
      this.mounts.some(
        (m) =>
          (dev && m.major === dev.major && m.minor === dev.minor) ||
          (m.fsType === 'devtmpfs' && m.root === `/${name}`) ||
          this.kernelName(m.source) === name,
      ) || [...this.loops.values()].some((l) => l.backing === name)
    );
  }
}
