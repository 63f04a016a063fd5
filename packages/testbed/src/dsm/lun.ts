// SYNO.Core.ISCSI.LUN: list, get, create, set, delete, clone, map_target, unmap_target. The
// snapshot methods of the same API live in lun-snapshots.ts.
import { codes, DsmError } from './codes.js';
import type { ApiHandlers, HandlerContext } from './context.js';
import { admitNewLun, liveLun, lunUuidParam, newLun } from './lun-common.js';
import { snapshotHandlers } from './lun-snapshots.js';
import { checkName } from './names.js';
import type { Params, ParamValue } from './params.js';
import {
  type DevAttrib,
  defaultDevAttribs,
  devAttribNames,
  type LunTypeName,
  lunTypes,
  refusedLunTypes,
} from './state.js';
import { lunView } from './views.js';

function parseDevAttribs(list: ParamValue[] | undefined): Record<DevAttrib, number> {
  const attribs = { ...defaultDevAttribs };
  for (const item of list ?? []) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new DsmError(codes.badParam, 'dev_attribs entries are objects');
    }
    const name = item.dev_attrib;
    if (typeof name !== 'string' || !(devAttribNames as readonly string[]).includes(name)) {
      throw new DsmError(codes.badParam, `unknown dev_attrib ${String(name)}`);
    }
    attribs[name as DevAttrib] = item.enable === 1 || item.enable === true ? 1 : 0;
  }
  return attribs;
}

function lunType(name: string): LunTypeName {
  if (refusedLunTypes.has(name) || !(name in lunTypes)) {
    throw new DsmError(codes.badLunType, name);
  }
  return name as LunTypeName;
}

async function create(ctx: HandlerContext) {
  const { params } = ctx;
  const name = params.string('name', { required: true });
  const size = params.int('size', { required: true });
  const type = lunType(params.string('type', { required: true }));
  const location = params.string('location', { required: true });
  const description = params.string('description', { wrongType: codes.badDescription }) ?? '';
  const devAttribs = parseDevAttribs(params.array('dev_attribs'));
  if (size <= 0) {
    throw new DsmError(codes.badParam, 'size must be positive');
  }
  const verdict = await admitNewLun(ctx, { name, type, location, size });
  const lun = newLun(
    ctx,
    { name, type, location, size, description, devAttribs, parent: undefined },
    ctx.knobs.lockAfterCreateMs,
  );
  await ctx.state.backing.create(lun.backingKey, size);
  if (verdict === 'created-but-refused') {
    throw new DsmError(codes.nameTooLong, 'refused, but the LUN was created');
  }
  return { uuid: lun.uuid, lun_id: lun.lunId };
}

async function get(ctx: HandlerContext) {
  const lun = ctx.state.lun(lunUuidParam(ctx.params, 'uuid'));
  return { lun: await lunView(ctx.state, lun, ctx.params.additional(), ctx.now) };
}

async function list(ctx: HandlerContext) {
  const types = ctx.params.array('types');
  const location = ctx.params.string('location');
  const additional = ctx.params.additional();
  const luns = [];
  for (const lun of ctx.state.luns.values()) {
    if ((types && !types.includes(lun.type)) || (location && lun.location !== location)) {
      continue;
    }
    luns.push(await lunView(ctx.state, lun, additional, ctx.now));
  }
  return { luns, total: luns.length };
}

