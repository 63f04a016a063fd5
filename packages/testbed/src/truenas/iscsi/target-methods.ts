// iscsi.target.* (plugins/iscsi_/targets.py, api/v25_10_0/iscsi_target.py): name ≤120 and
// `^[-a-z0-9.:]+$`, unique names and aliases, one group per portal, CHAP needs an auth group,
// delete refuses while initiators are logged in ("Target X is in use.") unless forced. A create
// reads the whole table twice inside the middleware (the free rel_tgt_id, and get_instance at
// the end); its name and alias checks are SQL lookups. An update reads it twice (get_instance
// before and after), a delete once (get_instance), plus the LUN maps it deletes (extent-methods.ts
// `deleteMapping`).
import { callError, errno, type FieldError, unexpectedException, validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, check, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import { dropSessions } from './attachments.js';
import { targetTable } from './columns.js';
import { crudReads, instanceOf, readBack } from './crud.js';
import { deleteMapping } from './extent-methods.js';
import type { TargetGroup, TargetRow } from './types.js';

const targetName = /^[-a-z0-9.:]+$/;
const verbose = 'iSCSITarget';

const groupSchema = s.obj({
  portal: s.req(s.int()),
  initiator: s.opt(s.nullable(s.int()), null),
  authmethod: s.opt(s.str({ enum: ['NONE', 'CHAP', 'CHAP_MUTUAL'] }), 'NONE'),
  auth: s.opt(s.nullable(s.int()), null),
});

const fields = {
  name: s.req(s.nonEmpty(120)),
  alias: s.opt(s.nullable(s.str()), null),
  mode: s.opt(s.str({ enum: ['ISCSI', 'FC', 'BOTH'] }), 'ISCSI'),
  groups: s.opt(s.list(groupSchema), []),
  auth_networks: s.opt(s.list(s.str()), []),
  iscsi_parameters: s.opt(
    s.nullable(s.obj({ QueuedCommands: s.opt(s.nullable(s.int({ enum: [32, 128] })), null) })),
    null,
  ),
  defer: s.opt(s.bool(), false),
};

const createSchema = s.obj(fields);
const updateSchema = s.obj(
  Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, { schema: f.schema, required: false }])),
);

function parse(value: unknown, schema: ReturnType<typeof s.obj>, argName: string): Record<string, unknown> {
  const problems: FieldError[] = [];
  const out = check(value, schema, argName, problems) as Record<string, unknown>;
  if (typeof out?.name === 'string' && out.name.length > 0 && !targetName.test(out.name)) {
    problems.push([
      `${argName}.name`,
      'Value error, Name can only contain lowercase alphanumeric charactersplus dot (.), dash (-), and colon (:)',
      22,
    ]);
  }
  for (const [i, net] of ((out?.auth_networks as string[]) ?? []).entries()) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(net)) {
      problems.push([`${argName}.auth_networks.${i}`, 'Value error, Invalid network', 22]);
    }
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  return out;
}

function validate(sim: SimCore, data: Record<string, unknown>, schema: string, oldId?: number): void {
  const verrors: FieldError[] = [];
  const name = data.name as string;
  // validate_name and the alias check query with force_sql_filters: only their matches are read.
  if (sim.iscsi.targets.where((t) => t.name === name && t.id !== oldId).length > 0) {
    verrors.push([`${schema}.name`, 'Target with this name already exists', 22]);
  }
  const alias = data.alias as string | null;
  if (alias !== null) {
    if (alias.includes('"')) {
      verrors.push([`${schema}.alias`, 'Double quotes are not allowed', 22]);
    } else if (alias === 'target') {
      verrors.push([`${schema}.alias`, 'target is a reserved word', 22]);
    } else if (sim.iscsi.targets.where((t) => t.alias === alias && t.id !== oldId).length > 0) {
      verrors.push([`${schema}.alias`, 'Alias already exists', 22]);
    }
  }
  if (data.mode !== 'ISCSI') {
    verrors.push([`${schema}.mode`, 'Fibre Channel not enabled', 22]);
  }
  const seen: number[] = [];
  (data.groups as TargetGroup[]).forEach((group, i) => {
    const at = `${schema}.groups.${i}`;
    if (seen.includes(group.portal)) {
      verrors.push([`${at}.portal`, `Portal ${group.portal} cannot be duplicated on a target`, 22]);
    } else if (!sim.iscsi.portals.get(group.portal)) {
      verrors.push([`${at}.portal`, `${group.portal} Portal not found in database`, 22]);
    } else {
      seen.push(group.portal);
    }
    if (group.initiator && !sim.iscsi.initiators.get(group.initiator)) {
      verrors.push([`${at}.initiator`, `${group.initiator} Initiator not found in database`, 22]);
    }
    if (!group.auth && group.authmethod !== 'NONE') {
      verrors.push([`${at}.auth`, 'Authentication group is required for CHAP and CHAP Mutual', 22]);
    } else if (group.auth && group.authmethod === 'CHAP_MUTUAL') {
      const auth = sim.iscsi.auth.find((a) => a.tag === group.auth);
      if (!auth) {
        verrors.push([`${at}.auth`, 'Authentication group not found', errno.ENOENT]);
      } else if (!auth.peeruser) {
        verrors.push([`${at}.auth`, `Authentication group ${group.auth} does not support CHAP Mutual`, 22]);
      }
    }
  });
  if (verrors.length > 0) {
    throw validationErrors(verrors);
  }
}

