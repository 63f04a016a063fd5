// The iSCSI attachment delegate (plugins/iscsi_/fs_attachment_delegate.py): deleting a zvol first
// deletes the *enabled* DISK extents that point at it (pool.dataset.delete asks the delegate for
// `query(mountpoint, True)`, common/attachment/__init__.py filters `enabled = True`; same on
// TS-25.10.6 and stable/26), their LUN mappings, and targets left without LUNs (forcibly, even
// with sessions). A disabled extent stays, pointing at a zvol that is gone. Initiator groups and
// CHAP entries are left alone.
import type { SimCore } from '../state/core.js';

function extentDataset(path: string | null): string | undefined {
  return path?.startsWith('zvol/') ? path.slice('zvol/'.length) : undefined;
}

/** Removes the iSCSI objects attached to `dataset` or any of its descendants. */
export function deleteZvolAttachments(sim: SimCore, dataset: string): void {
  const { iscsi } = sim;
  const attached = iscsi.extents.filter((e) => {
    const ds = e.type === 'DISK' && e.enabled ? extentDataset(e.path) : undefined;
    return ds !== undefined && (ds === dataset || ds.startsWith(`${dataset}/`));
  });
  const orphanCandidates = new Set<number>();
  for (const extent of attached) {
    for (const te of iscsi.targetextents.filter((t) => t.extent === extent.id)) {
      orphanCandidates.add(te.target);
      iscsi.targetextents.delete(te.id);
    }
    iscsi.extents.delete(extent.id);
  }
  for (const te of iscsi.targetextents.all()) {
    orphanCandidates.delete(te.target);
  }
  for (const targetId of orphanCandidates) {
    const target = iscsi.targets.get(targetId);
    if (target) {
      dropSessions(sim, target.name);
      iscsi.targets.delete(targetId);
    }
  }
}

/** Logs out every simulated session of a target (what a forced delete does to initiators). */
export function dropSessions(sim: SimCore, targetName: string): void {
  const iqn = sim.iscsi.iqn(targetName);
  for (let i = sim.iscsi.sessions.length - 1; i >= 0; i--) {
    if (sim.iscsi.sessions[i]?.target === iqn) {
      sim.iscsi.sessions.splice(i, 1);
    }
  }
}
