// TrueNAS 25.10 (Goldeye), as of tag TS-25.10.6 of truenas/middleware. ZFS work goes through
// py-libzfs and the `zfs` command, so refusals are CallErrors (-32001) carrying libzfs or zfs(8)
// text, mostly with the CallError default errno EFAULT:
// - pool.dataset.delete: plugins/zfs_/dataset.py `delete` runs `zfs destroy [-r]` and raises
//   `CallError(f'Failed to delete dataset: {stderr}')` (EBUSY only for "dataset is busy");
// - pool.snapshot.*: plugins/zfs_/snapshot.py and snapshot_actions.py (py-libzfs).
// Texts of zfs(8)/libzfs from openzfs zfs-2.3.4 (cmd/zfs/zfs_main.c, lib/libzfs/libzfs_dataset.c).
import { callError, errno, instanceNotFound, validationErrors } from '../rpc/errors.js';
import type { SimCore } from '../state/core.js';
import { datasetTree, dropSnapshot, dropTree, externalClones } from '../zfs/destroy.js';
import type { Snapshot } from '../zfs/model.js';
import type { Personality, SnapshotDeleteOptions } from './personality.js';
import type { Release } from './releases.js';

const heldText = (snap: string) =>
  `cannot destroy snapshot ${snap}: it's being held. Run 'zfs holds -r ${snap}' to see holders.`;

/** `zfs destroy [-r] <name>` with zfs(8)'s dependent checks; nothing changes when refused. */
async function zfsDestroy(sim: SimCore, name: string, recursive: boolean): Promise<void> {
  const ds = sim.zfs.datasets.get(name);
  const kind = ds?.type === 'VOLUME' ? 'volume' : 'filesystem';
  const fail = (stderr: string) => callError(`Failed to delete dataset: ${stderr}`, errno.EFAULT);
  if (!name.includes('/')) {
    throw fail(
      `cannot destroy '${name}': operation does not apply to pools\nuse 'zfs destroy -r ${name}' to destroy all datasets in the pool\nuse 'zpool destroy ${name}' to destroy the pool itself`,
    );
  }
  const doomed = datasetTree(sim, name, recursive);
  if (!recursive) {
    const dependents = sim.zfs.snapshotsOf(name).map((s) => s.name);
    if (dependents.length > 0) {
      throw fail(
        `cannot destroy '${name}': ${kind} has children\nuse '-r' to destroy the following datasets:\n${dependents.join('\n')}`,
      );
    }
  } else {
    const clones = externalClones(sim, doomed).flatMap((e) => e.clones);
    if (clones.length > 0) {
      throw fail(
        `cannot destroy '${name}': ${kind} has dependent clones\nuse '-R' to destroy the following datasets:\n${clones.join('\n')}`,
      );
    }
    const held = doomed.flatMap((n) => sim.zfs.snapshotsOf(n)).filter((s) => s.holds.size > 0);
    if (held.length > 0) {
      throw fail(held.map((s) => heldText(s.name)).join('\n'));
    }
  }
  await dropTree(sim, doomed);
}

/** py-libzfs `ZFSSnapshot.delete` for one snapshot, with middleware's translation of its errors. */
async function deleteOne(sim: SimCore, snap: Snapshot, defer: boolean): Promise<void> {
  const clones = sim.zfs.clonesOf(snap.name);
  if (clones.length > 0 && !defer) {
    throw validationErrors([
      [
        'options.defer',
        `Please set this attribute as '${snap.name}' snapshot has dependent clones: ${clones.join(', ')}`,
      ],
    ]);
  }
  if (clones.length > 0 || snap.holds.size > 0) {
    if (!defer) {
      throw callError(`cannot destroy '${snap.name}': dataset is busy`, errno.EFAULT);
    }
    snap.deferDestroy = true;
    return;
  }
  await dropSnapshot(sim, snap);
}

/** `dataset.destroy_snapshot(name, defer)` for a recursive delete: one batch, all or nothing. */
async function deleteRecursive(sim: SimCore, root: Snapshot, defer: boolean): Promise<void> {
  const all = [root, ...sim.zfs.descendants(root.dataset).flatMap((n) => sim.zfs.snapshotsOf(n))].filter(
    (s) => s.snapshotName === root.snapshotName,
  );
  if (!defer) {
    const problems = all.flatMap((s) => {
      if (sim.zfs.clonesOf(s.name).length > 0) {
        return [`cannot destroy snapshot ${s.name}: snapshot is cloned`];
      }
      return s.holds.size > 0 ? [heldText(s.name)] : [];
    });
    if (problems.length > 0) {
      throw callError(problems.join('\n'), errno.EFAULT);
    }
  }
  for (const snap of all) {
    if (sim.zfs.clonesOf(snap.name).length > 0 || snap.holds.size > 0) {
      snap.deferDestroy = true;
    } else {
      await dropSnapshot(sim, snap);
    }
  }
}

export function v25_10(release: Release): Personality {
  return {
    release,
    auth: {
      mechanisms: ['API_KEY_PLAIN', 'TOKEN_PLAIN', 'PASSWORD_PLAIN'],
      choicesNeedLogin: true,
      reconnectToken: false,
      scram: false,
      denied: false,
    },
    destroyDataset: zfsDestroy,
    snapshotExists: (dataset, name) =>
      callError(
        `Failed to snapshot ${dataset}@${name}: cannot create snapshot '${dataset}@${name}': dataset already exists`,
        errno.EEXIST,
      ),
    deleteSnapshot: (sim, snap, options: SnapshotDeleteOptions) =>
      options.recursive ? deleteRecursive(sim, snap, options.defer) : deleteOne(sim, snap, options.defer),
    snapshotNotFound: (id) => instanceNotFound(`Snapshot ${id} not found`),
    cloneSourceMissing: (snapshot) => callError(`Failed to clone snapshot: Snapshot ${snapshot} not found`),
    cloneTargetExists: (dataset) =>
      callError(`Failed to clone snapshot: cannot create '${dataset}': dataset already exists`),
  };
}
