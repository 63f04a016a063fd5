// Destroying datasets and snapshots with ZFS's rules: a snapshot with clones or holds cannot go
// (unless deferred: then it goes when the last clone and hold do), a dataset with children needs
// `recursive`. Error texts follow plugins/zfs/ (ZFSPathHasClonesException & co.).
import { errno, validationError } from '../rpc/errors.js';
import type { SimCore } from '../state/core.js';
import type { Snapshot } from './model.js';

/** Destroys a snapshot now (caller checked clones and holds) and frees its data file. */
export async function dropSnapshot(sim: SimCore, snap: Snapshot): Promise<void> {
  sim.zfs.removeSnapshot(snap.name);
  await sim.backing.remove(snap.backing);
}

/** A deferred-destroy snapshot goes away once nothing references it any more. */
export async function reapDeferred(sim: SimCore, snapshotName: string | null): Promise<void> {
  if (!snapshotName) {
    return;
  }
  const snap = sim.zfs.snapshots.get(snapshotName);
  if (snap?.deferDestroy && snap.holds.size === 0 && sim.zfs.clonesOf(snap.name).length === 0) {
    await dropSnapshot(sim, snap);
  }
}

/** Why a snapshot cannot be destroyed right now, as middleware's validation error, or undefined. */
export function snapshotBlocker(sim: SimCore, snap: Snapshot, schema: string, ignoreClones = new Set<string>()) {
  const clones = sim.zfs.clonesOf(snap.name).filter((c) => !ignoreClones.has(c));
  if (clones.length > 0) {
    return validationError(schema, `'${snap.name}' has the following clones: ${clones.join(',')}`, errno.EBUSY);
  }
  if (snap.holds.size > 0) {
    return validationError(schema, `'${snap.name}' has the following holds: ${[...snap.holds].join(',')}`, errno.EBUSY);
  }
  return undefined;
}

/**
 * Destroys `name` and (when `recursive`) its descendants and all their snapshots. Everything is
 * checked before anything is removed, so a refused destroy changes nothing in ZFS.
 */
export async function destroyDatasetTree(sim: SimCore, name: string, recursive: boolean): Promise<void> {
  const schema = 'zfs.resource.destroy';
  const doomed = [name, ...(recursive ? sim.zfs.descendants(name) : [])];
  const doomedSet = new Set(doomed);
  const snapshots = doomed.flatMap((n) => sim.zfs.snapshotsOf(n));
  if (!recursive && snapshots.length > 0) {
    throw validationError(schema, `'${name}' has snapshots. Destroy them first or set recursive.`, errno.ENOTEMPTY);
  }
  for (const snap of snapshots) {
    const outside = sim.zfs.clonesOf(snap.name).filter((c) => !doomedSet.has(c));
    if (outside.length > 0) {
      throw validationError(
        `${schema}.defer`,
        `Snapshot '${snap.name}' has dependent clones: ${outside.join(', ')}`,
        errno.ENOTEMPTY,
      );
    }
    if (snap.holds.size > 0) {
      throw validationError(
        schema,
        `'${snap.name}' has the following holds: ${[...snap.holds].join(',')}`,
        errno.ENOTEMPTY,
      );
    }
  }
  const origins: Array<string | null> = [];
  for (const dsName of doomed.reverse()) {
    for (const snap of sim.zfs.snapshotsOf(dsName)) {
      await dropSnapshot(sim, snap);
    }
    const ds = sim.zfs.removeDataset(dsName);
    origins.push(ds.origin);
    sim.zvolDeviceReadyAt.delete(dsName);
    await sim.backing.remove(ds.backing);
  }
  for (const origin of origins) {
    await reapDeferred(sim, origin);
  }
}
