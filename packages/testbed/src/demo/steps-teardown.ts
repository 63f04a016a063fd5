// Steps 17-21: the pod goes (unpublish, unstage), the volume is detached, the snapshot and the
// volumes are deleted, the node's host registration is removed (the operator's step when a
// node is retired), and the leak audit proves nothing is left on the array or the node.
import { snapshotsOf } from './array-view.js';
import { type DemoStep, kubeletPath, need, nodeOf } from './context.js';
import { mountAt } from './host-view.js';
import { nodeName } from './stack.js';
import { loopLine, sessionsLine } from './steps-node.js';

const unpublishUnstage: DemoStep = {
  name: 'unpublish and unstage (NodeUnpublish/NodeUnstage)',
  node: true,
  async run(ctx, log) {
    const { kubelet } = nodeOf(ctx);
    const pv = need(ctx.pv, 'the PV');
    const volume = need(ctx.volume, 'the pod volume');
    await kubelet.unpublish(volume);
    ctx.volume = undefined;
    const staging = await kubelet.stagingPath(pv);
    await kubelet.unstage(pv);
    for (const path of [volume.targetPath, staging]) {
      if (await mountAt(path)) {
        throw new Error(`${path} is still mounted`);
      }
    }
    log.detail('unmounted', kubeletPath(ctx, volume.targetPath));
    log.detail('and', kubeletPath(ctx, staging));
    log.detail('device', await loopLine(ctx, need(ctx.publishContext, 'the publish context')));
    if (ctx.options.protocol === 'nvmetcp') {
      log.detail('NVMe controllers', `${sessionsLine(ctx)} (disconnected)`);
    } else {
      log.detail('iSCSI sessions', `${sessionsLine(ctx)} (logged out)`);
    }
  },
};

const detach: DemoStep = {
  name: 'detach from the node (ControllerUnpublishVolume)',
  async run(ctx, log) {
    const pv = need(ctx.pv, 'the PV');
    await ctx.stack.kube.detach(pv, await ctx.stack.nodeId());
    ctx.publishContext = undefined;
    const initiators = await ctx.stack.backend.initiatorsOf(pv.volumeHandle);
    const what = ctx.options.protocol === 'nvmetcp' ? 'array: subsystem' : 'array: target';
    log.detail(what, initiators.length > 0 ? `still admits ${initiators.join(', ')}` : 'admits nobody');
  },
};

const deleteAll: DemoStep = {
  name: 'delete the snapshot and the volumes',
  async run(ctx, log) {
    const { kube, backend } = ctx.stack;
    const pv = need(ctx.pv, 'the PV');
    for (const [what, volume] of [
      ['clone', ctx.clone],
      ['restore', ctx.restored],
    ] as const) {
      if (volume) {
        await kube.deletePv(volume);
        log.detail(`DeleteVolume ${what}`, volume.volumeHandle);
      }
    }
    if (ctx.snapshot) {
      await kube.deleteSnapshot(ctx.snapshot);
      log.detail('DeleteSnapshot', ctx.snapshot.snapshotHandle);
    }
    await kube.deletePv(pv);
    log.detail('DeleteVolume data', pv.volumeHandle);
    log.detail('array: zvols', `${await backend.volumeCount()} left`);
    log.detail('array: snapshots', snapshotsOf(backend, pv.volumeHandle).join(', ') || 'none left');
  },
};

const retireNode: DemoStep = {
  name: 'retire the node (DELETE /hosts, an operator step)',
  async run(ctx, log) {
    await ctx.stack.backend.removeHost(nodeName);
    log.detail('why', 'CSI has no call for a node leaving the cluster: its host registration stays until removed');
    log.detail(
      'removed',
      ctx.options.protocol === 'nvmetcp'
        ? `host ${nodeName} (its initiator group and NVMe host on the array)`
        : `host ${nodeName} (its initiator group on the array)`,
    );
  },
};

const leakAudit: DemoStep = {
  name: 'leak audit: nothing left',
  async run(ctx, log) {
    const left = await ctx.stack.leftovers();
    if (left.length > 0) {
      throw new Error(`left behind: ${left.join('; ')}`);
    }
    log.detail(
      'array',
      ctx.options.protocol === 'nvmetcp'
        ? 'no zvol, snapshot, subsystem, namespace, port link, NVMe host, initiator group or controller left'
        : 'no zvol, snapshot, target, extent, LUN, initiator group, CHAP entry or session left',
    );
    const node = ctx.stack.node;
    if (node) {
      log.detail('node', `no mount under ${node.kubeletDir}, no loop device on the array’s files`);
    }
  },
};

export const teardownSteps: DemoStep[] = [unpublishUnstage, detach, deleteAll, retireNode, leakAudit];
