// iscsi.initiator.*, iscsi.auth.*, iscsi.portal.* and iscsi.global.*. Deleting an initiator group
// sets the `initiator` of target groups that used it to NULL (FK ON DELETE SET NULL), which means
// "any initiator". CHAP secrets must be 12–16 characters.
import { queryArgs, queryParams, runQuery } from '../query/query.js';
import { callError, type FieldError, validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, check, type Schema, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import { authTable, initiatorTable, portalTable } from './columns.js';
import { crudReads, instanceOf, readBack } from './crud.js';
import type { AuthRow } from './types.js';

function parse(value: unknown, schema: Schema, argName: string): Record<string, unknown> {
  const problems: FieldError[] = [];
  const out = check(value, schema, argName, problems) as Record<string, unknown>;
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  return out;
}

const partial = (schema: Schema): Schema =>
  schema.kind === 'obj'
    ? s.obj(
        Object.fromEntries(Object.entries(schema.fields).map(([k, f]) => [k, { schema: f.schema, required: false }])),
      )
    : schema;

const initiatorSchema = s.obj({ initiators: s.opt(s.list(s.str()), []), comment: s.opt(s.str(), '') });

const authSchema = s.obj({
  tag: s.req(s.int()),
  user: s.req(s.str()),
  secret: s.req(s.str()),
  peeruser: s.opt(s.str(), ''),
  peersecret: s.opt(s.str(), ''),
  discovery_auth: s.opt(s.str({ enum: ['NONE', 'CHAP', 'CHAP_MUTUAL'] }), 'NONE'),
});

function checkSecret(secret: string, field: string, title: string, schema: string, verrors: FieldError[]): void {
  if (secret.length < 12 || secret.length > 16) {
    verrors.push([`${schema}.${field}`, `${title} must be between 12 and 16 characters.`, 22]);
  }
  if (secret !== secret.trim()) {
    verrors.push([`${schema}.${field}`, `${title} contains leading or trailing space.`, 22]);
  }
  if (secret.includes('#')) {
    verrors.push([`${schema}.${field}`, `${title} contains invalid characters: #`, 22]);
  }
}

function validateAuth(data: Record<string, unknown>, schema: string): void {
  const verrors: FieldError[] = [];
  const secret = data.secret as string;
  const peerUser = data.peeruser as string;
  const peerSecret = data.peersecret as string;
  if (!peerUser && peerSecret) {
    verrors.push([`${schema}.peersecret`, 'The peer user is required if you set a peer secret.', 22]);
  }
  checkSecret(secret, 'secret', 'Secret', schema, verrors);
  if (peerUser) {
    if (!peerSecret) {
      verrors.push([`${schema}.peersecret`, 'The peer secret is required if you set a peer user.', 22]);
    } else if (peerSecret === secret) {
      verrors.push([`${schema}.peersecret`, 'The peer secret cannot be the same as user secret.', 22]);
    } else {
      checkSecret(peerSecret, 'peersecret', 'Peer Secret', schema, verrors);
    }
  } else if (data.discovery_auth === 'CHAP_MUTUAL') {
    verrors.push([`${schema}.discovery_auth`, 'Cannot specify CHAP_MUTUAL if peer_user has not been defined.', 22]);
  }
  if (verrors.length > 0) {
    throw validationErrors(verrors);
  }
}

/**
 * Why the entry `row` cannot leave its tag (`iscsi.auth.delete`, or an update of its `tag`): only
 * the last entry of a tag is checked, against a filtered datastore query of the target-groups table
 * (services.iscsitargetgroups), which names a target once per group row that uses the tag.
 * TS-25.10.6 and stable/26 share this code (plugins/iscsi_/auth.py `is_in_use`).
 */
function authInUse(sim: SimCore, row: AuthRow): string | undefined {
  const lastOfTag = !sim.iscsi.auth.find((a) => a.tag === row.tag && a.id !== row.id);
  const users = sim.iscsi.targets.rows().flatMap((t) => t.groups.filter((g) => g.auth === row.tag).map(() => t.id));
  if (lastOfTag && users.length > 0) {
    return `Authorized access of ${row.id} is being used by following target(s): ${users.join(', ')}`;
  }
  return undefined;
}

const initiatorVerbose = 'iSCSITargetAuthorizedInitiator';
const authVerbose = 'iSCSITargetAuthCredential';
const portalVerbose = 'iSCSITargetPortal';

export const accessMethods: MethodTable<CallContext> = {
  ...crudReads({
    namespace: 'iscsi.initiator',
    verboseName: initiatorVerbose,
    table: (sim) => sim.iscsi.initiators,
    columns: initiatorTable,
    extend: (_sim, row) => structuredClone({ ...row }),
  }),
  'iscsi.initiator.create': {
    args: [arg('iscsi_initiator_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, initiatorSchema, 'iscsi_initiator_create');
      const row = ctx.sim.iscsi.initiators.insert({
        initiators: [...(data.initiators as string[])],
        comment: data.comment as string,
      });
      return structuredClone({ ...readBack(ctx.sim.iscsi.initiators, row) });
    },
  },
  'iscsi.initiator.update': {
    args: [arg('id', s.int()), arg('iscsi_initiator_update', s.any())],
    handler: (ctx, [id, input]) => {
      const row = instanceOf(ctx.sim.iscsi.initiators, id as number, initiatorVerbose);
      const data = parse(input, partial(initiatorSchema), 'iscsi_initiator_update');
      if (data.initiators !== undefined) {
        row.initiators = [...(data.initiators as string[])];
      }
      if (data.comment !== undefined) {
        row.comment = data.comment as string;
      }
      return structuredClone({ ...readBack(ctx.sim.iscsi.initiators, row) });
    },
  },
  'iscsi.initiator.delete': {
    args: [arg('id', s.int())],
    handler: (ctx, [id]) => {
      const row = instanceOf(ctx.sim.iscsi.initiators, id as number, initiatorVerbose);
      // FOREIGN KEY … ON DELETE SET NULL: SQLite's own work, no row reaches the middleware.
      for (const target of ctx.sim.iscsi.targets.rows()) {
        for (const group of target.groups) {
          if (group.initiator === row.id) {
            group.initiator = null;
          }
        }
      }
      ctx.sim.iscsi.initiators.delete(row.id);
      return true;
    },
  },
  ...crudReads({
    namespace: 'iscsi.auth',
    verboseName: authVerbose,
    table: (sim) => sim.iscsi.auth,
    columns: authTable,
  }),
  'iscsi.auth.create': {
    args: [arg('data', authSchema)],
    handler: (ctx, [input]) => {
      const data = input as Record<string, unknown>;
      validateAuth(data, 'iscsi_auth_create');
      const row = ctx.sim.iscsi.auth.insert(data as unknown as Omit<AuthRow, 'id'>);
      return { ...readBack(ctx.sim.iscsi.auth, row, false) };
    },
  },
  'iscsi.auth.update': {
    args: [arg('id', s.int()), arg('data', partial(authSchema))],
    handler: (ctx, [id, input]) => {
      const row = instanceOf(ctx.sim.iscsi.auth, id as number, authVerbose, false);
      const merged = { ...row, ...(input as Record<string, unknown>) };
      validateAuth(merged, 'iscsi_auth_update');
      if (merged.tag !== row.tag) {
        const usage = authInUse(ctx.sim, row);
        if (usage) {
          throw validationErrors([['iscsi_auth_update.tag', usage]]);
        }
      }
      Object.assign(row, merged);
      return { ...readBack(ctx.sim.iscsi.auth, row, false) };
    },
  },
  'iscsi.auth.delete': {
    args: [arg('id', s.int())],
    handler: (ctx, [id]) => {
      const row = instanceOf(ctx.sim.iscsi.auth, id as number, authVerbose, false);
      const usage = authInUse(ctx.sim, row);
      if (usage) {
        throw callError(usage);
      }
      ctx.sim.iscsi.auth.delete(row.id);
      return true;
    },
  },
  ...crudReads({
    namespace: 'iscsi.portal',
    verboseName: portalVerbose,
    table: (sim) => sim.iscsi.portals,
    columns: portalTable,
    extend: (_sim, row) => structuredClone({ ...row }),
  }),
  'iscsi.portal.create': {
    args: [
      arg(
        'iscsi_portal_create',
        s.obj({ listen: s.req(s.list(s.obj({ ip: s.req(s.nonEmpty()) }))), comment: s.opt(s.str(), '') }),
      ),
    ],
    handler: (ctx, [input]) => {
      const data = input as { listen: Array<{ ip: string }>; comment: string };
      const { portals, global } = ctx.sim.iscsi;
      const tag = portals.rows().reduce((max, p) => Math.max(max, p.tag), 0) + 1;
      const row = portals.insert({
        listen: data.listen.map((l) => ({ ip: l.ip, port: global.listen_port })),
        tag,
        comment: data.comment,
      });
      return structuredClone({ ...readBack(portals, row) });
    },
  },
  'iscsi.portal.delete': {
    args: [arg('id', s.int())],
    handler: (ctx, [id]) => {
      const row = instanceOf(ctx.sim.iscsi.portals, id as number, portalVerbose);
      if (ctx.sim.iscsi.targets.find((t) => t.groups.some((g) => g.portal === row.id))) {
        throw callError(
          "This object is being used by following service(s):\n1) 'services.iscsitargetgroups' Datastore\n",
          16,
        );
      }
      ctx.sim.iscsi.portals.delete(row.id);
      return true;
    },
  },
  'iscsi.global.config': { args: [], handler: (ctx) => ({ ...ctx.sim.iscsi.global }) },
  'iscsi.global.update': {
    args: [
      arg(
        'iscsi_update',
        s.obj({
          basename: s.opt(s.str()),
          isns_servers: s.opt(s.list(s.str())),
          listen_port: s.opt(s.int({ min: 1025, max: 65535 })),
          pool_avail_threshold: s.opt(s.nullable(s.int({ min: 1, max: 99 }))),
          alua: s.opt(s.bool()),
          iser: s.opt(s.bool()),
        }),
      ),
    ],
    handler: (ctx, [input]) => {
      Object.assign(ctx.sim.iscsi.global, input as Record<string, unknown>);
      return { ...ctx.sim.iscsi.global };
    },
  },
  'iscsi.global.sessions': {
    args: queryArgs,
    handler: (ctx, values) => {
      const { filters, options } = queryParams(values);
      const rows = ctx.sim.iscsi.sessions.map((session) => ({
        ...session,
        initiator_alias: null,
        target_alias: '',
        header_digest: null,
        data_digest: null,
        max_data_segment_length: null,
        max_receive_data_segment_length: null,
        max_xmit_data_segment_length: null,
        max_burst_length: null,
        first_burst_length: null,
        immediate_data: true,
        iser: false,
        offload: false,
      }));
      return runQuery(rows, filters, options);
    },
  },
  'iscsi.global.client_count': {
    args: [],
    handler: (ctx) => new Set(ctx.sim.iscsi.sessions.map((session) => session.initiator)).size,
  },
};
