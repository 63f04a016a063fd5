// nvmet.host.* and nvmet.host_subsys.* (plugins/nvmet/host.py, host_subsys.py): hosts are NQNs
// with optional DH-CHAP keys, unique by NQN; a host linked to subsystems is only deleted with
// `force` (which drops the links); a link needs both ends and is unique per (host, subsystem).

import { crudReads, requireRow } from '../iscsi/crud.js';
import { type FieldError, validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import { hostSubsysTable, hostTable } from './columns.js';
import { dhchapKeyProblem, isV26, nqnProblem, parse, partial, showHost, showSubsys } from './rules.js';
import type { NvmetHostRow } from './types.js';

const hostVerbose = 'NVMetHost';
const linkVerbose = 'NVMetHostSubsys';

const hashes = ['SHA-256', 'SHA-384', 'SHA-512'] as const;
const groups = ['2048-BIT', '3072-BIT', '4096-BIT', '6144-BIT', '8192-BIT'] as const;

function hostSchema(sim: SimCore) {
  return s.obj({
    hostnqn: s.req(s.nonEmpty()),
    dhchap_key: s.opt(s.nullable(s.nonEmpty()), null),
    dhchap_ctrl_key: s.opt(s.nullable(s.nonEmpty()), null),
    dhchap_dhgroup: s.opt(s.nullable(s.str({ enum: groups })), null),
    dhchap_hash: s.opt(s.str({ enum: hashes }), 'SHA-256'),
    ...(isV26(sim) ? { description: s.opt(s.str(), '') } : {}),
  });
}

/** The create model's own checks: the NQN type and the bidirectional-key rule (pydantic errors). */
function modelChecks(data: Record<string, unknown>, schema: string): void {
  const problems: FieldError[] = [];
  const nqn = nqnProblem(data.hostnqn as string);
  if (nqn) {
    problems.push([`${schema}.hostnqn`, nqn, 22]);
  }
  if (data.dhchap_ctrl_key && !data.dhchap_key) {
    problems.push([
      schema,
      'Value error, Cannot configure bi-directional authentication without setting dhchap_key',
      22,
    ]);
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
}

function validate(sim: SimCore, data: Record<string, unknown>, schema: string, oldId?: number): void {
  const problems: Array<[string, string]> = [];
  // _ensure_unique queries without force_sql_filters: the whole table is read and extended.
  if (sim.nvmet.hosts.filter((h) => h.hostnqn === data.hostnqn && h.id !== oldId).length > 0) {
    problems.push([`${schema}.hostnqn`, 'Object with this hostnqn already exists']);
  }
  for (const key of ['dhchap_key', 'dhchap_ctrl_key']) {
    const value = data[key];
    const problem = typeof value === 'string' ? dhchapKeyProblem(value) : undefined;
    if (problem) {
      problems.push([`${schema}.${key}`, problem]);
    }
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
}

function toRow(data: Record<string, unknown>): Omit<NvmetHostRow, 'id'> {
  return {
    hostnqn: data.hostnqn as string,
    dhchap_key: (data.dhchap_key as string | null) ?? null,
    dhchap_ctrl_key: (data.dhchap_ctrl_key as string | null) ?? null,
    dhchap_dhgroup: (data.dhchap_dhgroup as NvmetHostRow['dhchap_dhgroup']) ?? null,
    dhchap_hash: (data.dhchap_hash as NvmetHostRow['dhchap_hash']) ?? 'SHA-256',
    description: (data.description as string | undefined) ?? '',
  };
}

function linkValidate(sim: SimCore, data: Record<string, unknown>, schema: string, oldId?: number): void {
  const problems: Array<[string, string]> = [];
  const { hosts, subsys, hostSubsys } = sim.nvmet;
  if (!hosts.get(data.host_id as number)) {
    problems.push([`${schema}.host_id`, `No host with ID ${String(data.host_id)}`]);
  }
  if (!subsys.get(data.subsys_id as number)) {
    problems.push([`${schema}.subsys_id`, `No subsystem with ID ${String(data.subsys_id)}`]);
  }
  const dup = hostSubsys.where((l) => l.host_id === data.host_id && l.subsys_id === data.subsys_id && l.id !== oldId);
  if (dup.length > 0) {
    problems.push([
      `${schema}.host_id`,
      `This record already exists (Host ID: ${String(data.host_id)}/Subsystem ID: ${String(data.subsys_id)})`,
    ]);
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
}

function showLink(sim: SimCore, row: { id: number; host_id: number; subsys_id: number }) {
  const host = sim.nvmet.hosts.get(row.host_id);
  const subsys = sim.nvmet.subsys.get(row.subsys_id);
  return {
    id: row.id,
    host: host ? showHost(sim, host) : null,
    subsys: subsys ? showSubsys(sim, subsys) : null,
  };
}

const linkSchema = s.obj({ host_id: s.req(s.int()), subsys_id: s.req(s.int()) });

export const hostMethods: MethodTable<CallContext> = {
  ...crudReads({
    namespace: 'nvmet.host',
    verboseName: hostVerbose,
    table: (sim) => sim.nvmet.hosts,
    columns: hostTable,
    extend: showHost,
    scan: 'nvmetQueryRows',
  }),
  'nvmet.host.create': {
    args: [arg('nvmet_host_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, hostSchema(ctx.sim), 'nvmet_host_create');
      modelChecks(data, 'nvmet_host_create');
      validate(ctx.sim, data, 'nvmet_host_create');
      return showHost(ctx.sim, ctx.sim.nvmet.hosts.insert(toRow(data)));
    },
  },
  'nvmet.host.update': {
    args: [arg('id', s.int()), arg('nvmet_host_update', s.any())],
    handler: (ctx, [id, input]) => {
      const old = requireRow(ctx.sim.nvmet.hosts, id as number, hostVerbose);
      const changes = parse(input, partial(hostSchema(ctx.sim)), 'nvmet_host_update');
      const merged = { ...old, ...changes };
      modelChecks(merged, 'nvmet_host_update');
      validate(ctx.sim, merged, 'nvmet_host_update', old.id);
      Object.assign(old, toRow(merged));
      return showHost(ctx.sim, old);
    },
  },
  'nvmet.host.delete': {
    args: [arg('id', s.int()), arg('options', s.obj({ force: s.opt(s.bool(), false) }), {})],
    handler: (ctx, [id, options]) => {
      const { nvmet } = ctx.sim;
      const host = requireRow(nvmet.hosts, id as number, hostVerbose);
      const links = nvmet.hostSubsys.where((l) => l.host_id === host.id);
      if (links.length > 0) {
        if ((options as { force: boolean }).force !== true) {
          const names = links.map((l) => nvmet.subsys.get(l.subsys_id)?.name ?? String(l.subsys_id));
          const message =
            names.length === 1
              ? `Host ${host.hostnqn} used by 1 subsystem: ${names[0]}`
              : `Host ${host.hostnqn} used by ${names.length} subsystems: ${names.slice(0, 3).join(',')}${names.length > 3 ? ',...' : ''}`;
          throw validationErrors([['nvmet_host_delete.id', message]]);
        }
        for (const link of links) {
          nvmet.hostSubsys.delete(link.id);
        }
      }
      nvmet.hosts.delete(host.id);
      return true;
    },
  },
  'nvmet.host.dhchap_hash_choices': { args: [], handler: () => [...hashes] },
  'nvmet.host.dhchap_dhgroup_choices': { args: [], handler: () => [...groups] },
  ...crudReads({
    namespace: 'nvmet.host_subsys',
    verboseName: linkVerbose,
    table: (sim) => sim.nvmet.hostSubsys,
    columns: hostSubsysTable,
    expandFk: showLink,
    scan: 'nvmetQueryRows',
  }),
  'nvmet.host_subsys.create': {
    args: [arg('nvmet_host_subsys_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, linkSchema, 'nvmet_host_subsys_create');
      linkValidate(ctx.sim, data, 'nvmet_host_subsys_create');
      const row = ctx.sim.nvmet.hostSubsys.insert({
        host_id: data.host_id as number,
        subsys_id: data.subsys_id as number,
      });
      return showLink(ctx.sim, row);
    },
  },
  'nvmet.host_subsys.delete': {
    args: [arg('id', s.int())],
    handler: (ctx, [id]) => {
      const row = requireRow(ctx.sim.nvmet.hostSubsys, id as number, linkVerbose);
      // The kernel keeps controllers that are already connected (allowed_hosts is checked at connect).
      ctx.sim.nvmet.hostSubsys.delete(row.id);
      return true;
    },
  },
};
