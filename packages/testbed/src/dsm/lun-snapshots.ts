// SYNO.Core.ISCSI.LUN snapshot methods: take_snapshot, list_snapshot, get_snapshot,
// delete_snapshot, clone_snapshot. Only Btrfs LUNs created with `can_snapshot` can be snapshotted.
import { codes, DsmError } from './codes.js';
import type { ApiHandlers, HandlerContext } from './context.js';
import { admitNewLun, liveLun, lunUuidParam, newLun, unlockedLun } from './lun-common.js';
import { checkName } from './names.js';
import type { Lun, LunSnapshot } from './state.js';
import { snapshotView } from './views.js';

function snapshotUuidParam(ctx: HandlerContext): string {
  const value = ctx.params.string('snapshot_uuid', { required: true, wrongType: codes.noSuchSnapshot });
  if (value === '') {
    throw new DsmError(codes.noSuchSnapshot, 'empty snapshot_uuid');
  }
  return value;
}

function snapshotOf(ctx: HandlerContext, uuid: string): { lun: Lun; snapshot: LunSnapshot } {
  const found = ctx.state.findSnapshot(uuid);
  if (!found || found.lun.deletingUntil !== undefined) {
    throw new DsmError(codes.noSuchSnapshot, uuid);
  }
  return found;
}

async function takeSnapshot(ctx: HandlerContext) {
  const { params, state, now } = ctx;
  const lun = unlockedLun(ctx, lunUuidParam(params, 'src_lun_uuid'));
  const name = params.string('snapshot_name', { required: true });
  const description = params.string('description', { wrongType: codes.badDescription }) ?? '';
  checkName(name);
  if ((lun.type !== 'BLUN' && lun.type !== 'BLUN_THICK') || lun.devAttribs.can_snapshot !== 1) {
    throw new DsmError(codes.badLunType, 'this LUN cannot be snapshotted');
  }
  if ([...lun.snapshots.values()].some((s) => s.name === name)) {
    throw new DsmError(codes.duplicateSnapshotName, name);
  }
  if (lun.snapshots.size >= state.model.maxSnapshotsPerLun) {
    throw new DsmError(codes.snapshotLimit);
  }
  const uuid = state.newUuid();
  const snapshot: LunSnapshot = {
    uuid,
    snapshotId: state.nextSnapshotId(),
    name,
    description,
    takenBy: params.string('taken_by') ?? 'user',
    locked: params.bool('is_locked') ?? false,
    appConsistent: params.bool('is_app_consistent') ?? false,
    lunUuid: lun.uuid,
    size: lun.size,
    createdAt: now,
    readyAt: now + ctx.knobs.snapshotReadyMs,
    backingKey: `snap-${uuid}`,
  };
  await state.backing.copy(lun.backingKey, snapshot.backingKey);
  lun.snapshots.set(uuid, snapshot);
  return { snapshot_uuid: uuid };
}

async function listSnapshots(ctx: HandlerContext) {
  const lun = liveLun(ctx.state, lunUuidParam(ctx.params, 'src_lun_uuid'));
  return { snapshots: [...lun.snapshots.values()].map((s) => snapshotView(lun, s, ctx.now)) };
}

async function getSnapshot(ctx: HandlerContext) {
  const { lun, snapshot } = snapshotOf(ctx, snapshotUuidParam(ctx));
  return { snapshot: snapshotView(lun, snapshot, ctx.now) };
}

async function deleteSnapshot(ctx: HandlerContext) {
  const { lun, snapshot } = snapshotOf(ctx, snapshotUuidParam(ctx));
  lun.snapshots.delete(snapshot.uuid);
  await ctx.state.backing.remove(snapshot.backingKey);
  return undefined;
}

async function cloneSnapshot(ctx: HandlerContext) {
  const { params, state } = ctx;
  const source = liveLun(state, lunUuidParam(params, 'src_lun_uuid'));
  const { lun: owner, snapshot } = snapshotOf(ctx, snapshotUuidParam(ctx));
  if (owner.uuid !== source.uuid) {
    throw new DsmError(codes.noSuchSnapshot, 'snapshot belongs to another LUN');
  }
  const name = params.string('cloned_lun_name', { required: true });
  const location = source.location;
  const verdict = await admitNewLun(ctx, { name, type: source.type, location, size: snapshot.size });
  const parent = {
    lunUuid: source.uuid,
    lunName: source.name,
    snapshotUuid: snapshot.uuid,
    snapshotTime: Math.floor(snapshot.createdAt / 1000),
  };
  const lun = newLun(
    ctx,
    {
      name,
      type: source.type,
      location,
      size: snapshot.size,
      description: '',
      devAttribs: { ...source.devAttribs },
      parent,
    },
    ctx.knobs.lockAfterCloneMs,
  );
  await state.backing.copy(snapshot.backingKey, lun.backingKey);
  if (verdict === 'created-but-refused') {
    throw new DsmError(codes.nameTooLong, 'refused, but the clone was created');
  }
  return { cloned_lun_uuid: lun.uuid };
}

export const snapshotHandlers: ApiHandlers = {
  take_snapshot: takeSnapshot,
  list_snapshot: listSnapshots,
  get_snapshot: getSnapshot,
  delete_snapshot: deleteSnapshot,
  clone_snapshot: cloneSnapshot,
};