async function set(ctx: HandlerContext) {
  const { params, state } = ctx;
  const lun = liveLun(ctx.state, lunUuidParam(params, 'uuid'));
  const newName = params.string('new_name');
  if (newName !== undefined && newName !== lun.name) {
    checkName(newName);
    if (state.findLun(newName)?.name === newName) {
      throw new DsmError(codes.duplicateLunName, newName);
    }
  }
  const newSize = params.int('new_size');
  if (newSize !== undefined && newSize !== lun.size) {
    if (newSize < lun.size) {
      throw new DsmError(codes.badParam, 'LUNs cannot shrink');
    }
    const volume = state.volume(lun.location);
    const room = lunTypes[lun.type].thick ? (await state.freeBytes(lun.location)) + lun.size : volume.totalBytes;
    if (newSize > room) {
      throw new DsmError(codes.outOfSpace);
    }
    await state.backing.grow(lun.backingKey, newSize);
    lun.size = newSize;
    lun.lockedUntil = ctx.now + ctx.knobs.lockAfterResizeMs;
  }
  if (newName !== undefined) {
    lun.name = newName;
  }
  const description = params.string('description', { wrongType: codes.badDescription });
  if (description !== undefined) {
    lun.description = description;
  }
  if (params.has('dev_attribs')) {
    const given = params.array('dev_attribs') ?? [];
    const parsed = parseDevAttribs(given);
    for (const item of given) {
      const name = (item as { dev_attrib: DevAttrib }).dev_attrib;
      lun.devAttribs[name] = parsed[name];
    }
  }
  return undefined;
}

async function remove(ctx: HandlerContext) {
  const { params, state } = ctx;
  const single = params.string('uuid', { wrongType: codes.badLunUuid });
  const many = (params.array('uuids') ?? []).filter((u): u is string => typeof u === 'string');
  const uuids = single ? [single, ...many] : many;
  if (uuids.length === 0) {
    throw new DsmError(codes.missingParam, 'uuid');
  }
  const luns = uuids.map((u) => state.lun(u));
  for (const lun of luns) {
    if (lun.deletingUntil !== undefined) {
      continue;
    }
    for (const target of state.targets.values()) {
      target.mapped.delete(lun.uuid);
    }
    if (ctx.knobs.deleteDelayMs <= 0) {
      await state.destroyLun(lun);
    } else {
      lun.deletingUntil = ctx.now + ctx.knobs.deleteDelayMs;
    }
  }
  return undefined;
}

async function clone(ctx: HandlerContext) {
  const { params, state } = ctx;
  const source = liveLun(ctx.state, lunUuidParam(params, 'src_lun_uuid'));
  const name = params.string('dst_lun_name', { required: true });
  const location = params.string('dst_location') || source.location;
  const verdict = await admitNewLun(ctx, { name, type: source.type, location, size: source.size });
  const parent = { lunUuid: source.uuid, lunName: source.name, snapshotUuid: '', snapshotTime: 0 };
  const lun = newLun(
    ctx,
    {
      name,
      type: source.type,
      location,
      size: source.size,
      description: '',
      devAttribs: { ...source.devAttribs },
      parent,
    },
    ctx.knobs.lockAfterCloneMs,
  );
  await state.backing.copy(source.backingKey, lun.backingKey);
  if (verdict === 'created-but-refused') {
    throw new DsmError(codes.nameTooLong, 'refused, but the clone was created');
  }
  return { dst_lun_uuid: lun.uuid };
}

function targetIds(params: Params): number[] {
  const list = params.array('target_ids');
  if (!list || list.length === 0) {
    throw new DsmError(codes.missingParam, 'target_ids');
  }
  return list.map((v) => {
    const id = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new DsmError(codes.malformedId, 'target_ids holds integers');
    }
    return id;
  });
}

async function mapTarget(ctx: HandlerContext) {
  const lun = liveLun(ctx.state, lunUuidParam(ctx.params, 'uuid'));
  const targets = targetIds(ctx.params).map((id) => ctx.state.target(String(id)));
  for (const target of targets) {
    if (target.mapped.has(lun.uuid)) {
      continue;
    }
    const used = new Set(target.mapped.values());
    let index = 1;
    while (used.has(index)) {
      index++;
    }
    target.mapped.set(lun.uuid, index);
  }
  return undefined;
}

async function unmapTarget(ctx: HandlerContext) {
  const lun = liveLun(ctx.state, lunUuidParam(ctx.params, 'uuid'));
  for (const id of targetIds(ctx.params)) {
    ctx.state.target(String(id)).mapped.delete(lun.uuid);
  }
  return undefined;
}

export const lunHandlers: ApiHandlers = {
  create,
  get,
  list,
  set,
  delete: remove,
  clone,
  map_target: mapTarget,
  unmap_target: unmapTarget,
  ...snapshotHandlers,
};
