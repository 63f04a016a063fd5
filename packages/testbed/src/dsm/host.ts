// SYNO.Core.ISCSI.Host (DSM 7 SAN Manager): host objects group initiator IQNs and carry a
// permission per LUN. Method names come from DSM 7's API catalog (create, delete, list, get, set,
// map_initiator, unmap_initiator, lun_acl_masks_set); `list`/`get` with `additional: ["acls"]`
// answering `{host_id, name, initiator_ids, acls: [{lun_uuid, permission}]}` and `map_initiator
// {host_id, initiator_ids}` are observed in scripts run against DSM 7. The parameters of `create`
// and `lun_acl_masks_set` are the simulator's reading, not confirmed (docs/dsm-simulator.md).
import { codes, DsmError } from './codes.js';
import type { ApiHandlers, HandlerContext } from './context.js';
import { checkIqn, checkName } from './names.js';
import type { Params } from './params.js';
import { type Host, type Permission, permissions } from './state.js';
import { hostView } from './views.js';

function hostParam(ctx: HandlerContext): Host {
  const id = ctx.params.string('host_id', { required: true, wrongType: codes.malformedId });
  if (!/^\d+$/.test(id)) {
    throw new DsmError(codes.noSuchObject, `no host ${id}`);
  }
  return ctx.state.host(Number(id));
}

function initiatorIds(params: Params, required: boolean): string[] {
  const list = params.array('initiator_ids');
  if (list === undefined) {
    if (required) {
      throw new DsmError(codes.missingParam, 'initiator_ids');
    }
    return [];
  }
  return list.map((iqn) => {
    if (typeof iqn !== 'string') {
      throw new DsmError(codes.badParam, 'initiator_ids holds IQN strings');
    }
    checkIqn(iqn);
    return iqn;
  });
}

function ensureUniqueName(ctx: HandlerContext, name: string, self: Host | undefined): void {
  for (const other of ctx.state.hosts.values()) {
    if (other !== self && other.name === name) {
      throw new DsmError(codes.duplicateHostName, name);
    }
  }
}

async function create(ctx: HandlerContext) {
  const { params, state } = ctx;
  const name = params.string('name', { required: true });
  checkName(name);
  const initiators = [...new Set(initiatorIds(params, false))];
  ensureUniqueName(ctx, name, undefined);
  const host: Host = {
    hostId: state.nextHostId(),
    name,
    description: params.string('description') ?? '',
    initiators,
    acls: new Map(),
  };
  state.hosts.set(host.hostId, host);
  return { host_id: host.hostId };
}

async function get(ctx: HandlerContext) {
  return { host: hostView(hostParam(ctx), ctx.params.additional()) };
}

async function list(ctx: HandlerContext) {
  const additional = ctx.params.additional();
  const hosts = [...ctx.state.hosts.values()].map((h) => hostView(h, additional));
  return { hosts, total: hosts.length };
}

async function set(ctx: HandlerContext) {
  const host = hostParam(ctx);
  const name = ctx.params.string('name');
  if (name !== undefined) {
    checkName(name);
    ensureUniqueName(ctx, name, host);
    host.name = name;
  }
  host.description = ctx.params.string('description') ?? host.description;
  return undefined;
}

async function remove(ctx: HandlerContext) {
  const host = hostParam(ctx);
  ctx.state.hosts.delete(host.hostId);
  return undefined;
}

async function mapInitiator(ctx: HandlerContext) {
  const host = hostParam(ctx);
  for (const iqn of initiatorIds(ctx.params, true)) {
    if (!host.initiators.includes(iqn)) {
      host.initiators.push(iqn);
    }
  }
  return undefined;
}

async function unmapInitiator(ctx: HandlerContext) {
  const host = hostParam(ctx);
  const gone = new Set(initiatorIds(ctx.params, true));
  host.initiators = host.initiators.filter((iqn) => !gone.has(iqn));
  return undefined;
}

/** Sets the host's permission on each listed LUN; LUNs not listed keep theirs. */
async function lunAclMasksSet(ctx: HandlerContext) {
  const host = hostParam(ctx);
  const list = ctx.params.array('acls');
  if (!list) {
    throw new DsmError(codes.missingParam, 'acls');
  }
  const changes = list.map((entry) => {
    const item = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry : {};
    const { lun_uuid: lunUuid, permission } = item;
    if (typeof lunUuid !== 'string' || !permissions.includes(permission as Permission)) {
      throw new DsmError(codes.badParam, 'acls entries are {lun_uuid, permission: rw|ro|none}');
    }
    const lun = ctx.state.luns.get(lunUuid);
    if (!lun || lun.deletingUntil !== undefined) {
      throw new DsmError(codes.noSuchLun, lunUuid);
    }
    return [lunUuid, permission as Permission] as const;
  });
  for (const [lunUuid, permission] of changes) {
    host.acls.set(lunUuid, permission);
  }
  return undefined;
}

export const hostHandlers: ApiHandlers = {
  create,
  get,
  list,
  set,
  delete: remove,
  map_initiator: mapInitiator,
  unmap_initiator: unmapInitiator,
  lun_acl_masks_set: lunAclMasksSet,
};
