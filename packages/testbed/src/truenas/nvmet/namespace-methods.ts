// nvmet.namespace.* (plugins/nvmet/namespace.py): a ZVOL namespace needs an existing subsystem,
// a `zvol/` path whose /dev/zvol node exists (the fresh-zvol race), a path no other namespace or
// iSCSI extent uses, and a free NSID (the lowest free one when none is given); UUID and NGUID are
// generated. While the service runs, an enabled namespace only changes `enabled`. FILE namespaces
// are not modelled. The attachment delegate's cascade on zvol delete is `deleteZvolNamespaces`.
import { randomUUID } from 'node:crypto';
import { crudReads, requireRow } from '../iscsi/crud.js';
import { type FieldError, validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import { namespaceTable } from './columns.js';
import { parse, partial, showNamespace } from './rules.js';
import type { NvmetNamespaceRow } from './types.js';

const verbose = 'NVMetNamespace';
const maxNsid = 0xfffffffe;

const namespaceSchema = s.obj({
  nsid: s.opt(s.nullable(s.int({ min: 1, max: maxNsid }))),
  device_type: s.req(s.str({ enum: ['ZVOL', 'FILE'] })),
  device_path: s.req(s.nonEmpty()),
  filesize: s.opt(s.nullable(s.int()), null),
  enabled: s.opt(s.bool(), true),
  subsys_id: s.req(s.int()),
});

function checkPath(sim: SimCore, data: Record<string, unknown>, schema: string, problems: FieldError[]): void {
  const path = data.device_path as string;
  if (data.device_type === 'FILE') {
    problems.push([`${schema}.device_type`, 'FILE namespaces are not modelled by the TrueNAS simulator', 22]);
    return;
  }
  if (!path.startsWith('zvol/')) {
    problems.push([`${schema}.device_path`, `ZVOL device_path must start with "zvol/": ${path}`, 22]);
    return;
  }
  const zvol = path.slice('zvol/'.length);
  const ready = (sim.zvolDeviceReadyAt.get(zvol) ?? 0) <= Date.now();
  if (sim.zfs.datasets.get(zvol)?.type !== 'VOLUME' || !ready) {
    problems.push([`${schema}.device_path`, `ZVOL device_path must be a block device: ${path}`, 22]);
  }
}

function validate(sim: SimCore, data: Record<string, unknown>, schema: string, old?: NvmetNamespaceRow): void {
  const { nvmet, iscsi } = sim;
  const problems: FieldError[] = [];
  const subsysId = data.subsys_id as number;
  if (!nvmet.subsys.get(subsysId)) {
    problems.push([`${schema}.subsys_id`, `No subsystem with ID ${subsysId}`, 22]);
  }
  if (
    data.nsid !== null &&
    data.nsid !== undefined &&
    nvmet.namespaces.where((n) => n.nsid === data.nsid && n.subsys_id === subsysId && n.id !== old?.id).length > 0
  ) {
    problems.push([
      `${schema}.nsid`,
      `This record already exists (Subsystem ID: ${subsysId}/NSID: ${String(data.nsid)})`,
      22,
    ]);
  }
  checkPath(sim, data, schema, problems);
  const user = nvmet.namespaces.where((n) => n.device_path === data.device_path && n.id !== old?.id)[0];
  if (user) {
    const name = nvmet.subsys.get(user.subsys_id)?.name ?? String(user.subsys_id);
    problems.push([`${schema}.device_path`, `This device_path already used by subsystem: ${name}`, 22]);
  }
  // iscsi.extent.query([["OR", [["path", "=", p], ["disk", "=", p]]]]): `disk` is computed by
  // extend, so the whole extent table is read.
  const extent = iscsi.extents.filter((e) => e.path === data.device_path)[0];
  if (extent) {
    problems.push([`${schema}.device_path`, `This device_path already used by iSCSI extent: ${extent.name}`, 22]);
  }
  if (old?.enabled) {
    for (const key of ['nsid', 'device_type', 'device_path', 'subsys_id'] as const) {
      if (data[key] !== old[key]) {
        problems.push([schema, `Cannot change ${key} on an active namespace.  Disable first to allow change.`, 22]);
      }
    }
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
}

function nextNsid(sim: SimCore, subsysId: number): number {
  const used = new Set(sim.nvmet.namespaces.filter((n) => n.subsys_id === subsysId).map((n) => n.nsid));
  let nsid = 1;
  while (used.has(nsid)) {
    nsid++;
  }
  return nsid;
}

function uniqueUuid(sim: SimCore, key: 'device_uuid' | 'device_nguid'): string {
  const used = new Set(sim.nvmet.namespaces.all().map((n) => n[key]));
  let uuid = randomUUID();
  while (used.has(uuid)) {
    uuid = randomUUID();
  }
  return uuid;
}

/**
 * The NVMe attachment delegate on zvol delete: enabled namespaces on `dataset` or below are removed
 * from the database. Their subsystem, host links and port links stay (see the research notes).
 */
export function deleteZvolNamespaces(sim: SimCore, dataset: string): void {
  for (const ns of sim.nvmet.namespaces.filter((n) => n.enabled && n.device_type === 'ZVOL')) {
    const zvol = ns.device_path.slice('zvol/'.length);
    if (zvol === dataset || zvol.startsWith(`${dataset}/`)) {
      sim.nvmet.namespaces.delete(ns.id);
    }
  }
}

/** The iSCSI extent create's check the other way round (plugins/iscsi_/extents.py). */
export function namespaceUsingDisk(sim: SimCore, disk: string): string | undefined {
  const ns = sim.nvmet.namespaces.filter((n) => n.device_path === disk)[0];
  const subsys = ns && sim.nvmet.subsys.get(ns.subsys_id);
  return ns ? `Disk currently in use by NVMe-oF subsystem ${subsys?.name ?? ns.subsys_id} NSID ${ns.nsid}` : undefined;
}

export const namespaceMethods: MethodTable<CallContext> = {
  ...crudReads({
    namespace: 'nvmet.namespace',
    verboseName: verbose,
    table: (sim) => sim.nvmet.namespaces,
    columns: namespaceTable,
    extend: showNamespace,
    scan: 'nvmetQueryRows',
  }),
  'nvmet.namespace.create': {
    args: [arg('nvmet_namespace_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, namespaceSchema, 'nvmet_namespace_create');
      validate(ctx.sim, data, 'nvmet_namespace_create');
      const row = ctx.sim.nvmet.namespaces.insert({
        nsid: (data.nsid as number | null | undefined) ?? nextNsid(ctx.sim, data.subsys_id as number),
        subsys_id: data.subsys_id as number,
        device_type: 'ZVOL',
        device_path: data.device_path as string,
        filesize: (data.filesize as number | null) ?? null,
        device_uuid: uniqueUuid(ctx.sim, 'device_uuid'),
        device_nguid: uniqueUuid(ctx.sim, 'device_nguid'),
        enabled: data.enabled as boolean,
      });
      return showNamespace(ctx.sim, row);
    },
  },
  'nvmet.namespace.update': {
    args: [arg('id', s.int()), arg('nvmet_namespace_update', s.any())],
    handler: (ctx, [id, input]) => {
      const old = requireRow(ctx.sim.nvmet.namespaces, id as number, verbose);
      const merged: Record<string, unknown> = {
        ...old,
        ...parse(input, partial(namespaceSchema), 'nvmet_namespace_update'),
      };
      validate(ctx.sim, merged, 'nvmet_namespace_update', old);
      Object.assign(old, {
        nsid: merged.nsid,
        subsys_id: merged.subsys_id,
        device_path: merged.device_path,
        filesize: merged.filesize ?? null,
        enabled: merged.enabled,
      });
      return showNamespace(ctx.sim, old);
    },
  },
  'nvmet.namespace.delete': {
    args: [arg('id', s.int()), arg('options', s.obj({ remove: s.opt(s.bool(), false) }), {})],
    handler: (ctx, [id]) => {
      const row = requireRow(ctx.sim.nvmet.namespaces, id as number, verbose);
      ctx.sim.nvmet.namespaces.delete(row.id);
      return true;
    },
  },
};
