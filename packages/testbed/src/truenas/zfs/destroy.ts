// ZFS destroy primitives shared by the version personalities: dropping a snapshot or a dataset
// (and its data file), and reaping deferred-destroy snapshots once nothing references them. The
// rules for *whether* a destroy may happen, and the error each refusal raises, differ between
// TrueNAS 25.10 and 26 and live in `../version/`.
import type { SimCore } from '../state/core.js';
import type { Snapshot } from './model.js';

/** Destroys a snapshot now (the caller checked clones and holds) and frees its data file. */
export async function dropSnapshot(sim: SimCore, snap: Snapshot): Promise<void> {
  sim.zfs.removeSnapshot(snap.name);
  await sim.backing.remove(snap.backing);
}

/** Destroys one dataset that has no snapshots or children left; returns its origin snapshot. */
export async function dropDataset(sim: SimCore, name: string): Promise<string | null> {
  const ds = sim.zfs.removeDataset(name);
  sim.zvolDeviceReadyAt.delete(name);
  await sim.backing.remove(ds.backing);
  return ds.origin;
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

/** `name` and (when `recursive`) its descendants, parents first. */
export function datasetTree(sim: SimCore, name: string, recursive: boolean): string[] {
  return [name, ...(recursive ? sim.zfs.descendants(name) : [])];
}

/**
 * Removes datasets (deepest first) with all their snapshots, then reaps deferred origins. The
 * caller has decided the destroy may happen.
 */
export async function dropTree(sim: SimCore, doomed: string[]): Promise<void> {
  const origins: Array<string | null> = [];
  for (const dsName of [...doomed].reverse()) {
    for (const snap of sim.zfs.snapshotsOf(dsName)) {
      await dropSnapshot(sim, snap);
    }
    origins.push(await dropDataset(sim, dsName));
  }
  for (const origin of origins) {
    await reapDeferred(sim, origin);
  }
}

/** Snapshots of `doomed` datasets whose clones live outside the doomed set. */
export function externalClones(sim: SimCore, doomed: string[]): Array<{ snap: Snapshot; clones: string[] }> {
  const inside = new Set(doomed);
  return doomed
    .flatMap((n) => sim.zfs.snapshotsOf(n))
    .map((snap) => ({ snap, clones: sim.zfs.clonesOf(snap.name).filter((c) => !inside.has(c)) }))
    .filter((entry) => entry.clones.length > 0);
}
