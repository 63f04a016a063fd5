// A volume's iSCSI exposure: one extent on the zvol, one target with no portal group (nobody can
// log in until a host is published), and LUN 0 mapping them. Created together, undone together,
// and ids are always checked against the expected name before anything is deleted, because the
// array reuses ids.
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fresh-zvol race: the /dev/zvol node appears a moment after pool.dataset.create returns. */
function deviceNotReady(err: unknown): boolean {
  return (
    err instanceof RpcFailure &&
    err.problems.some(([attr, msg]) => attr === 'iscsi_extent_create.disk' && msg.includes('does not exist'))
  );
}

function nameClash(err: unknown, attribute: string, what: string, name: string): CspProblem | undefined {
  if (err instanceof RpcFailure && err.hasProblemAt(attribute)) {
    return new CspProblem(
      'NAME_TAKEN',
      `an iSCSI ${what} named ${name} exists on the array and is not this volume's (${err.reason})`,
      {
        cause: err,
      },
    );
  }
  return undefined;
}

async function createExtent(ctx: SessionContext, name: string, path: string): Promise<Row & { naa: string }> {
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
      return await call<Row & { naa: string }>(ctx, 'iscsi.extent.create', [payload]);
    } catch (err) {
      if (deviceNotReady(err) && attempt < 10) {
        await sleep(100 * attempt);
        continue;
      }
      throw nameClash(err, 'iscsi_extent_create.name', 'extent', name) ?? err;
    }
  }
}

/** Creates extent, target and LUN 0 for a zvol; on failure removes what it made and rethrows. */
export async function createIscsiObjects(ctx: SessionContext, path: string): Promise<IscsiObjects> {
  const name = ctx.names.iscsiName(path);
  const extent = await createExtent(ctx, name, path);
  let target: Row | undefined;
  try {
    target = await call<Row>(ctx, 'iscsi.target.create', [
      { name, alias: null, mode: 'ISCSI', groups: [], auth_networks: [] },
    ]).catch((err: unknown) => {
      throw nameClash(err, 'iscsi_target_create.name', 'target', name) ?? err;
    });
    const mapping = await call<Row>(ctx, 'iscsi.targetextent.create', [
      { target: target.id, extent: extent.id, lunid: 0 },
    ]);
    return { targetId: target.id, extentId: extent.id, targetExtentId: mapping.id, naa: extent.naa };
  } catch (err) {
    await removeIscsiObjects(ctx, path, { targetId: target?.id, extentId: extent.id }, true).catch((cleanup: unknown) =>
      ctx.logger.error({ err: cleanup, path }, 'could not undo a half-created iSCSI exposure'),
    );
    throw err;
  }
}

/**
 * Finds the extent and target named for this zvol (after an interrupted create) and completes
 * what is missing. Costs two lookups on top of the creates.
 */
export async function ensureIscsiObjects(ctx: SessionContext, path: string): Promise<IscsiObjects> {
  const name = ctx.names.iscsiName(path);
  const [extents, targets] = await Promise.all([
    querySql<Array<Row & { naa: string; path: string }>>(ctx, 'iscsi.extent.query', [['name', '=', name]]),
    querySql<Row[]>(ctx, 'iscsi.target.query', [['name', '=', name]]),
  ]);
  const extent = extents[0];
  if (extent && extent.path !== `zvol/${path}`) {
    throw new CspProblem('NAME_TAKEN', `the iSCSI extent ${name} exists on the array for another disk`);
  }
  if (!extent && !targets[0]) {
    return createIscsiObjects(ctx, path);
  }
  const madeExtent = extent ?? (await createExtent(ctx, name, path));
  const target =
    targets[0] ??
    (await call<Row>(ctx, 'iscsi.target.create', [
      { name, alias: null, mode: 'ISCSI', groups: [], auth_networks: [] },
    ]));
  const [mapping] = await querySql<Array<Row & { extent: number }>>(ctx, 'iscsi.targetextent.query', [
    ['target', '=', target.id],
  ]);
  const lun =
    mapping?.extent === madeExtent.id
      ? mapping
      : await call<Row>(ctx, 'iscsi.targetextent.create', [{ target: target.id, extent: madeExtent.id, lunid: 0 }]);
  return { targetId: target.id, extentId: madeExtent.id, targetExtentId: lun.id, naa: madeExtent.naa };
}

/**
 * Deletes the target (with its LUN mapping) and the extent, after checking each id still names
 * this volume's object. Without `force`, a logged-in initiator makes this a retryable 503; with it
 * the array logs initiators out.
 */
export async function removeIscsiObjects(
  ctx: SessionContext,
  path: string,
  ids: { targetId: number | undefined; extentId: number | undefined },
  force: boolean,
): Promise<void> {
  const name = ctx.names.iscsiName(path);
  const [targets, extents] = await Promise.all([
    ids.targetId === undefined ? [] : querySql<Row[]>(ctx, 'iscsi.target.query', [['id', '=', ids.targetId]]),
    ids.extentId === undefined ? [] : querySql<Row[]>(ctx, 'iscsi.extent.query', [['id', '=', ids.extentId]]),
  ]);
  const target = targets.find((t) => t.name === name);
  const extent = extents.find((e) => e.name === name);
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
}
