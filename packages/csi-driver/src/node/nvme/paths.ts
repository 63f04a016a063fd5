// Stage's half of the NVMe/TCP transport: one controller per port of the publish context (reused
// when a live one exists for that port and host), then the namespace found by subsystem NQN and
// NSID and verified by NGUID (and UUID) before anything uses it.

import type { DhchapSecrets } from '../../dhchap.js';
import { type DriverError, failedPrecondition, internal, isDriverError } from '../../errors.js';
import { pollUntil } from '../../host/clock.js';
import {
  findNvmeSubsystem,
  type NvmeController,
  type NvmeNamespace,
  nativeMultipath,
  subsystemControllers,
  subsystemNamespaces,
} from '../../host/nvme-sysfs.js';
import type { NvmeContext } from './context.js';
import { type NvmePortal, type NvmeVolumeSpec, portalKey } from './spec.js';

/** The controllers of this host for one subsystem NQN (none when the host has no such subsystem). */
export async function hostControllers(
  ctx: NvmeContext,
  nqn: string,
): Promise<{ subsys?: string; controllers: NvmeController[] }> {
  const subsys = await findNvmeSubsystem(ctx.files, nqn);
  if (!subsys) {
    return { controllers: [] };
  }
  return { subsys, controllers: await subsystemControllers(ctx.files, subsys) };
}

export function onPortal(ctrl: NvmeController, portal: NvmePortal): boolean {
  return ctrl.transport === 'tcp' && ctrl.address.traddr === portal.traddr && ctrl.address.trsvcid === portal.trsvcid;
}

/** The ports to connect: all of them with native multipath, else one (or a refusal, by policy). */
export async function portalsToUse(ctx: NvmeContext, spec: NvmeVolumeSpec): Promise<readonly NvmePortal[]> {
  if (spec.portals.length < 2 || ctx.policy === 'off') {
    return spec.portals.slice(0, 1);
  }
  if ((await nativeMultipath(ctx.files)) !== false) {
    return spec.portals;
  }
  if (ctx.policy === 'required') {
    throw failedPrecondition(
      `native NVMe multipath is off on this host (nvme_core.multipath=N) and ${spec.nqn} has ${spec.portals.length} ports: boot with nvme_core.multipath=Y, or run the node with --multipath preferred to use one path`,
    );
  }
  ctx.logger.warn({ nqn: spec.nqn }, 'native NVMe multipath is off: connecting one port only');
  return spec.portals.slice(0, 1);
}

/** Loads nvme_tcp when the kernel has not got it yet (what `nvme connect` needs /dev/nvme-fabrics for). */
export async function ensureModule(ctx: NvmeContext): Promise<void> {
  if (await ctx.files.exists('/sys/module/nvme_tcp')) {
    return;
  }
  const result = await ctx.runner.run('modprobe', ['nvme-tcp'], { timeoutMs: 30_000 });
  if (result.code !== 0 || result.timedOut) {
    throw failedPrecondition(
      `the nvme_tcp kernel module is not loaded and modprobe nvme-tcp failed (exit ${result.code ?? 'timeout'}): load it on the host`,
    );
  }
}

/** Connects every port that has no live controller yet; returns the failures of those that did not. */
export async function connectPortals(
  ctx: NvmeContext,
  spec: NvmeVolumeSpec,
  portals: readonly NvmePortal[],
  dhchap: DhchapSecrets | undefined,
): Promise<{ connected: number; failures: DriverError[] }> {
  const identity = await ctx.identity();
  const failures: DriverError[] = [];
  let connected = 0;
  for (const portal of portals) {
    const { controllers } = await hostControllers(ctx, spec.nqn);
    const existing = controllers.find(
      (c) => onPortal(c, portal) && c.hostnqn === identity.hostnqn && c.state !== 'deleting' && c.state !== 'dead',
    );
    if (existing) {
      connected++;
      continue;
    }
    try {
      await ctx.cli.connect({
        traddr: portal.traddr,
        trsvcid: portal.trsvcid,
        nqn: spec.nqn,
        hostnqn: identity.hostnqn,
        ...(identity.hostid ? { hostid: identity.hostid } : {}),
        ctrlLossTmo: ctx.timing.ctrlLossTmo,
        reconnectDelay: ctx.timing.reconnectDelay,
        ...(dhchap
          ? { dhchapSecret: dhchap.key, ...(dhchap.ctrlKey ? { dhchapCtrlSecret: dhchap.ctrlKey } : {}) }
          : {}),
      });
      connected++;
    } catch (err) {
      const failure = isDriverError(err)
        ? err
        : internal(`connecting ${spec.nqn} via ${portalKey(portal)}: ${String(err)}`, err);
      failures.push(failure);
      ctx.logger.warn({ nqn: spec.nqn, portal: portalKey(portal), err: failure.message }, 'NVMe path failed');
    }
  }
  return { connected, failures };
}

/** Why a namespace is not the published one, or undefined when its identity matches. */
export function identityProblem(
  ns: NvmeNamespace,
  spec: { nsid: number; nguid: string; uuid?: string },
): string | undefined {
  if (ns.nsid !== spec.nsid) {
    return `namespace ${ns.name} is NSID ${ns.nsid}, not ${spec.nsid}`;
  }
  if (ns.nguid !== spec.nguid) {
    return `namespace ${ns.name} has NGUID ${ns.nguid ?? 'none'}, the array published ${spec.nguid}`;
  }
  if (spec.uuid && ns.uuid !== spec.uuid) {
    return `namespace ${ns.name} has UUID ${ns.uuid ?? 'none'}, the array published ${spec.uuid}`;
  }
  return undefined;
}

/** The namespace with the spec's NSID in the host's copy of the subsystem, its device node present. */
export async function findNamespace(
  ctx: NvmeContext,
  spec: { nqn: string; nsid: number },
): Promise<NvmeNamespace | undefined> {
  const { subsys, controllers } = await hostControllers(ctx, spec.nqn);
  if (!subsys) {
    return undefined;
  }
  const namespaces = await subsystemNamespaces(
    ctx.files,
    subsys,
    controllers.map((c) => c.name),
  );
  const ns = namespaces.find((n) => n.nsid === spec.nsid);
  return ns && (await ctx.files.deviceNumber(`/dev/${ns.name}`)) ? ns : undefined;
}

/** Waits for the namespace's block device, then checks it is the published namespace. */
export async function awaitNamespace(ctx: NvmeContext, spec: NvmeVolumeSpec): Promise<NvmeNamespace> {
  const ns = await pollUntil(ctx.clock, ctx.timing.deviceTimeoutMs, ctx.timing.pollIntervalMs, () =>
    findNamespace(ctx, spec),
  );
  if (!ns) {
    throw internal(
      `namespace ${spec.nsid} of ${spec.nqn} did not appear within ${ctx.timing.deviceTimeoutMs} ms after connecting`,
    );
  }
  const problem = identityProblem(ns, spec);
  if (problem) {
    throw failedPrecondition(`${problem}: refusing to use it`);
  }
  return ns;
}
