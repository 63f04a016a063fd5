// A volume's iSCSI exposure: one extent on the zvol, one target with no portal group (nobody can
// log in until a host is published), and LUN 0 mapping them. Extent and target are named from the
// zvol, so whatever an interrupted request or a half-undone rollback left behind is found by name
// (one filtered query each): a create adopts it, a delete or a rollback removes it. Ids are never
// trusted alone, because the array reuses them.
import { CspProblem } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { querySql } from './sql-query.js';
import { RpcFailure } from './truenas/errors.js';

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
  for (let attempt = 1; ; attempt++) {
    try {
      return await call<ExtentRow>(ctx, 'iscsi.extent.create', [payload]);
    } catch (err) {
      if (deviceNotReady(err) && attempt < 10) {
        await sleep(100 * attempt);
        continue;
      }
      throw err;
    }
  }
}

/** The zvol's extent: created, or adopted when an earlier attempt made it (stale ones replaced). */
async function ensureExtent(
  ctx: SessionContext,
  name: string,
  path: string,
): Promise<ExtentRow & { adopted: boolean }> {
  try {
    return { ...(await createExtent(ctx, name, path)), adopted: false };
  } catch (err) {
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
    ctx.logger.info(
      { extent: name, path: found.path },
      'replacing the extent an earlier attempt left on a removed zvol',
    );
    await call(ctx, 'iscsi.extent.delete', [found.id, false, true]);
    return { ...(await createExtent(ctx, name, path)), adopted: false };
  }
}

/** The volume's target: created, or adopted (and closed to every host) when it exists already. */
async function ensureTarget(ctx: SessionContext, name: string): Promise<TargetRow & { adopted: boolean }> {
  try {
    const created = await call<TargetRow>(ctx, 'iscsi.target.create', [
      { name, alias: null, mode: 'ISCSI', groups: [], auth_networks: [] },
    ]);
    return { ...created, adopted: false };
  } catch (err) {
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
 * The happy path costs exactly the three creates; nothing is undone here (see removeIscsiObjects).
 */
export async function exposeZvol(ctx: SessionContext, path: string): Promise<IscsiObjects> {
  const name = ctx.names.iscsiName(path);
  const extent = await ensureExtent(ctx, name, path);
  const target = await ensureTarget(ctx, name);
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
