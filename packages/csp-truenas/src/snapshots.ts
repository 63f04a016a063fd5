// Snapshots (pool.snapshot.*, TrueNAS 25.10+). A snapshot id is `<volume id>@<name>`. User
// snapshots get a `truenas` hold, so nothing outside the CSP (retention tasks) removes them;
// snapshots whose name starts with the temporary prefix (`snap-for-clone-`, what drivers create
// to clone a volume) are not held and are removed with their last clone. Every other snapshot's
// name is claimed on the volume's parent (snapshot-names.ts), so finding a name across the array
// is a lookup by id, never a walk over every snapshot.
//
// Deleting a snapshot that clones depend on (`snapshot_delete_with_clones`): ZFS cannot destroy
// it while a clone exists, so the CSP retires it instead: the hold is released, its name property
// and claim are removed (so no read finds it any more) and it becomes temporary, which makes the
// delete of its last clone destroy it (volume-modify.ts reapTemporaryOrigin), as for a clone source.

import type { Snapshot, SnapshotCreateRequest } from '@opencsp/csp-spec';
import type { PageRequest, SnapshotFilter } from '@opencsp/csp-spec/server';
import { CspProblem } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import {
  creationTime,
  localSnapshotProp,
  localUserProp,
  numberProp,
  prop,
  type SnapshotEntry,
  snapshotProp,
} from './props.js';
import {
  type Claim,
  claim,
  claimId,
  claimIds,
  claimProp,
  claimsOf,
  isTemporaryName,
  release,
  settleForeignClaim,
} from './snapshot-names.js';
import { getManagedEntry } from './volume-read.js';

const properties = [
  'volsize',
  'numclones',
  'creation',
  prop.snapshotName,
  prop.snapshotDescription,
  prop.temporary,
  prop.volumeName,
  claimProp.name,
  claimProp.volume,
  prop.snapshotGroupName,
];

export function isManagedSnapshot(entry: SnapshotEntry): boolean {
  return localSnapshotProp(entry, prop.snapshotName) !== undefined;
}

export function toSnapshot(ctx: SessionContext, entry: SnapshotEntry): Snapshot {
  const numclones = Number(entry.properties.numclones?.rawvalue ?? 0);
  return {
    id: ctx.names.snapshotId(entry.id),
    name: localSnapshotProp(entry, prop.snapshotName) as string,
    description: localSnapshotProp(entry, prop.snapshotDescription) ?? '',
    volume_id: ctx.names.volumeId(entry.dataset),
    volume_name: snapshotProp(entry, prop.volumeName) ?? entry.dataset,
    size: Number(entry.properties.volsize?.rawvalue ?? 0),
    creation_time: creationTime(entry.properties),
    ready_to_use: true,
    in_use: numclones > 0,
  };
}

export function querySnapshots(ctx: SessionContext, filters: unknown[], options: Record<string, unknown> = {}) {
  return read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [
    filters,
    { extra: { holds: true, properties }, ...options },
  ]);
}

async function getManagedSnapshot(ctx: SessionContext, id: string): Promise<SnapshotEntry> {
  const path = ctx.names.snapshotPath(id);
  const [entry] = await querySnapshots(ctx, [['id', '=', path]]);
  if (!entry || !isManagedSnapshot(entry)) {
    throw new CspProblem('NOT_FOUND', `snapshot ${id} not found`);
  }
  return entry;
}

/**
 * Looks up, in one query, whether the zvol has a snapshot of this leaf and who claims the name;
 * settles a claim another zvol holds (NAME_TAKEN, or released when stale) and claims the name.
 * Returns the claim this call created, which the caller releases if its snapshot fails.
 */
async function claimFor(ctx: SessionContext, name: string, volumePath: string, leaf: string) {
  const own = `${volumePath}@${leaf}`;
  const temporary = isTemporaryName(ctx, name);
  const entries = await querySnapshots(ctx, [['id', 'in', temporary ? [own] : [own, ...claimIds(ctx, name)]]]);
  if (entries.some((e) => e.id === own)) {
    throw new CspProblem('NAME_TAKEN', `volume ${ctx.names.volumeId(volumePath)} has a snapshot named ${name}`);
  }
  if (temporary) {
    return undefined;
  }
  const claims = claimsOf(entries, name);
  for (const other of claims.filter((c) => c.volumePath !== volumePath)) {
    await settleForeignClaim(ctx, other, (path) => ctx.names.snapshotLeaf(name, path));
  }
  if (claims.some((c) => c.volumePath === volumePath)) {
    return undefined;
  }
  const created = await claim(ctx, name, volumePath);
  return created ? { id: claimId(ctx.names.parentOf(volumePath), name), name, volumePath } : undefined;
}

