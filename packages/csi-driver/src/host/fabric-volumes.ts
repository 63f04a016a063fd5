// The block volumes this host reaches over iSCSI and NVMe over fabrics, as sysfs shows them: the
// LUNs of every iSCSI session and the namespaces of every fabrics-attached NVMe subsystem, each
// with the target (IQN or subsystem NQN) it comes from. Directory listings and a few small
// attributes, no host commands: NodeGetInfo reads this on every call. A volume reached over
// several paths (sessions, controllers) counts once.
import type { HostFiles } from './files.js';
import { nvmeClass, nvmeSubsystemClass, subsystemNamespaceNames } from './nvme-sysfs.js';
import { sessionDisks, sysBlock } from './sysfs.js';

export const iscsiSessionClass = '/sys/class/iscsi_session';

export interface FabricVolume {
  /** The iSCSI target IQN or NVMe subsystem NQN. */
  readonly target: string;
  /** One per volume whatever the number of paths: the LUN's WWID (else target:LUN), the NQN and namespace instance. */
  readonly key: string;
}

/** Which targets to leave out (not even their disks are listed). */
export type TargetFilter = (target: string) => boolean;

async function attr(files: HostFiles, path: string): Promise<string | undefined> {
  return (await files.readText(path))?.trim() || undefined;
}

/** The LUNs of the iSCSI sessions whose target `skip` does not name. */
export async function iscsiVolumes(files: HostFiles, skip: TargetFilter): Promise<FabricVolume[]> {
  const found = new Map<string, FabricVolume>();
  for (const entry of await files.list(iscsiSessionClass)) {
    const sid = /^session(\d+)$/.exec(entry)?.[1];
    const target = sid ? await attr(files, `${iscsiSessionClass}/${entry}/targetname`) : undefined;
    if (!sid || !target || skip(target)) {
      continue;
    }
    for (const disk of await sessionDisks(files, Number(sid))) {
      const key = (await attr(files, `${sysBlock}/${disk.name}/device/wwid`)) ?? `${target}:${disk.lun}`;
      found.set(key, { target, key });
    }
  }
  return [...found.values()];
}

/**
 * The namespaces of the NVMe subsystems reached over a fabric (tcp, rdma, fc, loop) whose NQN `skip`
 * does not name. Local PCIe drives are not fabric volumes. Without native multipath each
 * controller has its own disk per namespace (`nvme<C>n<I>`); the instance `<I>` is the
 * subsystem's, so it identifies the namespace across paths.
 */
export async function nvmeFabricVolumes(files: HostFiles, skip: TargetFilter): Promise<FabricVolume[]> {
  const found = new Map<string, FabricVolume>();
  for (const subsys of await files.list(nvmeSubsystemClass)) {
    const target = await attr(files, `${nvmeSubsystemClass}/${subsys}/subsysnqn`);
    if (!target || skip(target)) {
      continue;
    }
    const controllers = (await files.list(`${nvmeSubsystemClass}/${subsys}`)).filter((e) => /^nvme\d+$/.test(e));
    const transport = controllers[0] ? await attr(files, `${nvmeClass}/${controllers[0]}/transport`) : undefined;
    if (!transport || transport === 'pcie') {
      continue;
    }
    for (const name of await subsystemNamespaceNames(files, subsys, controllers)) {
      const key = `${target}#${/n(\d+)$/.exec(name)?.[1]}`;
      found.set(key, { target, key });
    }
  }
  return [...found.values()];
}
