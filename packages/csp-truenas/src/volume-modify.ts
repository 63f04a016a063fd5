// UpdateVolume (expand, description, mutable config) and DeleteVolume (refusals, iSCSI teardown,
// destroy or retain, and removal of a temporary clone source once its last clone is gone). Delete
// finds the volume's target, extent and initiator groups by name, not by the ids the zvol recorded,
// and removes them even when the zvol itself is already gone.

import type { Volume, VolumeUpdateRequest } from '@opencsp/csp-spec';
import { CspProblem, invalidInput, notFound } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { removeIscsiObjects } from './iscsi-objects.js';
import { removeNvmeObjects } from './nvme-objects.js';
import {
  type DatasetEntry,
  hostIds,
  idProp,
  localSnapshotProp,
  localUserProp,
  numberProp,
  nvmeProps,
  prop,
  propObject,
  protocolOf,
  type SnapshotEntry,
} from './props.js';
import { detachAllNvmeHosts, volumeGroups } from './publish.js';
import { RpcFailure } from './truenas/errors.js';
import {
  compressionChoices,
  configKey,
  dedupChoices,
  parseBool,
  reportedConfig,
  syncChoices,
} from './volume-config.js';
import { volsizeOf } from './volume-create.js';
import { getManagedEntry, isManaged, queryDatasets, toVolume } from './volume-read.js';

function upper(raw: string | number | boolean, choices: string[], field: string): string {
  const value = String(raw).trim().toUpperCase();
  if (!choices.includes(value)) {
    throw invalidInput(field, `must be one of ${choices.join(', ')}`);
  }
  return value;
}

/** Builds the pool.dataset.update payload of a config edit; immutable keys may only repeat. */
function configUpdate(
  entry: DatasetEntry,
  parent: string,
  config: Record<string, string | number | boolean>,
): Record<string, unknown> {
  const current = reportedConfig(entry, parent);
  const update: Record<string, unknown> = {};
  const userProps: Array<{ key: string; value: string }> = [];
  for (const [key, raw] of Object.entries(config)) {
    const field = `body.config.${key}`;
    const canonical = configKey(key, field);
    switch (canonical) {
      case 'compression':
        update.compression = upper(raw, compressionChoices, field);
        break;
      case 'dedup':
        update.deduplication = upper(raw, dedupChoices, field);
        break;
      case 'sync':
        update.sync = upper(raw, syncChoices, field);
        break;
      case 'description':
        update.comments = String(raw);
        break;
      case 'destroy_on_delete':
        userProps.push({ key: prop.destroyOnDelete, value: String(parseBool(raw, field)) });
        break;
      default: {
        const same =
          canonical === 'sparse'
            ? String(parseBool(raw, field)) === current.sparse
            : String(raw).toUpperCase() === String(current[canonical]).toUpperCase();
        if (!same) {
          throw invalidInput(field, `cannot change after creation (it is ${current[canonical]})`);
        }
      }
    }
  }
  if (userProps.length > 0) {
    update.user_properties_update = userProps;
  }
  return update;
}

export async function updateVolume(ctx: SessionContext, id: string, req: VolumeUpdateRequest): Promise<Volume> {
  const entry = await getManagedEntry(ctx, id);
  const update: Record<string, unknown> = req.config
    ? configUpdate(entry, ctx.names.parentOf(entry.id), req.config)
    : {};
  if (req.description !== undefined) {
    update.comments = req.description;
  }
  if (req.size !== undefined) {
    const current = numberProp(entry, 'volsize') ?? 0;
    const volsize = volsizeOf(req.size, numberProp(entry, 'volblocksize') ?? 16_384);
    if (volsize < current) {
      throw invalidInput('body.size', `volumes cannot shrink (it is ${current} bytes)`);
    }
    if (volsize > current) {
      const sparse = numberProp(entry, 'refreservation') === 0;
      const available = numberProp(entry, 'available') ?? 0;
      if (!sparse && volsize - current > available) {
        throw new CspProblem(
          'OUT_OF_SPACE',
          `growing by ${volsize - current} bytes needs more than the ${available} available`,
        );
      }
      update.volsize = volsize;
      update.force_size = sparse || ctx.config.forceSize;
    }
  }
  if (Object.keys(update).length === 0) {
    return toVolume(ctx, entry);
  }
  const updated = await call<DatasetEntry>(ctx, 'pool.dataset.update', [entry.id, update]).catch((err: unknown) => {
    if (err instanceof RpcFailure && err.hasProblemAt('pool_dataset_update.volsize')) {
      throw new CspProblem('OUT_OF_SPACE', `TrueNAS refused the size: ${err.reason}`, { cause: err });
    }
    throw err;
  });
  return toVolume(ctx, updated);
}

const snapshotProps = ['numclones', prop.snapshotName, prop.temporary];

function isTemporary(snap: SnapshotEntry): boolean {
  return localSnapshotProp(snap, prop.temporary) === 'true';
}

