// The TrueNAS simulator served by the kernel's LIO target (the VM suite): what the CSP configures
// through the simulated middleware is what a real initiator logs in to. It stands in for SCST,
// which serves the same tables on a real TrueNAS; the mapping and what LIO cannot express:
// - each target is one TPG; its portals and ACLs are the union of the target's groups, and CHAP
//   is required when any group asks for it (SCST can differ per portal group);
// - a group without an initiator group, or with an empty list, admits any initiator (LIO's
//   generate_node_acls), as SCST does;
// - an ACL holds one CHAP account: the first entry of the group's auth tag (SCST accepts every
//   entry of the tag); auth networks are not enforced (LIO has no per-address filter);
// - a LUN's NAA (VPD 0x83) is what LIO derives from the extent's serial with iXsystems' company
//   id, so the simulator gives new extents that NAA instead of a random one (lioNaa);
// - backstores are iblock on a loop device over the zvol's sparse file, grown with the zvol.

import type { Chap, ConfigFs, LoopDevices } from '../lio/index.js';
import {
  KernelConfigFs,
  KernelLoops,
  type LioBackstore,
  LioBridge,
  type LioConfig,
  type LioTarget,
} from '../lio/index.js';
import { lioNaa } from '../lio/naa.js';
import type { AuthRow, ExtentRow, TargetGroup, TargetRow } from './iscsi/types.js';
import type { KernelTarget, SimCore } from './state/core.js';

/** iXsystems' IEEE company id, the one in TrueNAS's NAAs (0x6589cfc…). */
export const TRUENAS_COMPANY_ID = 0x589cfc;

export interface LioTargetOptions {
  fs?: ConfigFs;
  loops?: LoopDevices;
  /** The bridge's iblock HBA index (default 7100). */
  hba?: number;
  log?: (line: string) => void;
}

const backstoreName = (extent: ExtentRow) => `truenas-extent-${extent.id}`;

function backstoreOf(core: SimCore, extent: ExtentRow): LioBackstore | undefined {
  const zvol = extent.type === 'DISK' && extent.enabled ? extent.path?.replace(/^zvol\//, '') : undefined;
  const key = zvol ? core.zfs.datasets.get(zvol)?.backing : undefined;
  if (!key) {
    return undefined;
  }
  return {
    name: backstoreName(extent),
    file: core.backing.path(key),
    serial: extent.serial,
    companyId: TRUENAS_COMPANY_ID,
  };
}

function chapOf(core: SimCore, group: TargetGroup): Chap | undefined {
  if (group.authmethod === 'NONE' || group.auth === null) {
    return undefined;
  }
  const entry: AuthRow | undefined = core.iscsi.auth.rows().find((a) => a.tag === group.auth);
  if (!entry) {
    return undefined;
  }
  const chap: Chap = { user: entry.user, secret: entry.secret };
  if (group.authmethod === 'CHAP_MUTUAL' && entry.peeruser) {
    chap.mutualUser = entry.peeruser;
    chap.mutualSecret = entry.peersecret;
  }
  return chap;
}

function lioTargetOf(core: SimCore, target: TargetRow, backstores: Map<number, LioBackstore>): LioTarget {
  const { iscsi } = core;
  const portals = new Set<string>();
  const initiators = new Map<string, Chap | undefined>();
  let openAccess = false;
  let openChap: Chap | undefined;
  for (const group of target.groups) {
    for (const listen of iscsi.portals.get(group.portal)?.listen ?? []) {
      portals.add(`${listen.ip}:${listen.port ?? iscsi.global.listen_port}`);
    }
    const chap = chapOf(core, group);
    const names = group.initiator === null ? [] : (iscsi.initiators.get(group.initiator)?.initiators ?? []);
    if (names.length === 0) {
      openAccess = true;
      openChap ??= chap;
    }
    for (const name of names) {
      initiators.set(name, initiators.get(name) ?? chap);
    }
  }
  const luns = iscsi.targetextents
    .rows()
    .filter((te) => te.target === target.id && backstores.has(te.extent))
    .map((te) => ({ lun: te.lunid, extent: iscsi.extents.get(te.extent) as ExtentRow }))
    .sort((a, b) => a.lun - b.lun);
  const mapped = luns.map((l) => ({ lun: l.lun, writeProtect: l.extent.ro }));
  return {
    iqn: iscsi.iqn(target.name),
    portals: [...portals].sort(),
    luns: luns.map((l) => ({ lun: l.lun, backstore: backstoreName(l.extent) })),
    acls: openAccess
      ? []
      : [...initiators]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([initiator, chap]) => ({ initiator, chap, luns: mapped })),
    openAccess,
    authentication: target.groups.some((g) => g.authmethod !== 'NONE'),
    tpgChap: openAccess ? openChap : undefined,
  };
}

/** What SCST would serve for the simulator's tables, as LIO configuration. */
export function truenasLioConfig(core: SimCore): LioConfig {
  const { iscsi } = core;
  const mappedExtents = new Set(iscsi.targetextents.rows().map((te) => te.extent));
  const backstores = new Map<number, LioBackstore>();
  for (const extent of iscsi.extents.rows()) {
    const backstore = mappedExtents.has(extent.id) ? backstoreOf(core, extent) : undefined;
    if (backstore) {
      backstores.set(extent.id, backstore);
    }
  }
  return {
    backstores: [...backstores.values()],
    targets: iscsi.targets
      .rows()
      .filter((t) => t.mode !== 'FC')
      .map((t) => lioTargetOf(core, t, backstores)),
  };
}

export interface LioTargetHandle {
  bridge: LioBridge;
  /** Takes every target and backstore down and detaches the simulator from the kernel target. */
  close(): Promise<void>;
}

/** Serves the simulator's iSCSI tables with the kernel's LIO target from now on (root, configfs). */
export async function attachLioTarget(core: SimCore, options: LioTargetOptions = {}): Promise<LioTargetHandle> {
  const basename = () => `${core.iscsi.global.basename}:`;
  const bridge = new LioBridge({
    fs: options.fs ?? new KernelConfigFs(),
    loops: options.loops ?? new KernelLoops(),
    hba: options.hba ?? 7100,
    owns: (iqn) => iqn.startsWith(basename()),
    desired: () => truenasLioConfig(core),
    ...(options.log ? { log: options.log } : {}),
  });
  const target: KernelTarget = {
    naaFor: (serial) => `0x${lioNaa(TRUENAS_COMPANY_ID, serial)}`,
    apply: () => bridge.sync(),
    sessions: async () =>
      (await bridge.sessions()).map((s) => ({
        target: s.target,
        initiator: s.initiator,
        initiator_addr: s.address ?? '',
      })),
  };
  await bridge.sync();
  core.kernelTarget = target;
  return {
    bridge,
    async close() {
      if (core.kernelTarget === target) {
        core.kernelTarget = undefined;
      }
      await bridge.close();
    },
  };
}
