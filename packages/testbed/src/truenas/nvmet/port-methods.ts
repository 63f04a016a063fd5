// nvmet.port.* and nvmet.port_subsys.* (plugins/nvmet/port.py, port_subsys.py): TCP ports on an IP
// address and a service id (1024–65535, default 4420), unique per (transport, address, port); a
// port in use by subsystems is only deleted with `force`. RDMA needs hardware this system lacks,
// FC ports are not modelled. A port/subsystem link needs both ends and is unique.
import { isIP } from 'node:net';
import { crudReads, requireRow } from '../iscsi/crud.js';
import { type FieldError, validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import { portSubsysTable, portTable } from './columns.js';
import { parse, partial, showPort, showSubsys } from './rules.js';
import type { NvmetPortRow } from './types.js';

const portVerbose = 'NVMetPort';
const linkVerbose = 'NVMetPortSubsys';

const portFields = {
  addr_trtype: s.req(s.str({ enum: ['TCP', 'RDMA', 'FC'] })),
  addr_trsvcid: s.opt(s.int({ min: 1024, max: 65535 }), 4420),
  addr_traddr: s.req(s.str()),
  inline_data_size: s.opt(s.nullable(s.int()), null),
  max_queue_size: s.opt(s.nullable(s.int()), null),
  pi_enable: s.opt(s.nullable(s.bool()), null),
  enabled: s.opt(s.bool(), true),
};

function validate(sim: SimCore, data: Record<string, unknown>, schema: string, old?: NvmetPortRow): void {
  const problems: FieldError[] = [];
  if (data.addr_trtype === 'FC') {
    throw validationErrors([[`${schema}.addr_trtype`, 'FC ports are not modelled by the TrueNAS simulator', 22]]);
  }
  if (isIP(String(data.addr_traddr)) === 0) {
    throw validationErrors([[`${schema}.addr_traddr`, 'value is not a valid IPv4 or IPv6 address', 22]]);
  }
  // nvmet.port.query(filters, {get: True}): the service has an extend step, so the whole table is read.
  const existing = sim.nvmet.ports.filter(
    (p) =>
      p.addr_trtype === data.addr_trtype &&
      p.addr_traddr === data.addr_traddr &&
      String(p.addr_trsvcid) === String(data.addr_trsvcid),
  )[0];
  if (existing && existing.id !== old?.id) {
    problems.push([`${schema}.addr_traddr`, 'There already is a port using the same transport and address', 22]);
  }
  if (old?.enabled && sim.nvmet.portSubsys.count((l) => l.port_id === old.id) > 0) {
    for (const key of [
      'addr_trtype',
      'addr_trsvcid',
      'addr_traddr',
      'inline_data_size',
      'max_queue_size',
      'pi_enable',
    ]) {
      if (String(data[key]) !== String(old[key as keyof NvmetPortRow])) {
        problems.push([
          `${schema}.${key}`,
          `Cannot change ${key} on an active port.  Disable first to allow change.`,
          22,
        ]);
      }
    }
  }
  if (data.addr_trtype === 'RDMA') {
    problems.push([
      `${schema}.addr_trtype`,
      'This platform cannot support NVMe-oF(RDMA) or is missing an RDMA capable NIC.',
      22,
    ]);
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
}

function nextIndex(sim: SimCore): number {
  const used = new Set(sim.nvmet.ports.all().map((p) => p.index));
  let index = 1;
  while (used.has(index)) {
    index++;
  }
  return index;
}

function toRow(data: Record<string, unknown>): Omit<NvmetPortRow, 'id' | 'index'> {
  return {
    addr_trtype: data.addr_trtype as NvmetPortRow['addr_trtype'],
    addr_trsvcid: data.addr_trsvcid as number,
    addr_traddr: data.addr_traddr as string,
    addr_adrfam: isIP(String(data.addr_traddr)) === 6 ? 'IPV6' : 'IPV4',
    inline_data_size: (data.inline_data_size as number | null) ?? null,
    max_queue_size: (data.max_queue_size as number | null) ?? null,
    pi_enable: (data.pi_enable as boolean | null) ?? null,
    enabled: data.enabled as boolean,
  };
}

/** Adds a TCP port straight into the tables (what an administrator sets up before any client runs). */
export function addPort(sim: SimCore, traddr: string, trsvcid = 4420): NvmetPortRow {
  return sim.nvmet.ports.insert({
    index: nextIndex(sim),
    ...toRow({ addr_trtype: 'TCP', addr_traddr: traddr, addr_trsvcid: trsvcid, enabled: true }),
  });
}

function linkValidate(sim: SimCore, data: Record<string, unknown>, schema: string): void {
  const problems: Array<[string, string]> = [];
  const { ports, subsys, portSubsys } = sim.nvmet;
  if (!ports.get(data.port_id as number)) {
    problems.push([`${schema}.port_id`, `No port with ID ${String(data.port_id)}`]);
  }
  if (!subsys.get(data.subsys_id as number)) {
    problems.push([`${schema}.subsys_id`, `No subsystem with ID ${String(data.subsys_id)}`]);
  }
  if (portSubsys.where((l) => l.port_id === data.port_id && l.subsys_id === data.subsys_id).length > 0) {
    problems.push([
      `${schema}.port_id`,
      `This record already exists (Host ID: ${String(data.port_id)}/Subsystem ID: ${String(data.subsys_id)})`,
    ]);
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
}

function showLink(sim: SimCore, row: { id: number; port_id: number; subsys_id: number }) {
  const port = sim.nvmet.ports.get(row.port_id);
  const subsys = sim.nvmet.subsys.get(row.subsys_id);
  return {
    id: row.id,
    port: port ? showPort(sim, port) : null,
    subsys: subsys ? showSubsys(sim, subsys) : null,
  };
}

export const portMethods: MethodTable<CallContext> = {
  ...crudReads({
    namespace: 'nvmet.port',
    verboseName: portVerbose,
    table: (sim) => sim.nvmet.ports,
    columns: portTable,
    extend: showPort,
    scan: 'nvmetQueryRows',
  }),
  'nvmet.port.create': {
    args: [arg('nvmet_port_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, s.obj(portFields), 'nvmet_port_create');
      validate(ctx.sim, data, 'nvmet_port_create');
      return showPort(ctx.sim, ctx.sim.nvmet.ports.insert({ index: nextIndex(ctx.sim), ...toRow(data) }));
    },
  },
  'nvmet.port.update': {
    args: [arg('id', s.int()), arg('nvmet_port_update', s.any())],
    handler: (ctx, [id, input]) => {
      const old = requireRow(ctx.sim.nvmet.ports, id as number, portVerbose);
      const changes = parse(input, partial(s.obj(portFields)), 'nvmet_port_update');
      const merged: Record<string, unknown> = { ...showPort(ctx.sim, old), ...changes };
      validate(ctx.sim, merged, 'nvmet_port_update', old);
      Object.assign(old, toRow(merged));
      return showPort(ctx.sim, old);
    },
  },
  'nvmet.port.delete': {
    args: [arg('id', s.int()), arg('options', s.obj({ force: s.opt(s.bool(), false) }), {})],
    handler: (ctx, [id, options]) => {
      const { nvmet } = ctx.sim;
      const port = requireRow(nvmet.ports, id as number, portVerbose);
      const links = nvmet.portSubsys.where((l) => l.port_id === port.id);
      if (links.length > 0) {
        if ((options as { force: boolean }).force !== true) {
          const names = links.map((l) => nvmet.subsys.get(l.subsys_id)?.name ?? String(l.subsys_id));
          const message =
            names.length === 1
              ? `Port #${port.index} used by 1 subsystem: ${names[0]}`
              : `Port #${port.index} used by ${names.length} subsystems: ${names.slice(0, 3).join(',')}${names.length > 3 ? ',...' : ''}`;
          throw validationErrors([['nvmet_port_delete.id', message]]);
        }
        for (const link of links) {
          nvmet.dropSessions(link.subsys_id, port.id);
          nvmet.portSubsys.delete(link.id);
        }
      }
      nvmet.ports.delete(port.id);
      return true;
    },
  },
  ...crudReads({
    namespace: 'nvmet.port_subsys',
    verboseName: linkVerbose,
    table: (sim) => sim.nvmet.portSubsys,
    columns: portSubsysTable,
    expandFk: showLink,
    scan: 'nvmetQueryRows',
  }),
  'nvmet.port_subsys.create': {
    args: [arg('nvmet_port_subsys_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(
        input,
        s.obj({ port_id: s.req(s.int()), subsys_id: s.req(s.int()) }),
        'nvmet_port_subsys_create',
      );
      linkValidate(ctx.sim, data, 'nvmet_port_subsys_create');
      const row = ctx.sim.nvmet.portSubsys.insert({
        port_id: data.port_id as number,
        subsys_id: data.subsys_id as number,
      });
      return showLink(ctx.sim, row);
    },
  },
  'nvmet.port_subsys.delete': {
    args: [arg('id', s.int())],
    handler: (ctx, [id]) => {
      const row = requireRow(ctx.sim.nvmet.portSubsys, id as number, linkVerbose);
      // Removing the kernel's port link drops the controllers connected through that port.
      ctx.sim.nvmet.dropSessions(row.subsys_id, row.port_id);
      ctx.sim.nvmet.portSubsys.delete(row.id);
      return true;
    },
  },
};
