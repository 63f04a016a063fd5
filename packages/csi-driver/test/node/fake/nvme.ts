// The NVMe/TCP part of the FakeHost: subsystems an array offers (ports, allowed host, DH-CHAP,
// namespaces with NGUID/UUID/size), the host's connected controllers and native-multipath
// namespace heads, `nvme connect|disconnect|ns-rescan` with nvme-cli's real messages and exit
// codes, and the sysfs files the NVMe transport reads (/sys/class/nvme*, /sys/block/nvme*n*,
// /sys/module/nvme_core, /etc/nvme). Device numbers use major 259, as the kernel does.
import type { CmdResult } from './iscsi-commands.js';

export interface FakeNvmeNamespace {
  nsid: number;
  /** As the target stores it, with dashes. */
  nguid: string;
  uuid: string;
  size: number;
}

export interface FakeNvmeSubsystem {
  nqn: string;
  /** `ip:port` the subsystem is offered on. */
  ports: string[];
  allowedHost: string | undefined;
  dhchapKey?: string;
  dhchapCtrlKey?: string;
  namespaces: Map<number, FakeNvmeNamespace>;
}

export interface FakeController {
  name: string;
  subsys: number;
  nqn: string;
  traddr: string;
  trsvcid: number;
  hostnqn: string;
  state: 'live' | 'connecting' | 'deleting';
}

export interface FakeHead {
  name: string;
  subsys: number;
  nsid: number;
  minor: number;
  size: number;
  nguid: string;
  uuid: string;
}

const ok = (stdout = ''): CmdResult => ({ code: 0, stdout });
const fail = (code: number, stderr: string): CmdResult => ({ code, stderr: `${stderr}\n` });