export async function createSnapshot(ctx: SessionContext, req: SnapshotCreateRequest): Promise<Snapshot> {
  const volume = await getManagedEntry(ctx, req.volume_id);
  const leaf = ctx.names.snapshotLeaf(req.name, volume.id);
  const claimed = await claimFor(ctx, req.name, volume.id, leaf);
  const temporary = isTemporaryName(ctx, req.name);
  const userProps: Record<string, string> = { [prop.snapshotName]: req.name };
  if (req.description) {
    userProps[prop.snapshotDescription] = req.description;
  }
  if (temporary) {
    userProps[prop.temporary] = 'true';
  }
  let created: SnapshotEntry;
  try {
    created = await call<SnapshotEntry>(ctx, 'pool.snapshot.create', [
      { dataset: volume.id, name: leaf, properties: userProps },
    ]);
  } catch (err) {
    await release(ctx, claimed).catch(() => undefined);
    throw err;
  }
  if (!temporary) {
    try {
      await call(ctx, 'pool.snapshot.hold', [created.id]);
    } catch (err) {
      await call(ctx, 'pool.snapshot.delete', [created.id]).catch(() => undefined);
      await release(ctx, claimed).catch(() => undefined);
      throw err;
    }
  }
  return {
    id: ctx.names.snapshotId(created.id),
    name: req.name,
    description: req.description ?? '',
    volume_id: req.volume_id,
    volume_name: localUserProp(volume, prop.volumeName) ?? volume.id,
    size: numberProp(volume, 'volsize') ?? 0,
    creation_time: creationTime(created.properties) || Math.floor(Date.now() / 1000),
    ready_to_use: true,
    in_use: false,
  };
}

export async function getSnapshot(ctx: SessionContext, id: string): Promise<Snapshot> {
  return toSnapshot(ctx, await getManagedSnapshot(ctx, id));
}

/**
 * The snapshot of an id and, in the same query, its name claim when the claim's leaf is the
 * snapshot's own (names that fit both budgets, the usual case); else the claim is read apart.
 */
async function snapshotWithClaim(ctx: SessionContext, id: string): Promise<{ entry: SnapshotEntry; claim?: Claim }> {
  const path = ctx.names.snapshotPath(id);
  const [dataset, leaf] = path.split('@') as [string, string];
  const guess = `${ctx.names.parentOf(dataset)}@${leaf}`;
  const entries = await querySnapshots(ctx, [['id', 'in', [path, guess]]]);
  const entry = entries.find((e) => e.id === path);
  if (!entry || !isManagedSnapshot(entry)) {
    throw new CspProblem('NOT_FOUND', `snapshot ${id} not found`);
  }
  const name = localSnapshotProp(entry, prop.snapshotName) as string;
  if (isTemporaryName(ctx, name)) {
    return { entry };
  }
  const claimPath = claimId(ctx.names.parentOf(dataset), name);
  const candidates = claimPath === guess ? entries : await querySnapshots(ctx, [['id', '=', claimPath]]);
  const own = claimsOf(candidates, name).find((c) => c.volumePath === dataset);
  return own ? { entry, claim: own } : { entry };
}

const clonesOf = (entry: SnapshotEntry | undefined) => Number(entry?.properties.numclones?.rawvalue ?? 0);

export async function deleteSnapshot(ctx: SessionContext, id: string): Promise<void> {
  const { entry, claim: claimed } = await snapshotWithClaim(ctx, id);
  const held = entry.holds !== undefined && Object.keys(entry.holds).length > 0;
  if (held) {
    await call(ctx, 'pool.snapshot.release', [entry.id]);
  }
  if (clonesOf(entry) > 0) {
    await retire(ctx, entry);
    await release(ctx, claimed);
    return;
  }
  try {
    await call(ctx, 'pool.snapshot.delete', [entry.id, { defer: false, recursive: false }]);
  } catch (err) {
    // A clone made since the check: 25.10 refuses on `options.defer`, 26 with EBUSY.
    const now = await snapshotClones(ctx, entry.id);
    if (!now || clonesOf(now) === 0) {
      throw err;
    }
    await retire(ctx, entry);
  }
  await release(ctx, claimed);
}