function toRow(data: Record<string, unknown>): Omit<TargetRow, 'id' | 'rel_tgt_id'> {
  return {
    name: data.name as string,
    alias: data.alias as string | null,
    mode: data.mode as TargetRow['mode'],
    groups: (data.groups as TargetGroup[]).map((g) => ({ ...g })),
    auth_networks: [...(data.auth_networks as string[])],
    iscsi_parameters: data.iscsi_parameters as TargetRow['iscsi_parameters'],
  };
}

/**
 * get_rel_tgt_id (under ISCSI_RELTGT_LOCK): the lowest id in 1..31999 no target has, from
 * `iscsi.target.query([], {select: ["rel_tgt_id"]})`, a whole-table read.
 */
function relTgtId(sim: SimCore): number {
  const used = new Set(sim.iscsi.targets.all().map((t) => t.rel_tgt_id));
  for (let id = 1; id < 32000; id++) {
    if (!used.has(id)) {
      return sim.iscsi.claimRelTgtId(id);
    }
  }
  throw unexpectedException('Unable to deletmine rel_tgt_id', 'ValueError');
}

const show = (_sim: SimCore, row: TargetRow) => structuredClone(row) as unknown as Record<string, unknown>;

export const targetMethods: MethodTable<CallContext> = {
  ...crudReads({
    namespace: 'iscsi.target',
    verboseName: verbose,
    table: (sim) => sim.iscsi.targets,
    columns: targetTable,
    extend: show,
  }),
  'iscsi.target.create': {
    args: [arg('iscsi_target_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, createSchema, 'iscsi_target_create');
      validate(ctx.sim, data, 'iscsi_target_create');
      const { targets } = ctx.sim.iscsi;
      const row = targets.insert({ ...toRow(data), rel_tgt_id: relTgtId(ctx.sim) });
      return show(ctx.sim, readBack(targets, row));
    },
  },
  'iscsi.target.update': {
    args: [arg('id', s.int()), arg('iscsi_target_update', s.any())],
    handler: (ctx, [id, input]) => {
      const old = instanceOf(ctx.sim.iscsi.targets, id as number, verbose);
      const patch = parse(input, updateSchema, 'iscsi_target_update');
      const merged = { ...old, ...patch } as Record<string, unknown>;
      validate(ctx.sim, merged, 'iscsi_target_create', old.id);
      Object.assign(old, toRow(merged));
      return show(ctx.sim, readBack(ctx.sim.iscsi.targets, old));
    },
  },
  'iscsi.target.delete': {
    args: [
      arg('id', s.int()),
      arg('force', s.bool(), false),
      arg('delete_extents', s.bool(), false),
      arg('defer', s.bool(), false),
    ],
    handler: (ctx, [id, force, deleteExtents]) => {
      const { iscsi } = ctx.sim;
      const target = instanceOf(iscsi.targets, id as number, verbose);
      if (iscsi.activeTargets([target.id]).length > 0 && force !== true) {
        throw callError(`Target ${target.name} is in use.`);
      }
      for (const te of iscsi.targetextents.filter((t) => t.target === target.id)) {
        deleteMapping(ctx.sim, te.id, force === true);
        if (deleteExtents === true) {
          iscsi.extents.delete(te.extent);
        }
      }
      iscsi.targets.delete(target.id);
      dropSessions(ctx.sim, target.name);
      return true;
    },
  },
  'iscsi.target.validate_name': {
    args: [arg('name', s.str()), arg('existing_id', s.nullable(s.int()), null)],
    handler: (ctx, [name, existingId]) => {
      if (!targetName.test(name as string)) {
        return 'Only lowercase alphanumeric characters plus dot (.), dash (-), and colon (:) are allowed.';
      }
      const clash = ctx.sim.iscsi.targets.find((t) => t.name === name && t.id !== existingId);
      return clash ? 'Target with this name already exists' : null;
    },
  },
};
