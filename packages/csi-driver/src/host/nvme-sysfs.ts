// sysfs readers for NVMe over fabrics, as Linux 6.1 lays it out (checked in the VM suite):
// subsystems in /sys/class/nvme-subsystem (`nvme-subsys0/` lists its controllers `nvme0`, `nvme1`,
// its namespace heads `nvme0n1`, their char devices `ng0n1` and attributes such as `subsysnqn`),
// controllers (one per connected path) in /sys/class/nvme with `state`, `transport`, `address`
// (`traddr=…,trsvcid=…,src_addr=…`), `subsysnqn`, `hostnqn`, and namespace disks in /sys/block.
// With native multipath (nvme_core.multipath=Y) a namespace is one head disk `nvme<S>n<N>` whose
// `device` is its subsystem; its paths are hidden `nvme<S>c<C>n<N>` disks without /dev nodes;
// without it every controller has its own `nvme<C>n<N>` disk. Names are re-read on every use.
import type { HostFiles } from './files.js';

export const nvmeSubsystemClass = '/sys/class/nvme-subsystem';
export const nvmeClass = '/sys/class/nvme';

export interface NvmeAddress {
  readonly traddr: string;
  readonly trsvcid: number | undefined;
}

export interface NvmeController {
  /** `nvme3`. */
  readonly name: string;
  /** live, connecting, resetting, deleting, dead, new. */
  readonly state: string;
  readonly transport: string;
  readonly address: NvmeAddress;
  readonly subsysnqn: string;
  readonly hostnqn: string;
}

export interface NvmeNamespace {
  /** Block device name, `nvme2n1`. */
  readonly name: string;
  readonly nsid: number;
  /** 32 lower-case hex digits, no dashes; undefined when the target sets none. */
  readonly nguid: string | undefined;
  /** Lower-case UUID with dashes; undefined when the target sets none. */
  readonly uuid: string | undefined;
  readonly wwid: string | undefined;
}

/** `traddr=10.0.0.5,trsvcid=4420[,src_addr=…]` (the controller's `address` attribute). */
export function parseNvmeAddress(text: string): NvmeAddress {
  const fields = new Map(
    text
      .trim()
      .split(',')
      .map((kv) => {
        const at = kv.indexOf('=');
        return [kv.slice(0, at).trim(), kv.slice(at + 1).trim()] as const;
      }),
  );
  const svc = Number(fields.get('trsvcid'));
  return { traddr: fields.get('traddr') ?? '', trsvcid: Number.isInteger(svc) ? svc : undefined };
}

const zeros = /^[0-]+$/;

/** An NGUID or UUID as sysfs prints it (`%pU`), normalised; all zeros means "not set". */
export function normaliseId(text: string | undefined, dashes: boolean): string | undefined {
  const value = text?.trim().toLowerCase();
  if (!value || zeros.test(value)) {
    return undefined;
  }
  return dashes ? value : value.replaceAll('-', '');
}

async function attr(files: HostFiles, path: string): Promise<string | undefined> {
  return (await files.readText(path))?.trim();
}

/** `nvme_core.multipath`: true (Y), false (N), undefined when nvme_core is not loaded. */
export async function nativeMultipath(files: HostFiles): Promise<boolean | undefined> {
  const value = await attr(files, '/sys/module/nvme_core/parameters/multipath');
  return value === undefined ? undefined : value === 'Y' || value === '1';
}

/** The subsystem directory (`nvme-subsys2`) whose NQN is `nqn`, if this host has it. */
export async function findNvmeSubsystem(files: HostFiles, nqn: string): Promise<string | undefined> {
  for (const name of await files.list(nvmeSubsystemClass)) {
    if ((await attr(files, `${nvmeSubsystemClass}/${name}/subsysnqn`)) === nqn) {
      return name;
    }
  }
  return undefined;
}

export async function readNvmeController(files: HostFiles, name: string): Promise<NvmeController | undefined> {
  const base = `${nvmeClass}/${name}`;
  const state = await attr(files, `${base}/state`);
  if (state === undefined) {
    return undefined;
  }
  return {
    name,
    state,
    transport: (await attr(files, `${base}/transport`)) ?? '',
    address: parseNvmeAddress((await attr(files, `${base}/address`)) ?? ''),
    subsysnqn: (await attr(files, `${base}/subsysnqn`)) ?? '',
    hostnqn: (await attr(files, `${base}/hostnqn`)) ?? '',
  };
}

/** The controllers (paths) of a subsystem directory. */
export async function subsystemControllers(files: HostFiles, subsys: string): Promise<NvmeController[]> {
  const found: NvmeController[] = [];
  for (const name of (await files.list(`${nvmeSubsystemClass}/${subsys}`)).filter((e) => /^nvme\d+$/.test(e))) {
    const ctrl = await readNvmeController(files, name);
    if (ctrl) {
      found.push(ctrl);
    }
  }
  return found;
}

export async function readNvmeNamespace(files: HostFiles, name: string): Promise<NvmeNamespace | undefined> {
  const base = `/sys/block/${name}`;
  const nsid = Number(await attr(files, `${base}/nsid`));
  if (!Number.isInteger(nsid) || nsid < 1) {
    return undefined;
  }
  return {
    name,
    nsid,
    nguid: normaliseId(await attr(files, `${base}/nguid`), false),
    uuid: normaliseId(await attr(files, `${base}/uuid`), true),
    wwid: await attr(files, `${base}/wwid`),
  };
}

/**
 * The names of a subsystem's namespace block devices: the multipath heads in its directory, and
 * (without native multipath) each controller's own disks. Hidden path disks (`nvme0c1n1`) are
 * never listed. Directory listings only.
 */
export async function subsystemNamespaceNames(
  files: HostFiles,
  subsys: string,
  controllers: readonly string[],
): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of [`${nvmeSubsystemClass}/${subsys}`, ...controllers.map((c) => `${nvmeClass}/${c}`)]) {
    for (const entry of await files.list(dir)) {
      if (/^nvme\d+n\d+$/.test(entry)) {
        names.add(entry);
      }
    }
  }
  return [...names].sort();
}

/** The namespace block devices of a subsystem (subsystemNamespaceNames) with their identities. */
export async function subsystemNamespaces(
  files: HostFiles,
  subsys: string,
  controllers: readonly string[],
): Promise<NvmeNamespace[]> {
  const found: NvmeNamespace[] = [];
  for (const name of await subsystemNamespaceNames(files, subsys, controllers)) {
    const ns = await readNvmeNamespace(files, name);
    if (ns) {
      found.push(ns);
    }
  }
  return found;
}

/**
 * The subsystem NQN of a namespace disk: a multipath head's `device` is its subsystem
 * (`../../nvme-subsys0`, which has `subsysnqn`), a non-multipath disk's `device` its controller
 * (which has one too).
 */
export async function namespaceSubsystemNqn(files: HostFiles, name: string): Promise<string | undefined> {
  return attr(files, `/sys/block/${name}/device/subsysnqn`);
}
