// nvmet.subsys.* and nvmet.global.* (plugins/nvmet/subsys.py, global.py): a subsystem's NQN is
// `<basenqn>:<name>` unless given, names are unique, `ana` needs an HA system, and a delete is
// refused while namespaces or ports hang on it unless `force` (host links always go with it).
// `nvmet.global.sessions` lists connected host controllers.
import { randomBytes } from 'node:crypto';
import { crudReads, requireRow } from '../iscsi/crud.js';
import { queryArgs, queryParams, runQuery } from '../query/query.js';
import { type FieldError, validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import { subsysTable } from './columns.js';
import { nqnProblem, parse, partial, showSubsys } from './rules.js';
import type { NvmetSubsysRow } from './types.js';

const verbose = 'NVMetSubsys';

const subsysSchema = s.obj({
  name: s.req(s.nonEmpty()),
  subnqn: s.opt(s.nullable(s.str()), null),
  allow_any_host: s.opt(s.bool(), false),
  pi_enable: s.opt(s.nullable(s.bool()), null),
  qid_max: s.opt(s.nullable(s.int()), null),
  ieee_oui: s.opt(s.nullable(s.str()), null),
  ana: s.opt(s.nullable(s.bool()), null),
});

function autoSerial(sim: SimCore): string {
  const used = new Set(sim.nvmet.subsys.all().map((r) => r.serial));
  for (let i = 0; i < 10; i++) {
    const serial = randomBytes(16).toString('hex').slice(0, 20);
    if (!used.has(serial)) {
      return serial;
    }
  }
  throw validationErrors([[null, 'Failed to generate a random serial for subsystem']]);
}

function validate(sim: SimCore, data: Record<string, unknown>, schema: string, old?: NvmetSubsysRow): void {
  const problems: FieldError[] = [];
  if (typeof data.subnqn === 'string' && data.subnqn !== '' && data.subnqn !== old?.subnqn) {
    const problem = nqnProblem(data.subnqn);
    if (problem) {
      problems.push([`${schema}.subnqn`, problem, 22]);
    }
  }
  if (sim.nvmet.subsys.filter((r) => r.name === data.name && r.id !== old?.id).length > 0) {
    problems.push([`${schema}.name`, 'Object with this name already exists', 22]);
  }
  if (data.ana !== null && data.ana !== undefined) {
    problems.push([`${schema}.ana`, 'This platform does not support Asymmetric Namespace Access(ANA).', 22]);
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  data.serial = old?.serial ?? autoSerial(sim);
  if (!data.subnqn) {
    data.subnqn = `${sim.nvmet.global.basenqn}:${String(data.name)}`.slice(0, 223);
  }
}

function toRow(data: Record<string, unknown>): Omit<NvmetSubsysRow, 'id'> {
  return {
    name: data.name as string,
    subnqn: data.subnqn as string,
    serial: data.serial as string,
    allow_any_host: data.allow_any_host as boolean,
    pi_enable: (data.pi_enable as boolean | null) ?? null,
    qid_max: (data.qid_max as number | null) ?? null,
    ieee_oui: (data.ieee_oui as string | null) ?? null,
    ana: (data.ana as boolean | null) ?? null,
  };
}

function deleteSubsys(sim: SimCore, id: number, force: boolean): true {
  const { nvmet } = sim;
  const subsys = requireRow(nvmet.subsys, id, verbose);
  const problems: Array<[string, string]> = [];
  // Both lookups filter on `subsys.id`: the namespace service reads and extends its whole table.
  const namespaces = nvmet.namespaces.filter((n) => n.subsys_id === id);
  const ports = nvmet.portSubsys.where((l) => l.subsys_id === id);
  if (namespaces.length > 0 && !force) {
    const nsids = namespaces.map((n) => n.nsid).sort((a, b) => a - b);
    problems.push([
      'nvmet_subsys_delete.id',
      nsids.length === 1
        ? `Subsystem ${subsys.name} contains 1 namespace: ${nsids[0]}`
        : `Subsystem ${subsys.name} contains ${nsids.length} namespaces: ${nsids.slice(0, 3).join(',')}${nsids.length > 3 ? ',...' : ''}`,
    ]);
  }
  if (ports.length > 0 && !force) {
    problems.push([
      'nvmet_subsys_delete.id',
      `Subsystem ${subsys.name} visible on ${ports.length} ${ports.length > 1 ? 'ports' : 'port'}`,
    ]);
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  for (const n of namespaces) {
    nvmet.namespaces.delete(n.id);
  }
  for (const l of ports) {
    nvmet.portSubsys.delete(l.id);
  }
  for (const l of nvmet.hostSubsys.where((link) => link.subsys_id === id)) {
    nvmet.hostSubsys.delete(l.id);
  }
  nvmet.dropSessions(id);
  nvmet.subsys.delete(id);
  return true;
}

const globalSchema = s.obj({
  basenqn: s.opt(s.str()),
  kernel: s.opt(s.bool()),
  ana: s.opt(s.bool()),
  rdma: s.opt(s.bool()),
  xport_referral: s.opt(s.bool()),
});

export const subsysMethods: MethodTable<CallContext> = {
  ...crudReads({
    namespace: 'nvmet.subsys',
    verboseName: verbose,
    table: (sim) => sim.nvmet.subsys,
    columns: subsysTable,
    extend: showSubsys,
    scan: 'nvmetQueryRows',
  }),
  'nvmet.subsys.create': {
    args: [arg('nvmet_subsys_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, subsysSchema, 'nvmet_subsys_create');
      validate(ctx.sim, data, 'nvmet_subsys_create');
      return showSubsys(ctx.sim, ctx.sim.nvmet.subsys.insert(toRow(data)));
    },
  },
  'nvmet.subsys.update': {
    args: [arg('id', s.int()), arg('nvmet_subsys_update', s.any())],
    handler: (ctx, [id, input]) => {
      const old = requireRow(ctx.sim.nvmet.subsys, id as number, verbose);
      const merged: Record<string, unknown> = { ...old, ...parse(input, partial(subsysSchema), 'nvmet_subsys_update') };
      validate(ctx.sim, merged, 'nvmet_subsys_update', old);
      Object.assign(old, toRow(merged));
      return showSubsys(ctx.sim, old);
    },
  },
  'nvmet.subsys.delete': {
    args: [arg('id', s.int()), arg('options', s.obj({ force: s.opt(s.bool(), false) }), {})],
    handler: (ctx, [id, options]) => deleteSubsys(ctx.sim, id as number, (options as { force: boolean }).force),
  },
  'nvmet.global.config': {
    args: [],
    handler: (ctx) => ({ ...ctx.sim.nvmet.global }),
  },
  'nvmet.global.update': {
    args: [arg('nvmet_update', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, globalSchema, 'nvmet_update');
      const problems: FieldError[] = [];
      if (typeof data.basenqn === 'string') {
        const problem = nqnProblem(data.basenqn);
        if (problem) {
          problems.push(['nvmet_update.basenqn', problem, 22]);
        }
      }
      if (data.kernel === false) {
        problems.push(['nvmet_global_update.kernel', 'Cannot disable kernel mode.', 22]);
      }
      if (data.ana === true) {
        problems.push([
          'nvmet_global_update.ana',
          'This platform does not support Asymmetric Namespace Access(ANA).',
          22,
        ]);
      }
      if (data.rdma === true) {
        problems.push([
          'nvmet_global_update.rdma',
          'This platform cannot support NVMe-oF(RDMA) or is missing a RDMA capable NIC.',
          22,
        ]);
      }
      if (problems.length > 0) {
        throw validationErrors(problems);
      }
      Object.assign(ctx.sim.nvmet.global, data);
      return { ...ctx.sim.nvmet.global };
    },
  },
  'nvmet.global.sessions': {
    args: queryArgs,
    handler: (ctx, values) => {
      const { filters, options } = queryParams(values);
      return runQuery(
        ctx.sim.nvmet.sessions.map((session) => ({ ...session })),
        filters,
        options,
      );
    },
  },
};
