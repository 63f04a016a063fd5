// Unstage's half of the NVMe/TCP transport: the subsystem's controllers are disconnected only when
// no other namespace of that subsystem is still in use on this host (mounted, held, or staged by
// another volume), then checked gone. A subsystem the host no longer has is already detached.
import { internal } from '../../errors.js';
import { pollUntil } from '../../host/clock.js';
import { readMounts, sameDevice } from '../../host/mountinfo.js';
import { type NvmeNamespace, subsystemNamespaces } from '../../host/nvme-sysfs.js';
import { holders } from '../../host/sysfs.js';
import { lockKeys } from '../locks.js';
import { isDeviceBind } from '../mounts.js';
import type { NvmeContext } from './context.js';
import { hostControllers } from './paths.js';
import { type NvmeRecord, recordFromJson } from './spec.js';

/** Is this namespace device mounted (filesystem or bind), or held (dm, md, LVM)? */
async function deviceInUse(ctx: NvmeContext, ns: NvmeNamespace): Promise<boolean> {
  if ((await holders(ctx.files, ns.name)).length > 0) {
    return true;
  }
  const dev = await ctx.files.deviceNumber(`/dev/${ns.name}`);
  const mounts = await readMounts(ctx.files);
  return mounts.some(
    (m) =>
      (dev !== undefined && sameDevice(m.device, dev)) || m.source === `/dev/${ns.name}` || isDeviceBind(m, ns.name),
  );
}

/** Another volume of this node staged on the same subsystem (another namespace). */
async function stagedSibling(ctx: NvmeContext, record: NvmeRecord): Promise<string | undefined> {
  for (const state of (await ctx.store?.list()) ?? []) {
    if (state.transport !== 'nvmetcp' || !state.attachment) {
      continue;
    }
    const other = recordFromJson(state.attachment);
    if (other.nqn === record.nqn && other.nsid !== record.nsid) {
      return state.volumeId;
    }
  }
  return undefined;
}

/** Why the subsystem must stay connected (another namespace in use), or undefined. */
async function keepConnected(ctx: NvmeContext, record: NvmeRecord, subsys: string, controllers: string[]) {
  const siblings = (await subsystemNamespaces(ctx.files, subsys, controllers)).filter((n) => n.nsid !== record.nsid);
  for (const ns of siblings) {
    if (await deviceInUse(ctx, ns)) {
      return `namespace ${ns.nsid} (${ns.name}) is in use`;
    }
  }
  const volume = await stagedSibling(ctx, record);
  return volume ? `volume ${volume} is staged from it` : undefined;
}

export async function detachNvme(ctx: NvmeContext, record: NvmeRecord): Promise<void> {
  await ctx.locks.with(lockKeys.target(record.nqn), async () => {
    const { subsys, controllers } = await hostControllers(ctx, record.nqn);
    const ours = controllers.filter((c) => !record.hostnqn || c.hostnqn === record.hostnqn);
    if (!subsys || ours.length === 0) {
      return;
    }
    const reason = await keepConnected(
      ctx,
      record,
      subsys,
      controllers.map((c) => c.name),
    );
    if (reason) {
      ctx.logger.info({ nqn: record.nqn, reason }, 'keeping the NVMe connection: another namespace needs it');
      return;
    }
    for (const ctrl of ours) {
      await ctx.cli.disconnect(ctrl.name);
    }
    const names = new Set(ours.map((c) => c.name));
    const gone = await pollUntil(ctx.clock, ctx.timing.disconnectTimeoutMs, ctx.timing.pollIntervalMs, async () => {
      const left = (await hostControllers(ctx, record.nqn)).controllers.filter((c) => names.has(c.name));
      return left.length === 0 ? true : undefined;
    });
    if (!gone) {
      throw internal(`NVMe controllers of ${record.nqn} are still present after nvme disconnect`);
    }
  });
}
