// What a volume is on the array, read from the simulator's state (what `zfs list` and the iSCSI
// and NVMe-oF screens of a real TrueNAS would show): the zvol and its properties, the iSCSI
// target, extent and LUN (or the NVMe-oF subsystem, namespace and ports) csp-truenas made for it,
// and who may connect. Reading the simulator's tables is free;
// nothing here goes through the CSP or the array's API.
import { userProperty } from '@opencsp/csp-truenas';
import type { TrueNasBackend } from '../harness/backends/index.js';
import { formatBytes } from './units.js';

export interface ArrayLine {
  key: string;
  value: string;
}

function idProp(user: Map<string, string>, key: string): number | undefined {
  const id = Number(user.get(key));
  return Number.isInteger(id) ? id : undefined;
}

/** The zvol behind a volume id, with size, block size, compression, provisioning and origin. */
export function zvolLine(backend: TrueNasBackend, volumeId: string): ArrayLine {
  const { zfs } = backend.stack.sim.core;
  const name = backend.datasetOf(volumeId);
  const ds = zfs.datasets.get(name);
  if (!ds) {
    return { key: 'zvol', value: `${name} is not on the array` };
  }
  const parts = [
    `volsize ${formatBytes(ds.volsize)}`,
    `volblocksize ${ds.volblocksize / 1024}K`,
    `compression ${ds.local.get('compression') ?? 'inherited'}`,
    ds.refreservation > 0 ? 'thick' : 'sparse',
  ];
  if (ds.origin) {
    parts.push(`clone of ${ds.origin}`);
  }
  return { key: 'zvol', value: `${name} (${parts.join(', ')})` };
}

/** The NVMe-oF subsystem of a volume (with the hosts allowed in), its namespace and ports. */
function describeNvme(backend: TrueNasBackend, subsysId: number): ArrayLine[] {
  const { nvmet } = backend.stack.sim.core;
  const subsys = nvmet.subsys.get(subsysId);
  if (!subsys) {
    return [{ key: 'NVMe subsystem', value: `#${subsysId} is not on the array` }];
  }
  const hosts = nvmet.hostSubsys
    .where((l) => l.subsys_id === subsysId)
    .map((l) => nvmet.hosts.get(l.host_id))
    .map((h) => (h ? `${h.hostnqn}${h.dhchap_key ? ' (DH-CHAP)' : ''}` : '?'));
  const who = subsys.allow_any_host
    ? 'admits any host'
    : hosts.length > 0
      ? `admits ${hosts.join(', ')}`
      : 'admits nobody';
  const lines: ArrayLine[] = [{ key: 'NVMe subsystem', value: `${subsys.subnqn} (#${subsys.id}, ${who})` }];
  for (const ns of nvmet.namespaces.where((n) => n.subsys_id === subsysId)) {
    lines.push({ key: 'NVMe namespace', value: `nsid ${ns.nsid} on ${ns.device_path}, nguid ${ns.device_nguid}` });
  }
  const ports = nvmet.portSubsys
    .where((l) => l.subsys_id === subsysId)
    .map((l) => nvmet.ports.get(l.port_id))
    .map((p) => (p ? `${p.addr_traddr}:${p.addr_trsvcid ?? 4420} (#${p.id})` : '?'));
  lines.push({ key: 'NVMe ports', value: ports.join(', ') || 'none' });
  return lines;
}

/** The zvol, its iSCSI target (with the initiators allowed in), extent and LUN, or its NVMe-oF subsystem. */
export function describeVolume(backend: TrueNasBackend, volumeId: string): ArrayLine[] {
  const { zfs, iscsi } = backend.stack.sim.core;
  const ds = zfs.datasets.get(backend.datasetOf(volumeId));
  const lines = [zvolLine(backend, volumeId)];
  if (!ds) {
    return lines;
  }
  const subsysId = idProp(ds.user, userProperty.subsysId);
  if (subsysId !== undefined) {
    return [...lines, ...describeNvme(backend, subsysId)];
  }
  const targetId = idProp(ds.user, userProperty.targetId);
  const extentId = idProp(ds.user, userProperty.extentId);
  const target = targetId === undefined ? undefined : iscsi.targets.get(targetId);
  const extent = extentId === undefined ? undefined : iscsi.extents.get(extentId);
  if (target) {
    const allowed = target.groups.flatMap((g) =>
      g.initiator === null ? [] : [...(iscsi.initiators.get(g.initiator)?.initiators ?? [])],
    );
    const who = allowed.length > 0 ? `admits ${allowed.join(', ')}` : 'no portal group yet: nobody can log in';
    lines.push({ key: 'iSCSI target', value: `${iscsi.iqn(target.name)} (#${target.id}, ${who})` });
  }
  if (extent) {
    lines.push({
      key: 'iSCSI extent',
      value: `${extent.name} (#${extent.id}) on ${extent.path ?? extent.disk ?? '?'}, naa ${extent.naa}`,
    });
  }
  const mapping = iscsi.targetextents.find((m) => m.target === targetId && m.extent === extentId);
  if (mapping) {
    lines.push({ key: 'LUN', value: `${mapping.lunid} (target #${mapping.target} → extent #${mapping.extent})` });
  }
  return lines;
}

/** The ZFS snapshots of a volume's zvol. */
export function snapshotsOf(backend: TrueNasBackend, volumeId: string): string[] {
  const dataset = backend.datasetOf(volumeId);
  return [...backend.stack.sim.core.zfs.snapshots.values()].filter((s) => s.dataset === dataset).map((s) => s.name);
}
