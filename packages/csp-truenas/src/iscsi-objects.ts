// A volume's iSCSI exposure: one extent on the zvol, one target with no portal group (nobody can
// log in until a host is published), and LUN 0 mapping them. Extent and target are named from the
// zvol, so whatever an interrupted request or a half-undone rollback left behind is found by name
// (one filtered query each): a create adopts it, a delete or a rollback removes it. Ids are never
// trusted alone, because the array reuses them (the one exception: a target removed by the id its
// create just answered, when its extent failed).
import { randomBytes } from 'node:crypto';
import { CspProblem } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { querySql } from './sql-query.js';
import { ConnectionLost, RpcFailure, rpc } from './truenas/errors.js';

export interface IscsiObjects {
  targetId: number;
  extentId: number;
  targetExtentId: number;
  naa: string;
}

interface Row {
  id: number;
  name: string;
}

interface ExtentRow extends Row {
  naa: string;
  path: string;
}

interface TargetRow extends Row {
  groups: unknown[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fresh-zvol race: the /dev/zvol node appears a moment after pool.dataset.create returns. */
function deviceNotReady(err: unknown): boolean {
  return (
    err instanceof RpcFailure &&
    err.problems.some(([attr, msg]) => attr === 'iscsi_extent_create.disk' && msg.includes('does not exist'))
  );
}

function nameClash(err: unknown, attribute: string): boolean {
  return err instanceof RpcFailure && err.hasProblemAt(attribute);
}

function taken(what: string, name: string, detail: string): CspProblem {
  return new CspProblem('NAME_TAKEN', `an iSCSI ${what} named ${name} exists on the array and ${detail}`);
}

/**
 * Whose an extent named for the zvol at `path` is: `ours` (it is on that zvol), `stale` (on the
 * zvol of the same name under another allowed parent: left by an earlier attempt, and only called
 * so where the caller knows no such zvol exists), or `foreign` (anything else: never touched).
 */
function extentOwner(ctx: SessionContext, extent: ExtentRow, path: string): 'ours' | 'stale' | 'foreign' {
  if (extent.path === `zvol/${path}`) {
    return 'ours';
  }
  const leaf = path.slice(path.lastIndexOf('/') + 1);
  return ctx.names.parents.some((parent) => extent.path === `zvol/${parent}/${leaf}`) ? 'stale' : 'foreign';
}

async function findByName<T extends Row>(ctx: SessionContext, method: string, name: string): Promise<T | undefined> {
  const rows = await querySql<T[]>(ctx, method, [['name', '=', name]]);
  return rows.find((row) => row.name === name);
}

/**
 * A serial as the middleware draws one (`secrets.token_hex()[:15]`, extents.py `extent_serial`).
 * Sent with the create, it spares the middleware the listing of every extent's serial it makes
 * to draw one itself; it then only looks this one up (SQL) and refuses it if taken.
 */
const newSerial = (): string => randomBytes(8).toString('hex').slice(0, 15);

/** Serials drawn before a create gives up (a clash among 16^15 is already unlikely once). */
const serialDraws = 5;

function serialTaken(err: unknown): boolean {
  return (
    err instanceof RpcFailure &&
    err.problems.some(([attr, msg]) => attr === 'iscsi_extent_create.serial' && msg.includes('must be unique'))
  );
}

async function createExtent(ctx: SessionContext, name: string, path: string): Promise<ExtentRow> {
  const payload = {
    name,
    type: 'DISK',
    disk: `zvol/${path}`,
    comment: 'opencsp',
    blocksize: 512,
    rpm: 'SSD',
    insecure_tpc: true,
  };
  let waits = 0;
  let draws = 0;
  for (;;) {
    draws++;
    try {
      return await call<ExtentRow>(ctx, 'iscsi.extent.create', [{ ...payload, serial: newSerial() }]);
    } catch (err) {
      if (nameClash(err, 'iscsi_extent_create.name')) {
        throw err;
      }
      if (serialTaken(err) && draws < serialDraws) {
        continue;
      }
      if (deviceNotReady(err) && ++waits < 10) {
        await sleep(100 * waits);
        continue;
      }
      throw err;
    }
  }
}

/** The zvol's extent from its create attempt: made, or adopted when an earlier attempt made it (stale ones replaced). */
async function settleExtent(
  ctx: SessionContext,
  name: string,
  path: string,
  attempt: PromiseSettledResult<ExtentRow>,
): Promise<ExtentRow & { adopted: boolean }> {
  if (attempt.status === 'fulfilled') {
    return { ...attempt.value, adopted: false };
  }
  const err: unknown = attempt.reason;
  if (!nameClash(err, 'iscsi_extent_create.name')) {
    throw err;
  }
  const found = await findByName<ExtentRow>(ctx, 'iscsi.extent.query', name);
  const owner = found && extentOwner(ctx, found, path);
  if (!found || owner === 'foreign') {
    throw taken('extent', name, found ? `serves ${found.path}, not this volume` : `is not visible (${err})`);
  }
  if (owner === 'ours') {
    ctx.logger.info({ extent: name }, 'adopting the extent an earlier attempt made');
    return { ...found, adopted: true };
  }
  ctx.logger.info({ extent: name, path: found.path }, 'replacing the extent an earlier attempt left on a removed zvol');
  await call(ctx, 'iscsi.extent.delete', [found.id, false, true]);
  return { ...(await createExtent(ctx, name, path)), adopted: false };
}

const createTarget = (ctx: SessionContext, name: string): Promise<TargetRow> =>
  call<TargetRow>(ctx, 'iscsi.target.create', [{ name, alias: null, mode: 'ISCSI', groups: [], auth_networks: [] }]);

/**
 * The volume's target from its create attempt: made, or adopted (and closed to every host) when
 * it exists already. Only called once the extent is known to be this zvol's, so a target of the
 * name that serves someone else's extent is never touched.
 */
async function settleTarget(
  ctx: SessionContext,
  name: string,
  attempt: PromiseSettledResult<TargetRow>,
): Promise<TargetRow & { adopted: boolean }> {
  if (attempt.status === 'fulfilled') {
    return { ...attempt.value, adopted: false };
  }
  const err: unknown = attempt.reason;
  if (!nameClash(err, 'iscsi_target_create.name')) {
    throw err;
  }
  const found = await findByName<TargetRow>(ctx, 'iscsi.target.query', name);
  if (!found) {
    throw taken('target', name, `is not visible (${err})`);
  }
  ctx.logger.info({ target: name }, 'adopting the target an earlier attempt made');
  if (found.groups.length > 0) {
    // A volume being created is published nowhere: nobody may reach it through old groups.
    await call(ctx, 'iscsi.target.update', [found.id, { groups: [] }]);
  }
  return { ...found, adopted: true };
}

/**
 * A target create that failed may still have made its target: the answer was lost with the
 * connection or never came in time, or the middleware failed after inserting the row (its
 * reload). Only a validation error (-32602, checked before the insert) and a request that never
 * left the CSP surely made nothing. Otherwise the target of the name is looked up (one SQL
 * select, as every lookup by name) and removed if it is bare, no portal group and no LUN, as the
 * one a create makes is (its LUN is mapped only once both creates succeeded). A target of the
 * name that serves something is someone else's, met by a create that was refused unseen: kept.
 */
async function removeUnansweredTarget(ctx: SessionContext, name: string, reason: unknown): Promise<void> {
  const surelyNothing =
    (reason instanceof RpcFailure && reason.code === rpc.invalidParams) ||
    (reason instanceof ConnectionLost && !reason.sent);
  if (surelyNothing) {
    return;
  }
  const found = await findByName<TargetRow>(ctx, 'iscsi.target.query', name);
  if (!found || found.groups.length > 0) {
    return;
  }
  const luns = await querySql<Row[]>(ctx, 'iscsi.targetextent.query', [['target', '=', found.id]]);
  if (luns.length > 0) {
    return;
  }
  ctx.logger.info({ target: name }, 'removing the target a create made without its answer arriving');
  await call(ctx, 'iscsi.target.delete', [found.id, false, false]);
}

/** LUN 0 of the target on the extent; an adopted target's mappings to other extents are removed. */
async function ensureLun(ctx: SessionContext, targetId: number, extentId: number, lookFirst: boolean): Promise<Row> {
  if (lookFirst) {
    const mappings = await querySql<Array<Row & { extent: number }>>(ctx, 'iscsi.targetextent.query', [
      ['target', '=', targetId],
    ]);
    const mine = mappings.find((m) => m.extent === extentId);
    for (const stale of mappings.filter((m) => m !== mine)) {
      await call(ctx, 'iscsi.targetextent.delete', [stale.id, true]);
    }
    if (mine) {
      return mine;
    }
  }
  return call<Row>(ctx, 'iscsi.targetextent.create', [{ target: targetId, extent: extentId, lunid: 0 }]);
}

/**
 * Extent, target and LUN 0 for a zvol, each created or (after an interrupted attempt) adopted.
 * Extent and target are independent, so both creates are in flight at once (the middleware
 * serialises neither against the other: see docs/truenas.md); the LUN needs both. Both settle
 * before anything else happens, so nothing this call started is still running when it throws
 * and the caller's undo cannot race a create. The happy path costs exactly the three creates.
 */
export async function exposeZvol(ctx: SessionContext, path: string): Promise<IscsiObjects> {
  const name = ctx.names.iscsiName(path);
  const [extentTry, targetTry] = await Promise.allSettled([createExtent(ctx, name, path), createTarget(ctx, name)]);
  let extent: ExtentRow & { adopted: boolean };
  try {
    extent = await settleExtent(ctx, name, path, extentTry);
  } catch (err) {
    // An undo by name keeps every object of the name when the extent is someone else's, so the
    // target this call made goes here: by the id its create answered, or found by name when the
    // answer never came.
    const removal =
      targetTry.status === 'fulfilled'
        ? call(ctx, 'iscsi.target.delete', [targetTry.value.id, true, false])
        : removeUnansweredTarget(ctx, name, targetTry.reason);
    await removal.catch((cleanup: unknown) =>
      ctx.logger.error({ err: cleanup, target: name }, 'could not remove the target of a failed extent create'),
    );
    throw err;
  }
  const target = await settleTarget(ctx, name, targetTry);
  const lun = await ensureLun(ctx, target.id, extent.id, target.adopted || extent.adopted);
  return { targetId: target.id, extentId: extent.id, targetExtentId: lun.id, naa: extent.naa };
}

/**
 * Deletes the target (with its LUN mappings) and the extent named for the zvol at `path`, found by
 * name whatever ids the zvol recorded. An extent on another zvol keeps both (the name is then
 * that zvol's). Without `force`, a logged-in initiator makes this a retryable 503; with it the
 * array logs initiators out. Returns whether anything was there.
 */
export async function removeIscsiObjects(ctx: SessionContext, path: string, force: boolean): Promise<boolean> {
  const name = ctx.names.iscsiName(path);
  const [target, extent] = await Promise.all([
    findByName<TargetRow>(ctx, 'iscsi.target.query', name),
    findByName<ExtentRow>(ctx, 'iscsi.extent.query', name),
  ]);
  if (extent && extentOwner(ctx, extent, path) !== 'ours') {
    ctx.logger.warn({ extent: name, path: extent.path }, 'the iSCSI objects of this name serve another zvol; kept');
    return false;
  }
  if (target) {
    if (!force) {
      const iqn = `${ctx.facts.basename}:${name}`;
      const sessions = await read<unknown[]>(ctx, 'iscsi.global.sessions', [[['target', '=', iqn]]]);
      if (sessions.length > 0) {
        throw new CspProblem(
          'UNAVAILABLE',
          `an initiator is still logged in to target ${name}; retry after it logs out`,
        );
      }
    }
    await call(ctx, 'iscsi.target.delete', [target.id, force, false]);
  }
  if (extent) {
    await call(ctx, 'iscsi.extent.delete', [extent.id, false, force]);
  }
  return Boolean(target || extent);
}
