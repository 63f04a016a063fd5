// TrueNAS 26 (branch stable/26 of truenas/middleware; 26.0.0-BETA.3 and later). ZFS work goes
// through truenas_pylibzfs and the zfs.resource.* services:
// - pool.dataset.delete -> zfs.resource.destroy_impl (plugins/zfs/resource_crud.py): a
//   non-recursive destroy of a dataset with snapshots is a ValidationError (ENOTEMPTY); a
//   recursive one runs the DESTROY_RESOURCES channel program (truenas_pylibzfs
//   src/libzfs_core/lua_channel_programs.h), which destroys the clones of every snapshot and
//   releases holds (plugins/zfs/destroy_impl.py), and pool.dataset.delete ignores the
//   (failed, errno) it returns;
// - pool.snapshot.delete -> zfs.resource.snapshot.destroy (plugins/zfs/snapshot_crud.py):
//   holds block even with defer, clones block without it (ValidationError EBUSY);
// - pool.snapshot.clone calls clone_impl directly, so ZFSPathNotFoundException and
//   ZFSPathAlreadyExistsException reach the client as plain exceptions (-32001, EINVAL).
import { errno, instanceNotFound, unexpectedException, validationError } from '../rpc/errors.js';
import type { SimCore } from '../state/core.js';
import { dropDataset, dropSnapshot, reapDeferred } from '../zfs/destroy.js';
import type { Snapshot } from '../zfs/model.js';
import type { Personality, SnapshotDeleteOptions } from './personality.js';
import type { Release } from './releases.js';

const schema = 'zfs.resource.snapshot.destroy';
const zfsExceptions = 'middlewared.plugins.zfs.exceptions';

/** A zvol whose device an enabled iSCSI extent or NVMe-oF namespace holds open cannot be destroyed (EBUSY). */
function inUse(sim: SimCore, name: string): boolean {
  return (
    sim.iscsi.extents.all().some((e) => e.enabled && e.path === `zvol/${name}`) ||
    sim.nvmet.namespaces.all().some((ns) => ns.enabled && ns.device_path === `zvol/${name}`)
  );
}

/** `zfs.sync.destroy(clone)` in the channel program: only a clone with no dependents, not open. */
async function destroyClone(sim: SimCore, name: string): Promise<boolean> {
  if (sim.zfs.children(name).length > 0 || sim.zfs.snapshotsOf(name).length > 0 || inUse(sim, name)) {
    return false;
  }
  await reapDeferred(sim, await dropDataset(sim, name));
  return true;
}

/** One pass of DESTROY_RESOURCES over `root`; returns the snapshots that were held. */
async function destroyResources(sim: SimCore, root: string): Promise<Snapshot[]> {
  const held: Snapshot[] = [];
  for (const child of sim.zfs.children(root)) {
    held.push(...(await destroyResources(sim, child)));
  }
  for (const snap of sim.zfs.snapshotsOf(root)) {
    for (const clone of sim.zfs.clonesOf(snap.name)) {
      await destroyClone(sim, clone);
    }
    if (!sim.zfs.snapshots.has(snap.name)) {
      continue;
    }
    if (snap.holds.size > 0) {
      held.push(snap);
    } else if (sim.zfs.clonesOf(snap.name).length === 0) {
      await dropSnapshot(sim, snap);
    }
  }
  if (sim.zfs.snapshotsOf(root).length === 0 && sim.zfs.children(root).length === 0 && !inUse(sim, root)) {
    await reapDeferred(sim, await dropDataset(sim, root));
  }
  return held;
}

async function destroyDataset(sim: SimCore, name: string, recursive: boolean): Promise<void> {
  if (!name.includes('/')) {
    throw validationError('zfs.resource.destroy', 'Destroying the root filesystem is not allowed.', errno.EINVAL);
  }
  if (!recursive) {
    if (sim.zfs.snapshotsOf(name).length > 0) {
      throw validationError(
        'zfs.resource.destroy',
        `'${name}' has snapshots. Set recursive=True to remove them.`,
        errno.ENOTEMPTY,
      );
    }
    await reapDeferred(sim, await dropDataset(sim, name));
    return;
  }
  const held = await destroyResources(sim, name);
  if (held.length > 0 && sim.zfs.datasets.has(name)) {
    for (const snap of held) {
      snap.holds.clear();
    }
    await destroyResources(sim, name);
  }
  // Whatever could not be destroyed stays, and pool.dataset.delete still answers true.
}

async function deleteSnapshot(sim: SimCore, root: Snapshot, options: SnapshotDeleteOptions): Promise<void> {
  const all = [root];
  if (options.recursive) {
    for (const n of sim.zfs.descendants(root.dataset)) {
      const child = sim.zfs.snapshots.get(`${n}@${root.snapshotName}`);
      if (child) {
        all.push(child);
      }
    }
  }
  for (const snap of all) {
    if (snap.holds.size > 0) {
      throw validationError(
        schema,
        `'${snap.name}' has the following holds: ${[...snap.holds].join(',')}`,
        errno.EBUSY,
      );
    }
    const clones = sim.zfs.clonesOf(snap.name);
    if (clones.length > 0 && !options.defer) {
      throw validationError(schema, `'${snap.name}' has the following clones: ${clones.join(',')}`, errno.EBUSY);
    }
  }
  for (const snap of all) {
    if (sim.zfs.clonesOf(snap.name).length > 0) {
      snap.deferDestroy = true;
    } else {
      await dropSnapshot(sim, snap);
    }
  }
}

export function v26_0(release: Release): Personality {
  return {
    release,
    auth: {
      mechanisms: ['API_KEY_PLAIN', 'TOKEN_PLAIN', 'PASSWORD_PLAIN', 'SCRAM'],
      choicesNeedLogin: false,
      reconnectToken: true,
      scram: true,
      denied: true,
    },
    destroyDataset,
    snapshotExists: (_dataset, name) =>
      validationError('pool.snapshot.create', `${name} already exists.`, errno.EEXIST),
    deleteSnapshot,
    snapshotNotFound: (id) => instanceNotFound(`'${id}' not found`),
    cloneSourceMissing: (snapshot) =>
      unexpectedException(`'${snapshot}' not found`, `${zfsExceptions}.ZFSPathNotFoundException`),
    cloneTargetExists: (dataset) =>
      unexpectedException(`'${dataset}' already exists`, `${zfsExceptions}.ZFSPathAlreadyExistsException`),
  };
}
