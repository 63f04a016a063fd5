// Helpers shared by the LUN and LUN-snapshot handlers: parameter checks, the admission rules for
// a new LUN (name, type, filesystem, duplicates, model ceiling, space) and LUN construction.
import { codes, DsmError } from './codes.js';
import type { HandlerContext } from './context.js';
import { checkName } from './names.js';
import type { Params } from './params.js';
import { type DsmState, type Lun, type LunTypeName, lunTypes } from './state.js';

export function lunUuidParam(params: Params, name: string): string {
  const value = params.string(name, { required: true, wrongType: codes.badLunUuid });
  if (value === '') {
    throw new DsmError(codes.badLunUuid, `${name} is empty`);
  }
  return value;
}

export function liveLun(state: DsmState, uuidOrName: string): Lun {
  const lun = state.lun(uuidOrName);
  if (lun.deletingUntil !== undefined) {
    throw new DsmError(codes.noSuchLun, 'LUN is being deleted');
  }
  return lun;
}

/** The checks shared by create, clone and clone_snapshot, in DSM's order. */
export async function admitNewLun(
  ctx: HandlerContext,
  spec: { name: string; type: LunTypeName; location: string; size: number },
): Promise<'ok' | 'created-but-refused'> {
  const verdict = checkName(spec.name);
  const volume = ctx.state.volume(spec.location);
  if (!lunTypes[spec.type].fs.includes(volume.fsType)) {
    throw new DsmError(codes.lunTypeIncompatible, `${spec.type} on ${volume.fsType}`);
  }
  if (ctx.state.findLun(spec.name)?.name === spec.name) {
    throw new DsmError(codes.duplicateLunName, spec.name);
  }
  if (ctx.state.luns.size >= ctx.state.model.maxLuns) {
    throw new DsmError(codes.lunLimit);
  }
  const limit = lunTypes[spec.type].thick ? await ctx.state.freeBytes(spec.location) : volume.totalBytes;
  if (spec.size > limit) {
    throw new DsmError(codes.outOfSpace);
  }
  return verdict;
}

export function newLun(
  ctx: HandlerContext,
  spec: Pick<Lun, 'name' | 'type' | 'location' | 'size' | 'description' | 'devAttribs' | 'parent'>,
  lockMs: number,
): Lun {
  const uuid = ctx.state.newUuid();
  const lun: Lun = {
    ...spec,
    uuid,
    lunId: ctx.state.nextLunId(),
    lockedUntil: ctx.now + lockMs,
    deletingUntil: undefined,
    snapshots: new Map(),
    backingKey: `lun-${uuid}`,
    createdAt: ctx.now,
  };
  ctx.state.luns.set(uuid, lun);
  return lun;
}
