// Steps 6-9, on the node: stage (the loop device standing in for the iSCSI login, mkfs, mount),
// publish into a pod's volume path, write a file as the pod would, and read the volume's stats.
import { randomUUID } from 'node:crypto';
import type { NodeGetVolumeStatsResponse__Output } from '@opencsp/csi-driver';
import { type DemoContext, type DemoStep, dataBytes, dataFile, kubeletPath, need, nodeOf } from './context.js';
import { loopDevicesOf, mountAt, writeRandomFile } from './host-view.js';
import type { StepLog } from './report.js';
import { formatBytes } from './units.js';

/** The array's iSCSI sessions (or NVMe controllers) of this node (what the loop transport simulated). */
export function sessionsLine(ctx: DemoContext): string {
  if (ctx.options.protocol === 'nvmetcp') {
    const { hostnqn } = ctx.stack;
    const connected = (ctx.stack.backend.luns.nvme?.connected() ?? []).filter((c) => c.hostnqn === hostnqn);
    return connected.length > 0
      ? `${hostnqn} → ${[...new Set(connected.map((c) => c.subnqn))].join(', ')} (${connected.length} controllers, one per port)`
      : 'none';
  }
  const sessions = ctx.stack.backend.stack.sim
    .audit()
    .sessions.filter((s) => s.initiator === ctx.stack.initiatorName)
    .map((s) => s.target);
  return sessions.length > 0 ? `${ctx.stack.initiatorName} → ${sessions.join(', ')}` : 'none';
}

/** The loop devices on the LUN behind a publish context. */
export async function loopLine(ctx: DemoContext, publishContext: Record<string, string>): Promise<string> {
  const { luns } = ctx.stack.backend;
  const resolver = publishContext.accessProtocol === 'nvmetcp' && luns.nvme ? luns.nvme.resolve : luns.resolve;
  const file = await resolver(publishContext);
  const devices = await loopDevicesOf(file);
  return devices.length > 0 ? `${devices.join(', ')} → ${file}` : `none on ${file}`;
}

const stage: DemoStep = {
  name: 'stage on the node (NodeStageVolume)',
  node: true,
  async run(ctx, log) {
    const { kubelet } = nodeOf(ctx);
    const pv = need(ctx.pv, 'the PV');
    const publishContext = need(ctx.publishContext, 'the publish context');
    const staging = await kubelet.stage(pv, publishContext);
    const mount = await mountAt(staging);
    if (!mount) {
      throw new Error(`NodeStageVolume answered OK but nothing is mounted at ${staging}`);
    }
    if (ctx.options.protocol === 'nvmetcp') {
      log.detail('nvme connect', `${sessionsLine(ctx)} (simulated; the array checked the subsystem’s hosts)`);
      log.detail('device', `${await loopLine(ctx, publishContext)} (on a real node: /dev/nvme…n1)`);
    } else {
      log.detail('iSCSI login', `${sessionsLine(ctx)} (simulated; the array checked the target’s initiator group)`);
      log.detail('device', `${await loopLine(ctx, publishContext)} (on a real node: /dev/mapper/mpath…)`);
    }
    log.detail('filesystem', `${mount.fsType} made by mkfs (the device was blank; a formatted one is never redone)`);
    log.detail('staging path', `${kubeletPath(ctx, staging)} (${mount.source}, ${mount.options})`);
  },
};

const publish: DemoStep = {
  name: 'publish into a pod (NodePublishVolume)',
  node: true,
  async run(ctx, log) {
    const { kubelet } = nodeOf(ctx);
    const pv = need(ctx.pv, 'the PV');
    const podUid = randomUUID();
    ctx.podUid = podUid;
    const volume = await kubelet.publish(pv, need(ctx.publishContext, 'the publish context'), { podUid });
    ctx.volume = volume;
    const mount = await mountAt(volume.targetPath);
    if (!mount) {
      throw new Error(`NodePublishVolume answered OK but nothing is mounted at ${volume.targetPath}`);
    }
    log.detail('pod', podUid);
    log.detail('pod path', `${kubeletPath(ctx, volume.targetPath)} (bind mount of the staging path, ${mount.options})`);
  },
};

const write: DemoStep = {
  name: 'write a file in the pod',
  node: true,
  async run(ctx, log) {
    const volume = need(ctx.volume, 'the pod volume');
    ctx.checksum = await writeRandomFile(volume.targetPath, dataFile, dataBytes);
    log.detail(dataFile, `${formatBytes(dataBytes)} of random bytes, sha256 ${ctx.checksum}`);
    log.detail('flushed', 'sync -f on the filesystem, as an application does before a snapshot');
  },
};

export function usageLines(stats: NodeGetVolumeStatsResponse__Output, log: StepLog): void {
  const bytes = stats.usage.find((u) => u.unit === 'BYTES');
  const inodes = stats.usage.find((u) => u.unit === 'INODES');
  if (bytes) {
    log.detail(
      'bytes',
      `${formatBytes(Number(bytes.used))} used, ${formatBytes(Number(bytes.available))} available, ${formatBytes(Number(bytes.total))} total`,
    );
  }
  if (inodes) {
    log.detail('inodes', `${inodes.used} used, ${inodes.available} available, ${inodes.total} total`);
  }
  if (stats.volumeCondition) {
    const { abnormal, message } = stats.volumeCondition;
    log.detail('condition', abnormal ? `ABNORMAL: ${message}` : message);
  }
}

/** The filesystem's size as NodeGetVolumeStats reports it. */
export async function fsBytes(ctx: DemoContext): Promise<{ stats: NodeGetVolumeStatsResponse__Output; total: number }> {
  const stats = await nodeOf(ctx).kubelet.stats(need(ctx.volume, 'the pod volume'));
  const total = Number(stats.usage.find((u) => u.unit === 'BYTES')?.total ?? 0);
  return { stats, total };
}

const stats: DemoStep = {
  name: 'volume stats (NodeGetVolumeStats)',
  node: true,
  async run(ctx, log) {
    const { stats, total } = await fsBytes(ctx);
    ctx.fsBytes = total;
    usageLines(stats, log);
  },
};

export const nodeSteps: DemoStep[] = [stage, publish, write, stats];
