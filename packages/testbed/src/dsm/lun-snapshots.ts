// SYNO.Core.ISCSI.LUN snapshot methods: take_snapshot, list_snapshot, get_snapshot,
// delete_snapshot, clone_snapshot. Only Btrfs LUNs created with `can_snapshot` can be snapshotted.
// Snapshot names are free text (jt-pve-storage-synology docs/TESTING.md: 256 characters, `_`,
// `+`, `@`, `/`, `%`, `:` and spaces all accepted), unique per LUN (18990513), and optional:
// democratic-csi takes snapshots with only `src_lun_uuid`, `taken_by` and `description` and finds
// them again by `description`.
import { codes, DsmError } from './codes.js';
import type { ApiHandlers, HandlerContext } from './context.js';
import { admitNewLun, liveLun, lunUuidParam, newLun } from './lun-common.js';
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

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The name of a snapshot taken without `snapshot_name`. DSM's choice is not publicly known; the
 * simulator uses the time-stamp form DSM gives share snapshots (`GMT+00-2026.08.24-22.10.05`),
 * made unique per LUN.
 */
function generatedName(taken: Set<string>, now: number): string {
  const d = new Date(now);
  const stamp = `GMT+00-${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCDate())}-${pad(d.getUTCHours())}.${pad(d.getUTCMinutes())}.${pad(d.getUTCSeconds())}`;
  let name = stamp;
  for (let i = 2; taken.has(name); i++) {
    name = `${stamp}-${i}`;
  }
  return name;
}

async function takeSnapshot(ctx: HandlerContext) {
  const { params, state, now } = ctx;
  const lun = liveLun(ctx.state, lunUuidParam(params, 'src_lun_uuid'));
  const given = params.string('snapshot_name');
  const description = params.string('description', { wrongType: codes.badDescription }) ?? '';
  if ((lun.type !== 'BLUN' && lun.type !== 'BLUN_THICK') || lun.devAttribs.can_snapshot !== 1) {
    throw new DsmError(codes.badLunType, 'this LUN cannot be snapshotted');
  }
  const taken = new Set([...lun.snapshots.values()].map((s) => s.name));
  if (given !== undefined && taken.has(given)) {
    throw new DsmError(codes.duplicateSnapshotName, given);
  }
  const name = given ?? generatedName(taken, now);
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