function flag(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

export class FakeNvme {
  readonly array = new Map<string, FakeNvmeSubsystem>();
  readonly controllers = new Map<string, FakeController>();
  readonly heads = new Map<string, FakeHead>();
  /** Subsystem instance by NQN (the host's nvme-subsysN). */
  readonly subsystems = new Map<string, number>();
  /** The host's /etc/nvme files: absent by default (a node without nvme-cli); tests set them. */
  hostnqnFile: string | undefined;
  hostidFile: string | undefined;
  multipath = true;
  moduleLoaded = false;
  private nextCtrl = 0;
  private nextSubsys = 0;
  private nextMinor = 0;

  addSubsystem(nqn: string, ports: string[], allowedHost?: string): FakeNvmeSubsystem {
    const subsystem: FakeNvmeSubsystem = { nqn, ports, allowedHost, namespaces: new Map() };
    this.array.set(nqn, subsystem);
    return subsystem;
  }

  addNamespace(nqn: string, nsid: number, size: number, nguid: string, uuid: string): FakeNvmeNamespace {
    const ns = { nsid, nguid, uuid, size };
    this.array.get(nqn)?.namespaces.set(nsid, ns);
    return ns;
  }

  private subsysOf(nqn: string): number {
    let instance = this.subsystems.get(nqn);
    if (instance === undefined) {
      instance = this.nextSubsys++;
      this.subsystems.set(nqn, instance);
    }
    return instance;
  }

  /** The kernel's namespace scan of a subsystem: a head per namespace the array has. */
  private scanNamespaces(nqn: string): void {
    const instance = this.subsystems.get(nqn);
    const target = this.array.get(nqn);
    if (instance === undefined || !target) {
      return;
    }
    for (const ns of target.namespaces.values()) {
      const name = `nvme${instance}n${ns.nsid}`;
      const head = this.heads.get(name);
      if (head) {
        head.size = ns.size;
      } else {
        this.heads.set(name, { ...ns, name, subsys: instance, minor: this.nextMinor++ });
      }
    }
  }

  connect(args: readonly string[]): CmdResult {
    const nqn = flag(args, 'nqn') ?? '';
    const traddr = flag(args, 'traddr') ?? '';
    const trsvcid = Number(flag(args, 'trsvcid') ?? 4420);
    const hostnqn = flag(args, 'hostnqn') ?? '';
    if (!this.moduleLoaded) {
      return fail(1, 'Failed to open /dev/nvme-fabrics: No such file or directory');
    }
    const existing = [...this.controllers.values()].find(
      (c) => c.nqn === nqn && c.traddr === traddr && c.trsvcid === trsvcid && c.hostnqn === hostnqn,
    );
    if (existing) {
      return fail(114, 'already connected');
    }
    const target = this.array.get(nqn);
    if (!target?.ports.includes(`${traddr}:${trsvcid}`)) {
      return fail(1, 'could not add new controller: failed to write to nvme-fabrics device\nConnection refused');
    }
    if (target.allowedHost !== undefined && target.allowedHost !== hostnqn) {
      return fail(1, 'could not add new controller: failed to write to nvme-fabrics device\nInput/output error');
    }
    const secret = flag(args, 'dhchap-secret');
    const ctrlSecret = flag(args, 'dhchap-ctrl-secret');
    if ((target.dhchapKey && secret !== target.dhchapKey) || (ctrlSecret && ctrlSecret !== target.dhchapCtrlKey)) {
      return fail(
        1,
        'could not add new controller: failed to write to nvme-fabrics device\nKey was rejected by service',
      );
    }
    const subsys = this.subsysOf(nqn);
    const name = `nvme${this.nextCtrl++}`;
    this.controllers.set(name, { name, subsys, nqn, traddr, trsvcid, hostnqn, state: 'live' });
    if (this.multipath || [...this.controllers.values()].filter((c) => c.subsys === subsys).length === 1) {
      this.scanNamespaces(nqn);
    }
    return ok(`connecting to device: ${name}\n`);
  }

  disconnect(args: readonly string[]): CmdResult {
    const name = flag(args, 'device') ?? '';
    const ctrl = this.controllers.get(name);
    if (!ctrl) {
      return fail(1, `Failed to disconnect: ${name} not found`);
    }
    this.controllers.delete(name);
    if (![...this.controllers.values()].some((c) => c.subsys === ctrl.subsys)) {
      for (const head of [...this.heads.values()].filter((h) => h.subsys === ctrl.subsys)) {
        this.heads.delete(head.name);
      }
      this.subsystems.delete(ctrl.nqn);
    }
    return ok(`NQN:${ctrl.nqn} disconnected 1 controller(s)\n`);
  }

  command(args: readonly string[]): CmdResult {
    switch (args[0]) {
      case 'connect':
        return this.connect(args);
      case 'disconnect':
        return this.disconnect(args);
      case 'ns-rescan': {
        const ctrl = this.controllers.get((args[1] ?? '').replace('/dev/', ''));
        if (!ctrl) {
          return fail(1, `Failed to open ${args[1]}: No such file or directory`);
        }
        this.scanNamespaces(ctrl.nqn);
        return ok();
      }
      default:
        return fail(1, `unknown command ${args[0]}`);
    }
  }

  modprobe(args: readonly string[]): CmdResult {
    if (args[0] === 'nvme-tcp') {
      this.moduleLoaded = true;
      return ok();
    }
    return fail(1, `modprobe: FATAL: Module ${args[0]} not found`);
  }

  deviceNumber(name: string): { major: number; minor: number } | undefined {
    const head = this.heads.get(name);
    return head ? { major: 259, minor: head.minor } : undefined;
  }

  private controllersOf(subsys: number): FakeController[] {
    return [...this.controllers.values()].filter((c) => c.subsys === subsys);
  }

  private subsysDir(name: string): number | undefined {
    const m = /^nvme-subsys(\d+)$/.exec(name);
    return m && [...this.subsystems.values()].includes(Number(m[1])) ? Number(m[1]) : undefined;
  }

  /** sysfs and /etc/nvme reads; undefined when the path is not the NVMe model's. */
  readText(path: string): string | undefined | null {
    if (path === '/etc/nvme/hostnqn') {
      return this.hostnqnFile;
    }
    if (path === '/etc/nvme/hostid') {
      return this.hostidFile;
    }
    if (path === '/sys/module/nvme_core/parameters/multipath') {
      return this.moduleLoaded ? (this.multipath ? 'Y\n' : 'N\n') : undefined;
    }
    let m = /^\/sys\/class\/nvme-subsystem\/(nvme-subsys\d+)\/subsysnqn$/.exec(path);
    if (m?.[1]) {
      const instance = this.subsysDir(m[1]);
      const nqn = [...this.subsystems.entries()].find(([, i]) => i === instance)?.[0];
      return nqn === undefined ? undefined : `${nqn}\n`;
    }
    m = /^\/sys\/class\/nvme\/(nvme\d+)\/(state|transport|address|subsysnqn|hostnqn)$/.exec(path);
    if (m?.[1] && m[2]) {
      const c = this.controllers.get(m[1]);
      if (!c) {
        return undefined;
      }
      const values: Record<string, string> = {
        state: c.state,
        transport: 'tcp',
        address: `traddr=${c.traddr},trsvcid=${c.trsvcid},src_addr=${c.traddr}`,
        subsysnqn: c.nqn,
        hostnqn: c.hostnqn,
      };
      return `${values[m[2]]}\n`;
    }
    m = /^\/sys\/block\/(nvme\d+n\d+)\/device\/subsysnqn$/.exec(path);
    if (m?.[1]) {
      const head = this.heads.get(m[1]);
      const nqn = [...this.subsystems.entries()].find(([, i]) => i === head?.subsys)?.[0];
      return nqn === undefined ? undefined : `${nqn}\n`;
    }
    m = /^\/sys\/block\/(nvme\d+n\d+)\/(nsid|nguid|uuid|wwid|size)$/.exec(path);
    if (m?.[1] && m[2]) {
      const head = this.heads.get(m[1]);
      if (!head) {
        return undefined;
      }
      const values: Record<string, string> = {
        nsid: String(head.nsid),
        nguid: head.nguid,
        uuid: head.uuid,
        wwid: `uuid.${head.uuid}`,
        size: String(head.size / 512),
      };
      return `${values[m[2]]}\n`;
    }
    return null;
  }

  /** Directory listings; undefined when the directory is not the NVMe model's. */
  list(dir: string): string[] | undefined {
    if (dir === '/sys/class/nvme-subsystem') {
      return [...this.subsystems.values()].map((i) => `nvme-subsys${i}`).sort();
    }
    if (dir === '/sys/class/nvme') {
      return [...this.controllers.keys()].sort();
    }
    let m = /^\/sys\/class\/nvme-subsystem\/(nvme-subsys\d+)$/.exec(dir);
    if (m?.[1]) {
      const instance = this.subsysDir(m[1]);
      if (instance === undefined) {
        return [];
      }
      // As Linux 6.1 lists it: controllers, heads, their generic char devices (ng…) and attributes.
      const heads = [...this.heads.values()].filter((h) => h.subsys === instance);
      return [
        ...this.controllersOf(instance).map((c) => c.name),
        ...heads.flatMap((h) => [h.name, `ng${instance}n${h.nsid}`]),
        'firmware_rev',
        'iopolicy',
        'model',
        'power',
        'serial',
        'subsysnqn',
        'subsystem',
        'uevent',
      ].sort();
    }
    m = /^\/sys\/class\/nvme\/(nvme\d+)$/.exec(dir);
    if (m?.[1]) {
      const c = this.controllers.get(m[1]);
      return c ? ['address', 'state', 'subsysnqn', `nvme${c.subsys}c${c.name.slice(4)}n1`] : [];
    }
    return undefined;
  }

  exists(path: string): boolean | undefined {
    if (path === '/sys/module/nvme_tcp') {
      return this.moduleLoaded;
    }
    return undefined;
  }

  /** `/dev/nvme0n1` → `nvme0n1` when that head exists. */
  kernelName(path: string): string | undefined {
    const m = /^\/dev\/(nvme\d+n\d+)$/.exec(path);
    return m?.[1] && this.heads.has(m[1]) ? m[1] : undefined;
  }
}
