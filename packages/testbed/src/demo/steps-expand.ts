// Steps 15-16 (with a pod stop before them for an offline grow): the PVC grows to twice its size,
// first on the array (ControllerExpandVolume, as external-resizer calls it), then its filesystem
// on the node (NodeExpandVolume, as kubelet calls it): online through the running pod, or for
// ext4 on a host that refuses to grow a mounted ext4, offline at the next stage.
import { zvolLine } from './array-view.js';
import { type DemoContext, type DemoStep, dataFile, need, nodeOf } from './context.js';
import { checksumOf, filesystemBytes } from './host-view.js';
import type { StepLog } from './report.js';
import { fsBytes, usageLines } from './steps-node.js';
import { formatBytes } from './units.js';

const growTool: Record<string, string> = {
  ext4: 'resize2fs',
  xfs: 'xfs_growfs',
  btrfs: 'btrfs filesystem resize max',
};

/** Why the demo grows ext4 offline here: said in the step that does it. */
export const offlineReason =
  'this host denies CAP_SYS_RESOURCE, so the kernel refuses to grow a mounted ext4 (resize2fs: EPERM); ' +
  'the pod stops, the volume grows, and the next stage grows ext4 before mounting it';

const stopPod: DemoStep = {
  name: 'stop the pod for an offline grow',
  node: true,
  async run(ctx, log) {
    const { kubelet } = nodeOf(ctx);
    const pv = need(ctx.pv, 'the PV');
    await kubelet.unpublish(need(ctx.volume, 'the pod volume'));
    ctx.volume = undefined;
    await kubelet.unstage(pv);
    await ctx.stack.kube.detach(pv, await ctx.stack.nodeId());
    ctx.publishContext = undefined;
    log.detail('why', offlineReason);
    log.detail('done', 'NodeUnpublishVolume, NodeUnstageVolume, ControllerUnpublishVolume');
  },
};

const expandController: DemoStep = {
  name: 'expand on the controller (ControllerExpandVolume)',
  async run(ctx, log) {
    const pv = need(ctx.pv, 'the PV');
    const before = pv.capacity;
    const { capacity, nodeExpansionRequired } = await ctx.stack.kube.expand(pv, 2 * ctx.options.size);
    ctx.nodeExpansionRequired = nodeExpansionRequired;
    log.detail('capacity', `${formatBytes(before)} → ${formatBytes(capacity)}`);
    const zvol = zvolLine(ctx.stack.backend, pv.volumeHandle);
    log.detail(`array: ${zvol.key}`, zvol.value);
    log.detail(
      'node expansion',
      nodeExpansionRequired ? 'required: kubelet grows the filesystem (NodeExpandVolume)' : 'not needed',
    );
  },
};

/** Offline: attach and stage again (the stage grows the filesystem), NodeExpandVolume, publish. */
async function growOffline(ctx: DemoContext, log: StepLog): Promise<void> {
  const { kubelet } = nodeOf(ctx);
  const pv = need(ctx.pv, 'the PV');
  const publishContext = await ctx.stack.kube.attach(pv, await ctx.stack.nodeId());
  ctx.publishContext = publishContext;
  const staging = await kubelet.stage(pv, publishContext);
  const staged = await filesystemBytes(staging);
  await kubelet.expand(pv);
  const expanded = await filesystemBytes(staging);
  ctx.volume = await kubelet.publish(pv, publishContext, { podUid: need(ctx.podUid, 'the pod uid') });
  log.detail('mode', 'offline (see the step before the controller expand)');
  log.detail('calls', 'ControllerPublishVolume, NodeStageVolume, NodeExpandVolume, NodePublishVolume');
  log.detail(
    'who grew it',
    expanded === staged
      ? `NodeStageVolume, before mounting (${formatBytes(staged)}); NodeExpandVolume found it done`
      : `NodeExpandVolume (${formatBytes(staged)} → ${formatBytes(expanded)})`,
  );
}

const expandNode: DemoStep = {
  name: 'expand on the node (NodeExpandVolume)',
  node: true,
  async run(ctx, log) {
    const pv = need(ctx.pv, 'the PV');
    const before = need(ctx.fsBytes, 'the filesystem size before the expand');
    if (ctx.offlineGrow) {
      await growOffline(ctx, log);
    } else if (ctx.nodeExpansionRequired) {
      await nodeOf(ctx).kubelet.expand(pv, need(ctx.volume, 'the pod volume'));
      log.detail(
        'mode',
        `online: the pod keeps running; ${growTool[ctx.options.fs] ?? 'grow'} on the mounted filesystem`,
      );
    } else {
      log.detail('mode', 'the driver said no node expansion is needed');
    }
    const { stats, total } = await fsBytes(ctx);
    if (total <= before) {
      throw new Error(`the filesystem did not grow: ${formatBytes(before)} before, ${formatBytes(total)} after`);
    }
    log.detail('filesystem', `${formatBytes(before)} → ${formatBytes(total)}`);
    usageLines(stats, log);
    const sum = await checksumOf(need(ctx.volume, 'the pod volume').targetPath, dataFile);
    if (sum !== ctx.checksum) {
      throw new Error(`${dataFile} changed during the expand: sha256 ${sum ?? 'missing'}`);
    }
    log.detail(dataFile, `sha256 ${sum} (unchanged)`);
  },
};

/** The expand steps; an offline grow stops the pod first. */
export function expandSteps(offlineGrow: boolean): DemoStep[] {
  return offlineGrow ? [stopPod, expandController, expandNode] : [expandController, expandNode];
}
