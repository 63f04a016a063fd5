// Steps 10-14: a snapshot of the PVC, a new PVC restored from it and a clone of the PVC, each
// read back in a pod: the file written before the snapshot has the same checksum in both; the
// file written after it is only in the clone.
import type { PersistentVolume } from '../harness/storage-class.js';
import { snapshotsOf } from './array-view.js';
import { type DemoContext, type DemoStep, dataFile, kubeletPath, laterFile, need, nodeOf } from './context.js';
import { checksumOf, writeTextFile } from './host-view.js';
import type { StepLog } from './report.js';
import { showArray } from './steps-setup.js';
import { formatBytes } from './units.js';

const snapshot: DemoStep = {
  name: 'snapshot the PVC (CreateSnapshot)',
  async run(ctx, log) {
    const pv = need(ctx.pv, 'the PV');
    const content = await ctx.stack.kube.snapshot(pv, ctx.stack.snapshotClass);
    ctx.snapshot = content;
    log.detail('snapshot id', content.snapshotHandle);
    log.detail('ready', `${content.readyToUse}, restore size ${formatBytes(content.restoreSize)}`);
    log.detail('array: ZFS snapshot', snapshotsOf(ctx.stack.backend, pv.volumeHandle).join(', ') || '(none)');
    if (ctx.volume) {
      await writeTextFile(ctx.volume.targetPath, laterFile, 'written after the snapshot\n');
      log.detail('then', `the pod wrote ${laterFile}: the restore must not have it, the clone must`);
    }
  },
};

function newPvc(ctx: DemoContext, name: string) {
  return { name, namespace: 'demo', size: ctx.options.size };
}

const restore: DemoStep = {
  name: 'restore the snapshot into a new PVC',
  async run(ctx, log) {
    const content = need(ctx.snapshot, 'the snapshot');
    const restored = await ctx.stack.kube.restore(content, need(ctx.sc, 'the StorageClass'), newPvc(ctx, 'restored'));
    ctx.restored = restored;
    log.detail('PVC', `demo/restored (dataSource: VolumeSnapshot) → PV ${restored.name}`);
    log.detail('volume id', restored.volumeHandle);
    showArray(ctx, log, restored.volumeHandle, ['zvol']);
  },
};

/**
 * A pod reads a PV back: attach, stage, publish, compare checksums, then the pod goes (unpublish,
 * unstage, detach). Throws when the data is not what it must be.
 */
async function readBack(ctx: DemoContext, pv: PersistentVolume, log: StepLog, expectLater: boolean): Promise<void> {
  const { pods } = nodeOf(ctx);
  const expected = need(ctx.checksum, 'the checksum of the written file');
  const pod = await pods.start([pv]);
  try {
    const dir = need(pod.volumes[0], 'the pod volume').targetPath;
    const sum = await checksumOf(dir, dataFile);
    if (sum !== expected) {
      throw new Error(`${dataFile} reads back as ${sum ?? 'missing'}, expected ${expected}`);
    }
    log.detail(dataFile, `sha256 ${sum} (equal)`);
    const later = await checksumOf(dir, laterFile);
    if ((later !== undefined) !== expectLater) {
      throw new Error(`${laterFile} is ${later === undefined ? 'missing' : 'present'} in ${pv.claim.name}`);
    }
    log.detail(laterFile, expectLater ? 'present (a clone is taken now)' : 'absent (the snapshot predates it)');
    log.detail('pod path', kubeletPath(ctx, dir));
  } finally {
    await pods.stop(pod);
  }
  log.detail('then', 'the pod went: unpublish, unstage, detach');
}

const readRestore: DemoStep = {
  name: 'read the restored PVC back in a pod',
  node: true,
  run: (ctx, log) => readBack(ctx, need(ctx.restored, 'the restored PV'), log, false),
};

const clone: DemoStep = {
  name: 'clone the PVC',
  async run(ctx, log) {
    const source = need(ctx.pv, 'the PV');
    const cloned = await ctx.stack.kube.clone(source, need(ctx.sc, 'the StorageClass'), newPvc(ctx, 'clone'));
    ctx.clone = cloned;
    log.detail('PVC', `demo/clone (dataSource: PVC demo/data) → PV ${cloned.name}`);
    log.detail('volume id', cloned.volumeHandle);
    showArray(ctx, log, cloned.volumeHandle, ['zvol']);
  },
};

const readClone: DemoStep = {
  name: 'read the clone back in a pod',
  node: true,
  run: (ctx, log) => readBack(ctx, need(ctx.clone, 'the clone PV'), log, true),
};

export const dataSteps: DemoStep[] = [snapshot, restore, readRestore, clone, readClone];