/** Removes a temporary clone source when no clone depends on it any more. */
async function reapTemporaryOrigin(ctx: SessionContext, origin: string | undefined): Promise<void> {
  if (!origin) {
    return;
  }
  const [snap] = await read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [
    [['id', '=', origin]],
    { extra: { properties: snapshotProps } },
  ]);
  if (snap && isTemporary(snap) && Number(snap.properties.numclones?.rawvalue ?? 1) === 0) {
    await call(ctx, 'pool.snapshot.delete', [origin, { defer: true, recursive: false }]);
  }
}

/** The target (with its mappings), the extent and the initiator groups of a volume, found by name. */
async function removeExposure(
  ctx: SessionContext,
  path: string,
  groups: { id: number }[],
  force: boolean,
): Promise<void> {
  // The target goes first, so no group is deleted while a target could still point at it.
  await removeIscsiObjects(ctx, path, force);
  for (const group of groups) {
    await call(ctx, 'iscsi.initiator.delete', [group.id]);
  }
}

/**
 * Destroys the zvol without `recursive`: its temporary clone sources go first, one by one. A
 * recursive delete is never sent, because TrueNAS 26 answers it by destroying the clones of the
 * zvol's snapshots and releasing their holds (its DESTROY_RESOURCES channel program), and 25.10 by
 * destroying every snapshot; a snapshot or clone made meanwhile must stop the delete instead. When
 * the array refuses (25.10: "volume has children", 26: "has snapshots"), the zvol is looked at
 * again and a dependent becomes HAS_DEPENDENTS.
 */
async function destroyZvol(ctx: SessionContext, id: string, path: string, temporary: SnapshotEntry[]): Promise<void> {
  for (const snap of temporary) {
    await call(ctx, 'pool.snapshot.delete', [snap.id, { defer: false, recursive: false }]).catch(
      async (err: unknown) => {
        const [still] = await read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [[['id', '=', snap.id]]]);
        if (still) {
          throw err;
        }
      },
    );
  }
  try {
    await call(ctx, 'pool.dataset.delete', [path, { recursive: false, force: false }]);
  } catch (err) {
    const left = await read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [
      [['dataset', '=', path]],
      { select: ['id', 'snapshot_name'] },
    ]);
    if (left.length > 0) {
      throw new CspProblem(
        'HAS_DEPENDENTS',
        `volume ${id} gained snapshot(s) while it was being deleted (${left.map((s) => s.snapshot_name).join(', ')})`,
        { cause: err },
      );
    }
    throw err;
  }
}

export async function deleteVolume(ctx: SessionContext, id: string, options: { force: boolean }): Promise<void> {
  const path = ctx.names.volumePath(id);
  const [entry] = await queryDatasets(ctx, [['id', '=', path]]);
  if (!entry) {
    // The zvol is gone (removed on the array, or never finished): what it left is found by name.
    await removeExposure(ctx, path, await volumeGroups(ctx, path, undefined), true);
    throw notFound(`volume ${id}`);
  }
  if (!isManaged(entry)) {
    throw notFound(`volume ${id}`);
  }
  if (hostIds(entry).length > 0 && !options.force) {
    throw new CspProblem('PUBLISHED', `volume ${id} is published; unpublish it first (or delete with force=true)`);
  }
  const [snapshots, groups] = await Promise.all([
    read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [
      [['dataset', '=', entry.id]],
      { extra: { properties: snapshotProps } },
    ]),
    volumeGroups(ctx, path, entry),
  ]);
  const blocking = snapshots.filter((s) => !isTemporary(s) || Number(s.properties.numclones?.rawvalue ?? 0) > 0);
  if (blocking.length > 0) {
    throw new CspProblem(
      'HAS_DEPENDENTS',
      `volume ${id} has ${blocking.length} snapshot(s) or clone(s) depending on it (${blocking.map((s) => s.snapshot_name).join(', ')})`,
    );
  }
  if (protocolOf(entry) === 'nvmetcp') {
    if (hostIds(entry).length > 0) {
      await detachAllNvmeHosts(ctx, entry);
    }
    await removeNvmeObjects(ctx, entry.id, idProp(entry, prop.subsysId), options.force);
  } else {
    await removeExposure(ctx, entry.id, groups, options.force);
  }
  if (localUserProp(entry, prop.destroyOnDelete) === 'false') {
    await call(ctx, 'pool.dataset.update', [
      entry.id,
      {
        user_properties_update: [
          { key: prop.retainedName, value: localUserProp(entry, prop.volumeName) as string },
          ...[
            prop.volumeName,
            prop.targetId,
            prop.extentId,
            prop.targetExtentId,
            prop.naa,
            prop.hosts,
            prop.initiatorId,
            ...nvmeProps,
          ].map((key) => ({ key, remove: true })),
        ],
      },
    ]);
    return;
  }
  await destroyZvol(ctx, id, entry.id, snapshots);
  const origin = propObject(entry, 'origin')?.value;
  await reapTemporaryOrigin(ctx, typeof origin === 'string' && origin !== '' ? origin : undefined);
}
