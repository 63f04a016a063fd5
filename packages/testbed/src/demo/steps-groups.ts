// Step: two PVCs of a StorageClass with `volumeGroup` snapshotted as one group (CSI
// CreateVolumeGroupSnapshot, one recursive ZFS snapshot: crash-consistent), both restored from the
// group's snapshots, then all of it deleted again, so the later steps and the leak audit see the
// array as before.
import type { PersistentVolume } from '../harness/storage-class.js';
import { snapshotContent, storageClass } from '../harness/storage-class.js';
import { type DemoContext, type DemoStep, need } from './context.js';
import type { StepLog } from './report.js';

async function groupOfTwo(ctx: DemoContext, log: StepLog) {
  const { kube } = ctx.stack;
  const sc = need(ctx.sc, 'the StorageClass');
  const grouped = storageClass(`${sc.name}-group`, ctx.stack.secretRef, { ...sc.parameters, volumeGroup: 'demo-app' });
  const size = ctx.options.size;
  const db = await kube.provisionPvc(grouped, { name: 'app-db', namespace: 'demo', size });
  const wal = await kube.provisionPvc(grouped, { name: 'app-wal', namespace: 'demo', size });
  log.detail('PVCs', `demo/app-db, demo/app-wal (StorageClass parameter volumeGroup: demo-app)`);
  log.detail(
    'array: zvols',
    `${ctx.stack.backend.datasetOf(db.volumeHandle)}, ${ctx.stack.backend.datasetOf(wal.volumeHandle)}`,
  );
  return [db, wal];
}

const groupSnapshot: DemoStep = {
  name: 'snapshot two PVCs as one group and restore both',
  async run(ctx, log) {
    const { kube } = ctx.stack;
    const client = ctx.stack.controller.client;
    const secrets = ctx.stack.backend.secrets;
    const volumes = await groupOfTwo(ctx, log);
    const request = {
      name: 'groupsnapshot-demo',
      sourceVolumeIds: volumes.map((v) => v.volumeHandle),
      secrets,
      parameters: {},
    };
    const response = await client.groupController('CreateVolumeGroupSnapshot', request);
    const group = need(response.groupSnapshot ?? undefined, 'the group snapshot');
    const snapshots = group.snapshots;
    log.detail('group snapshot', `${group.groupSnapshotId} (ready ${group.readyToUse})`);
    log.detail(
      'array: ZFS',
      'one recursive snapshot of the group dataset: ' +
        snapshots.map((s) => `${ctx.stack.backend.datasetOf(s.sourceVolumeId)}@…`).join(', '),
    );
    const restored: PersistentVolume[] = [];
    for (const snap of snapshots) {
      const content = snapshotContent(`snapcontent-${restored.length}`, snap, ctx.stack.snapshotClass);
      const pvc = { name: `app-restored-${restored.length}`, namespace: 'demo', size: ctx.options.size };
      restored.push(await kube.restore(content, need(ctx.sc, 'the StorageClass'), pvc));
    }
    log.detail('restored', restored.map((pv) => pv.volumeHandle).join(', '));
    for (const pv of restored) {
      await kube.deletePv(pv);
    }
    const snapshotIds = snapshots.map((s) => s.snapshotId);
    await client.groupController('DeleteVolumeGroupSnapshot', {
      groupSnapshotId: group.groupSnapshotId,
      snapshotIds,
      secrets,
    });
    for (const pv of volumes) {
      await kube.deletePv(pv);
    }
    log.detail('then', 'restores, group snapshot and both PVCs deleted (the empty volume group with them)');
  },
};

export const groupSteps: DemoStep[] = [groupSnapshot];
