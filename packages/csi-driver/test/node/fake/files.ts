// HostFiles over a FakeKernel: sysfs, /dev (with by-path links udev creates only after some polls),
// /etc/iscsi and the mount table, rendered from the model on every read.
import type { DeviceNumber, HostFiles } from '../../../src/host/files.js';
import { parsePortal } from '../../../src/host/portal.js';
import type { FakeKernel, FakeSession } from './kernel.js';

type Step = () => void;

/**
 * A session or connection attribute as the kernel prints it (newline-terminated); null when `path`
 * is none, undefined when the session is gone.
 */
function sessionAttribute(sessions: readonly FakeSession[], path: string): string | undefined | null {
  const m =
    /^\/sys\/class\/iscsi_session\/session(\d+)\/(targetname|state)$/.exec(path) ??
    /^\/sys\/class\/iscsi_connection\/connection(\d+):0\/(persistent_address|persistent_port)$/.exec(path);
  if (!m) {
    return null;
  }
  const s = sessions.find((x) => x.sid === Number(m[1]));
  const portal = s ? parsePortal(s.portal) : undefined;
  if (!s || !portal) {
    return undefined;
  }
  const values: Record<string, string> = {
    targetname: s.iqn,
    state: s.state,
    persistent_address: portal.host,
    persistent_port: String(portal.port),
  };
  return `${values[m[2] ?? '']}\n`;
}

export class FakeFiles implements HostFiles {
  readonly root = '/';
  initiatorFile: string | undefined = 'InitiatorName=iqn.1993-08.org.debian:01:fakenode01\n';
  tools = new Set<string>();
  /** Holders that are not multipath maps (LVM...), by device kernel name. */
  extraHolders = new Map<string, string[]>();
  /** Every write to a scan attribute, for assertions ("- - -" must never appear). */
  readonly scans: string[] = [];
  private readonly kernel: FakeKernel;
  private readonly step: Step;
  private readonly alive: Step;

  constructor(kernel: FakeKernel, step: Step, alive: Step) {
    this.kernel = kernel;
    this.step = step;
    this.alive = alive;
  }

  async readText(path: string, _encoding?: 'utf8' | 'latin1'): Promise<string | undefined> {
    this.alive();
    const k = this.kernel;
    const nvme = k.nvme.readText(path);
    if (nvme !== null) {
      return nvme;
    }
    const session = sessionAttribute(k.sessions, path);
    if (session !== null) {
      return session;
    }
    if (path === '/etc/iscsi/initiatorname.iscsi') {
      return this.initiatorFile;
    }
    const m = /^\/sys\/block\/([^/]+)\/(.+)$/.exec(path);
    if (!m?.[1] || !m[2]) {
      return undefined;
    }
    const [name, attr] = [m[1], m[2]];
    const loop = k.loops.get(name);
    if (loop && attr === 'ro') {
      return loop.readOnly ? '1\n' : '0\n';
    }
    if (loop && attr === 'loop/backing_file') {
      return `/dev/${loop.backing}\n`;
    }
    const disk = k.disks.get(name);
    const map = k.maps.get(name);
    if (attr === 'size') {
      const size = k.deviceSize(name);
      return size === undefined ? undefined : `${size / 512}\n`;
    }
    if (disk && attr === 'device/wwid') {
      return `${disk.wwid}\n`;
    }
    if (disk && attr === 'device/vpd_pg80') {
      // NUL-padded to a multiple of four, as LIO does.
      const padded = disk.serial.padEnd(Math.ceil((disk.serial.length + 1) / 4) * 4, '\u0000');
      return `\u0000\u0080\u0000${String.fromCharCode(padded.length)}${padded}`;
    }
    if (disk && attr === 'device/state') {
      return `${disk.state}\n`;
    }
    if (map && attr === 'dm/uuid') {
      return `mpath-${map.wwid}\n`;
    }
    if (map && attr === 'dm/name') {
      return `${map.name}\n`;
    }
    return undefined;
  }

  async writeText(path: string, data: string): Promise<void> {
    this.alive();
    this.write(path, data);
    this.step();
  }

  private write(path: string, data: string): void {
    const k = this.kernel;
    const scan = /^\/sys\/class\/scsi_host\/host(\d+)\/scan$/.exec(path);
    if (scan) {
      this.scans.push(data);
      const [, , lun] = data.trim().split(/\s+/);
      if (lun !== undefined && lun !== '-') {
        k.scan(Number(scan[1]), Number(lun));
      }
      return;
    }
    const m = /^\/sys\/block\/([^/]+)\/device\/(state|delete|rescan)$/.exec(path);
    const disk = m?.[1] ? k.disks.get(m[1]) : undefined;
    if (!m || !disk) {
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    }
    if (m[2] === 'state') {
      // Like the kernel's store_state_field: only "running" or "offline", followed by a newline.
      if (data !== 'offline\n' && data !== 'running\n') {
        throw Object.assign(new Error(`EINVAL: invalid argument, write ${path}`), { code: 'EINVAL' });
      }
      disk.state = data === 'offline\n' ? 'offline' : 'running';
    } else if (m[2] === 'delete') {
      k.removeDisk(disk.name);
    } else {
      const session = k.sessions.find((s) => s.sid === disk.sid);
      disk.size = (session && k.targets.get(session.iqn)?.luns.get(disk.lun)?.size) ?? disk.size;
    }
  }