function snapshotClones(ctx: SessionContext, path: string): Promise<SnapshotEntry | undefined> {
  return read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [
    [['id', '=', path]],
    { extra: { properties: ['numclones'] } },
  ]).then(([entry]) => entry);
}

/**
 * Deletes a snapshot for every caller while its clones keep it on the array: no name (so no read
 * finds it), temporary (so the delete of its last clone destroys it). A clone deleted meanwhile
 * found it not yet temporary and left it, so with no clone left it is destroyed here.
 */
async function retire(ctx: SessionContext, entry: SnapshotEntry): Promise<void> {
  const name = localSnapshotProp(entry, prop.snapshotName) as string;
  await call(ctx, 'pool.snapshot.update', [
    entry.id,
    {
      user_properties_update: [
        { key: prop.temporary, value: 'true' },
        { key: prop.deletedSnapshotName, value: name },
      ],
      user_properties_remove: [prop.snapshotName, prop.snapshotDescription],
    },
  ]);
  const now = await snapshotClones(ctx, entry.id);
  if (now && clonesOf(now) === 0) {
    await call(ctx, 'pool.snapshot.delete', [entry.id, { defer: true, recursive: false }]).catch(async (err) => {
      if (await snapshotClones(ctx, entry.id)) {
        throw err;
      }
    });
  }
}

function pageOffset(page: PageRequest): number {
  const offset = page.startingToken === undefined ? 0 : Number(page.startingToken);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new CspProblem('INVALID_INPUT', 'query.starting_token: is not a token this CSP issued', {
      field: 'query.starting_token',
    });
  }
  return offset;
}

/** The snapshots named `name` on any volume: their claims, then the snapshots they point at. */
async function snapshotsNamed(ctx: SessionContext, name: string): Promise<SnapshotEntry[]> {
  const claims = claimsOf(await querySnapshots(ctx, [['id', 'in', claimIds(ctx, name)]]), name);
  if (claims.length === 0) {
    return [];
  }
  const paths = claims.map((c) => `${c.volumePath}@${ctx.names.snapshotLeaf(name, c.volumePath)}`);
  const entries = await querySnapshots(ctx, [['id', 'in', paths]], { order_by: ['name'] });
  return entries.filter((e) => isManagedSnapshot(e) && localSnapshotProp(e, prop.snapshotName) === name);
}

export async function listSnapshots(
  ctx: SessionContext,
  filter: SnapshotFilter,
  page: PageRequest,
): Promise<{ items: Snapshot[]; nextToken: string | undefined }> {
  const offset = pageOffset(page);
  if (filter.volumeId === undefined && filter.name !== undefined && !isTemporaryName(ctx, filter.name)) {
    const named = (await snapshotsNamed(ctx, filter.name)).slice(offset);
    const limit = filter.existsOnly ? 1 : (page.limit ?? named.length);
    const items = named.slice(0, limit).map((e) => toSnapshot(ctx, e));
    const more = !filter.existsOnly && named.length > limit;
    return { items, nextToken: more ? String(offset + limit) : undefined };
  }
  const managed = [`properties.${prop.snapshotName}.source`, '=', 'LOCAL'];
  const filters: unknown[] = [managed];
  if (filter.volumeId !== undefined) {
    const volume = await getManagedEntry(ctx, filter.volumeId);
    filters.unshift(
      filter.name === undefined
        ? ['dataset', '=', volume.id]
        : ['id', '=', `${volume.id}@${ctx.names.snapshotLeaf(filter.name, volume.id)}`],
    );
  } else {
    // Volumes' datasets only: the snapshots of volume group datasets are snapshot groups' records.
    filters.push(['dataset', '~', ctx.names.volumePattern()]);
    if (filter.name !== undefined) {
      filters.push([`properties.${prop.snapshotName}.value`, '=', filter.name]);
    }
  }
  const limit = filter.existsOnly ? 1 : page.limit;
  const entries = await querySnapshots(ctx, filters, {
    order_by: ['name'],
    offset,
    ...(limit === undefined ? {} : { limit: limit + 1 }),
  });
  const items = (limit === undefined ? entries : entries.slice(0, limit)).map((e) => toSnapshot(ctx, e));
  const more = !filter.existsOnly && limit !== undefined && entries.length > limit;
  return { items, nextToken: more ? String(offset + (limit as number)) : undefined };
}
