// pool.snapshot.* (25.10+; plugins/pool_/snapshot.py): query with `extra.holds`/`properties`,
// create with user properties, update user properties (`user_properties_update` [{key, value}] and
// `user_properties_remove` [key], api/v25_10_0/pool_snapshot.py PoolSnapshotUpdate), delete with
// `defer`, clone, hold and release.
import { pinnedValues } from '../query/filters.js';
import { queryArgs, queryParams, runQuery } from '../query/query.js';
import { callError, errno, instanceNotFound, validationError, validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { type ArgSpec, arg, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import { validDatasetName } from './dataset-schema.js';
import { dropSnapshot } from './destroy.js';
import { type Dataset, parentName, type Snapshot } from './model.js';
import { renderSnapshot } from './render.js';

function candidates(sim: SimCore, filters: unknown[]): Snapshot[] {
  const names = pinnedValues(filters, 'id') ?? pinnedValues(filters, 'name');
  if (names) {
    return names.map((n) => sim.zfs.snapshots.get(String(n))).filter((x): x is Snapshot => x !== undefined);
  }
  const datasets = pinnedValues(filters, 'dataset');
  if (datasets) {
    return datasets.flatMap((d) => sim.zfs.snapshotsOf(String(d)));
  }
  const pools = pinnedValues(filters, 'pool');
  const all = [...sim.zfs.snapshots.values()];
  return pools ? all.filter((snap) => pools.includes(snap.name.split('/')[0])) : all;
}

function querySnapshots(sim: SimCore, values: unknown[]): unknown {
  const { filters, options } = queryParams(values);
  const rows = candidates(sim, filters).sort((a, b) => a.createtxg - b.createtxg);
  sim.scans.snapshotRows += rows.length;
  const properties = Array.isArray(options.extra.properties) ? (options.extra.properties as string[]) : null;
  const rendered = rows.map((snap) =>
    renderSnapshot(sim.zfs, snap, { properties, holds: options.extra.holds === true }),
  );
  return runQuery(rendered, filters, options);
}

function requireSnapshot(sim: SimCore, id: string): Snapshot {
  const snap = sim.zfs.snapshots.get(id);
  if (!snap) {
    throw instanceNotFound(`'${id}' not found`);
  }
  return snap;
}

const validSnapshotName = (name: string) => /^[A-Za-z0-9_\-:.]+$/.test(name) && name.length <= 200;

async function createSnapshot(sim: SimCore, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const datasetName = data.dataset as string;
  const name = data.name as string;
  if (!validSnapshotName(name)) {
    throw validationErrors([
      ['pool.snapshot.create.name', 'Please provide a valid snapshot name according to ZFS standards'],
    ]);
  }
  const properties = data.properties as Record<string, unknown>;
  for (const [key, value] of Object.entries(properties)) {
    if (!key.includes(':') || typeof value !== 'string') {
      throw validationError(
        'zfs.resource.snapshot.create',
        `Invalid user property ${key}: only string user properties may be set`,
      );
    }
  }
  const root = sim.zfs.datasets.get(datasetName);
  if (!root) {
    throw validationError('zfs.resource.snapshot.create', `'${datasetName}' not found`, errno.ENOENT);
  }
  const targets: Dataset[] = [root];
  if (data.recursive === true) {
    const excluded = new Set(data.exclude as string[]);
    for (const n of sim.zfs.descendants(datasetName)) {
      if (!excluded.has(n)) {
        targets.push(sim.zfs.datasets.get(n) as Dataset);
      }
    }
  }
  if (targets.some((ds) => sim.zfs.snapshots.has(`${ds.name}@${name}`))) {
    throw sim.personality.snapshotExists(datasetName, name);
  }
  const created: Snapshot[] = [];
  for (const ds of targets) {
    const snap = sim.zfs.addSnapshot(ds, name, sim.now());
    for (const [key, value] of Object.entries(properties)) {
      snap.user.set(key, value as string);
    }
    created.push(snap);
    await sim.backing.snapshot(ds, snap);
  }
  return renderSnapshot(sim.zfs, created[0] as Snapshot, { properties: null, holds: false });
}

async function deleteSnapshot(sim: SimCore, id: string, options: { defer: boolean; recursive: boolean }) {
  if (!id.includes('@') && sim.personality.release.train === '26.0') {
    // 26's do_delete checks the name first; 25.10 asks libzfs, which finds no such snapshot.
    throw validationError('pool.snapshot.delete', `Invalid snapshot name: '${id}'`);
  }
  const snap = sim.zfs.snapshots.get(id);
  if (!snap) {
    throw sim.personality.snapshotNotFound(id);
  }
  await sim.personality.deleteSnapshot(sim, snap, options);
  return true;
}

const cloneProperties = new Set(['compression', 'sync', 'dedup', 'readonly', 'refreservation', 'snapdev', 'checksum']);

async function cloneSnapshot(sim: SimCore, data: Record<string, unknown>): Promise<true> {
  const schema = 'zfs.resource.snapshot.clone';
  const snap = sim.zfs.snapshots.get(data.snapshot as string);
  if (!snap) {
    throw sim.personality.cloneSourceMissing(String(data.snapshot));
  }
  const dst = data.dataset_dst as string;
  if (!validDatasetName(dst) || !dst.includes('/')) {
    throw validationError(schema, `'${dst}' is not a valid dataset name`, errno.EINVAL);
  }
  if (sim.zfs.datasets.has(dst)) {
    throw sim.personality.cloneTargetExists(dst);
  }
  const parent = sim.zfs.datasets.get(parentName(dst) as string);
  if (parent?.type !== 'FILESYSTEM') {
    throw validationError(schema, `parent of '${dst}' does not exist or is not a filesystem`, errno.ENOENT);
  }
  const props = data.dataset_properties as Record<string, unknown>;
  for (const [key, value] of Object.entries(props)) {
    if (!key.includes(':') && !cloneProperties.has(key)) {
      throw validationError(schema, `Invalid property ${key} for a clone`, errno.EINVAL);
    }
    if (typeof value !== 'string') {
      throw validationError(schema, `Property ${key} must be a string`, errno.EINVAL);
    }
  }
  const source = sim.zfs.datasets.get(snap.dataset) as Dataset;
  const refreservation =
    props.refreservation === undefined || props.refreservation === 'none' ? 0 : Number(props.refreservation);
  if (refreservation > sim.zfs.poolFree(source.pool)) {
    throw callError(`Failed to clone '${snap.name}': out of space`);
  }
  const ds = sim.zfs.createDataset(dst, source.type, sim.now(), {
    volsize: snap.volsize,
    volblocksize: source.volblocksize,
    refreservation,
    origin: snap.name,
  });
  for (const [key, value] of Object.entries(props)) {
    if (key.includes(':')) {
      ds.user.set(key, value as string);
    } else if (key !== 'refreservation') {
      ds.local.set(key, value as string);
    }
  }
  if (ds.type === 'VOLUME') {
    await sim.backing.clone(snap, ds);
    sim.zvolDeviceReadyAt.set(dst, Date.now() + sim.knobs.zvolDeviceDelayMs);
  }
  return true;
}

function updateSnapshot(sim: SimCore, id: string, data: Record<string, unknown>): Record<string, unknown> {
  const snap = requireSnapshot(sim, id);
  const updates = data.user_properties_update as Array<{ key: string; value: string }>;
  const removals = data.user_properties_remove as string[];
  const bad = [...updates.map((u) => u.key), ...removals].findIndex((key) => !key.includes(':'));
  if (bad >= 0) {
    throw validationErrors([['pool.snapshot.update.data', "user property keys must match pattern '.*:.*'"]]);
  }
  for (const { key, value } of updates) {
    snap.user.set(key, value);
  }
  for (const key of removals) {
    snap.user.delete(key);
  }
  return renderSnapshot(sim.zfs, snap, { properties: null, holds: false });
}

const updateSchema = s.obj({
  user_properties_update: s.opt(s.list(s.obj({ key: s.req(s.nonEmpty()), value: s.req(s.str()) })), []),
  user_properties_remove: s.opt(s.list(s.nonEmpty()), []),
});

const createSchema = s.obj({
  dataset: s.req(s.nonEmpty()),
  name: s.req(s.nonEmpty()),
  recursive: s.opt(s.bool(), false),
  exclude: s.opt(s.list(s.str()), []),
  vmware_sync: s.opt(s.bool(), false),
  properties: s.opt(s.map(s.any()), {}),
});

const recursiveOption = s.obj({ recursive: s.opt(s.bool(), false) });
type Recursive = { recursive: boolean };

/**
 * `zfs hold -r` / `zfs release -r` (libzfs `hold(tag, recursive)` in 25.10, hold_impl/release_impl
 * with `recursive` in 26): the snapshot and the snapshots of the same name on its descendants.
 */
function withDescendants(sim: SimCore, root: Snapshot, options: Recursive): Snapshot[] {
  if (!options.recursive) {
    return [root];
  }
  const below = sim.zfs.descendants(root.dataset).map((n) => sim.zfs.snapshots.get(`${n}@${root.snapshotName}`));
  return [root, ...below.filter((x): x is Snapshot => x !== undefined)];
}

export const snapshotMethods: MethodTable<CallContext> = {
  'pool.snapshot.query': { args: queryArgs, handler: (ctx, values) => querySnapshots(ctx.sim, values) },
  'pool.snapshot.get_instance': {
    args: [arg('id', s.str()), queryArgs[1] as ArgSpec],
    handler: (ctx, [id, options]) => {
      const rows = querySnapshots(ctx.sim, [[['id', '=', id]], options]) as unknown[];
      if (rows.length === 0) {
        throw instanceNotFound(`PoolSnapshot ${String(id)} does not exist`);
      }
      return rows[0];
    },
  },
  'pool.snapshot.create': {
    args: [arg('data', createSchema)],
    handler: (ctx, [data]) => createSnapshot(ctx.sim, data as Record<string, unknown>),
  },
  'pool.snapshot.update': {
    args: [arg('id', s.str()), arg('data', updateSchema)],
    handler: (ctx, [id, data]) => updateSnapshot(ctx.sim, id as string, data as Record<string, unknown>),
  },
  'pool.snapshot.delete': {
    args: [
      arg('id', s.str()),
      arg('options', s.obj({ defer: s.opt(s.bool(), false), recursive: s.opt(s.bool(), false) }), {}),
    ],
    handler: (ctx, [id, options]) =>
      deleteSnapshot(ctx.sim, id as string, options as { defer: boolean; recursive: boolean }),
  },
  'pool.snapshot.clone': {
    args: [
      arg(
        'data',
        s.obj({
          snapshot: s.req(s.nonEmpty()),
          dataset_dst: s.req(s.nonEmpty()),
          dataset_properties: s.opt(s.map(s.any()), {}),
        }),
      ),
    ],
    handler: (ctx, [data]) => cloneSnapshot(ctx.sim, data as Record<string, unknown>),
  },
  'pool.snapshot.hold': {
    args: [arg('id', s.str()), arg('options', recursiveOption, {})],
    handler: (ctx, [id, options]) => {
      const snaps = withDescendants(ctx.sim, requireSnapshot(ctx.sim, id as string), options as Recursive);
      const tagged = snaps.find((snap) => snap.holds.has('truenas'));
      if (tagged) {
        throw callError(`'${tagged.name}': tag already exists on this dataset`, errno.EEXIST);
      }
      for (const snap of snaps) {
        snap.holds.add('truenas');
      }
      return null;
    },
  },
  'pool.snapshot.release': {
    args: [arg('id', s.str()), arg('options', recursiveOption, {})],
    handler: async (ctx, [id, options]) => {
      const snaps = withDescendants(ctx.sim, requireSnapshot(ctx.sim, id as string), options as Recursive);
      for (const snap of snaps) {
        snap.holds.clear();
        if (snap.deferDestroy && ctx.sim.zfs.clonesOf(snap.name).length === 0) {
          await dropSnapshot(ctx.sim, snap);
        }
      }
      return null;
    },
  },
};