  async list(dir: string): Promise<string[]> {
    this.alive();
    const k = this.kernel;
    const nvme = k.nvme.list(dir);
    if (nvme !== undefined) {
      return nvme;
    }
    if (dir === '/sys/class/iscsi_session') {
      return k.sessions.map((s) => `session${s.sid}`).sort();
    }
    let m = /^\/sys\/class\/iscsi_session\/session(\d+)\/device(?:\/(target[\d:]+)(?:\/([\d:]+)\/block)?)?$/.exec(dir);
    if (m) {
      const session = k.sessions.find((s) => s.sid === Number(m?.[1]));
      if (!session) {
        return [];
      }
      const disks = k.sessionDisks(session.sid);
      if (!m[2]) {
        return ['power', `target${session.host}:0:0`];
      }
      if (!m[3]) {
        return ['power', ...disks.map((d) => `${d.host}:0:0:${d.lun}`)];
      }
      return disks.filter((d) => `${d.host}:0:0:${d.lun}` === m?.[3]).map((d) => d.name);
    }
    if (dir === '/sys/block') {
      return [...k.disks.keys(), ...k.maps.keys(), ...k.loops.keys(), ...k.nvme.heads.keys()].sort();
    }
    m = /^\/sys\/block\/([^/]+)\/(holders|slaves)$/.exec(dir);
    if (!m?.[1]) {
      return [];
    }
    const name = m[1];
    if (m[2] === 'slaves') {
      return [...(k.maps.get(name)?.slaves ?? [])];
    }
    k.tickMultipathd();
    const map = k.mapOfDisk(name);
    return [...(map ? [map.dm] : []), ...(this.extraHolders.get(name) ?? [])];
  }

  async readlink(path: string): Promise<string | undefined> {
    this.alive();
    const k = this.kernel;
    let m = /^\/sys\/class\/iscsi_session\/session(\d+)\/device$/.exec(path);
    if (m) {
      const s = k.sessions.find((x) => x.sid === Number(m?.[1]));
      return s ? `../../../session${s.sid}` : undefined;
    }
    m = /^\/sys\/block\/([^/]+)\/device$/.exec(path);
    const disk = m?.[1] ? k.disks.get(m[1]) : undefined;
    return disk ? `../../../${disk.host}:0:0:${disk.lun}` : undefined;
  }

  async realpath(path: string): Promise<string | undefined> {
    this.alive();
    const k = this.kernel;
    const byPath = /^\/dev\/disk\/by-path\/ip-(.+)-iscsi-(.+)-lun-(\d+)$/.exec(path);
    if (byPath) {
      const session = k.sessions.find((s) => s.portal.replace(/^\[(.*)\]/, '$1') === byPath[1] && s.iqn === byPath[2]);
      const disk = session ? k.sessionDisks(session.sid).find((d) => d.lun === Number(byPath[3])) : undefined;
      if (!disk) {
        return undefined;
      }
      if (disk.udevPending > 0) {
        disk.udevPending--;
        return undefined;
      }
      k.udevDone(disk);
      return `/dev/${disk.name}`;
    }
    const sess = /^\/sys\/class\/iscsi_session\/session(\d+)\/device$/.exec(path);
    if (sess) {
      const s = k.sessions.find((x) => x.sid === Number(sess[1]));
      return s ? `/sys/devices/platform/host${s.host}/session${s.sid}` : undefined;
    }
    const dev = /^\/sys\/block\/([^/]+)\/device$/.exec(path);
    if (dev?.[1]) {
      const disk = k.disks.get(dev[1]);
      return disk
        ? `/sys/devices/platform/host${disk.host}/session${disk.sid}/target${disk.host}:0:0/${disk.host}:0:0:${disk.lun}`
        : undefined;
    }
    const name = k.kernelName(path);
    return name ? `/dev/${name}` : undefined;
  }

  async exists(path: string): Promise<boolean> {
    this.alive();
    const nvme = this.kernel.nvme.exists(path);
    if (nvme !== undefined) {
      return nvme;
    }
    const tool = /^\/(?:usr\/)?s?bin\/([^/]+)$/.exec(path);
    if (tool?.[1]) {
      return path.startsWith('/usr/sbin/') && this.tools.has(tool[1]);
    }
    return (await this.realpath(path)) !== undefined;
  }

  async deviceNumber(path: string): Promise<DeviceNumber | undefined> {
    this.alive();
    const name = this.kernel.kernelName(path);
    return name ? this.kernel.deviceNumber(name) : undefined;
  }

  async mountinfo(): Promise<string> {
    this.alive();
    const esc = (s: string) => s.replace(/\\/g, '\\134').replace(/ /g, '\\040');
    return this.kernel.mounts
      .map(
        (m) =>
          `${m.id} ${m.parentId} ${m.major}:${m.minor} ${esc(m.root)} ${esc(m.mountPoint)} ${m.options.join(',')} shared:1 - ${m.fsType} ${esc(m.source)} ${m.superOptions.join(',')}`,
      )
      .join('\n')
      .concat('\n');
  }
}
