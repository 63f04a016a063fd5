// The steps that turn what LIO has (found) into what the array configures (desired), in an order
// configfs accepts: links and mapped LUNs go before the objects they point at, backstores go
// only when no LUN uses them, and objects that did not change are left alone, so sessions of
// initiators whose access did not change survive a reconfiguration (as they do on the array).
import type { Chap, FoundConfig, LioBackstore, LioConfig, LioMappedLun, LioTarget } from './model.js';

export interface TpgSettings {
  openAccess: boolean;
  authentication: boolean;
  tpgChap: Chap | undefined;
}

export type LioOp =
  | { op: 'removeTarget'; iqn: string }
  | { op: 'unmapLun'; iqn: string; initiator: string; lun: number }
  | { op: 'removeAcl'; iqn: string; initiator: string }
  | { op: 'removeLun'; iqn: string; lun: number }
  | { op: 'removePortal'; iqn: string; portal: string }
  | { op: 'removeBackstore'; name: string; device: string }
  | { op: 'addBackstore'; backstore: LioBackstore }
  | { op: 'refreshBackstore'; name: string; device: string }
  | { op: 'addTarget'; iqn: string }
  | { op: 'setTpg'; iqn: string; settings: TpgSettings }
  | { op: 'addPortal'; iqn: string; portal: string }
  | { op: 'addLun'; iqn: string; lun: number; backstore: string }
  | { op: 'addAcl'; iqn: string; initiator: string }
  | { op: 'setAclAuth'; iqn: string; initiator: string; chap: Chap | undefined }
  | { op: 'mapLun'; iqn: string; initiator: string; lun: number; writeProtect: boolean };

const sameChap = (a: Chap | undefined, b: Chap | undefined): boolean =>
  (a?.user ?? '') === (b?.user ?? '') &&
  (a?.secret ?? '') === (b?.secret ?? '') &&
  (a?.mutualUser ?? '') === (b?.mutualUser ?? '') &&
  (a?.mutualSecret ?? '') === (b?.mutualSecret ?? '');

const settingsOf = (t: LioTarget): TpgSettings => ({
  openAccess: t.openAccess,
  authentication: t.authentication,
  tpgChap: t.tpgChap,
});

const sameSettings = (a: TpgSettings, b: TpgSettings) =>
  a.openAccess === b.openAccess && a.authentication === b.authentication && sameChap(a.tpgChap, b.tpgChap);

/** Steps by kind; `planLio` concatenates them in the order configfs needs. */
interface Phases {
  unmap: LioOp[];
  remove: LioOp[];
  add: LioOp[];
  map: LioOp[];
}

const emptyPhases = (): Phases => ({ unmap: [], remove: [], add: [], map: [] });

function planBackstores(desired: LioConfig, found: FoundConfig, phases: Phases): Set<string> {
  const replaced = new Set<string>();
  const wanted = new Map(desired.backstores.map((b) => [b.name, b]));
  for (const have of found.backstores) {
    const want = wanted.get(have.name);
    const same =
      want !== undefined &&
      have.device !== '' &&
      have.file === want.file &&
      have.serial === want.serial &&
      have.companyId === want.companyId;
    if (!same) {
      replaced.add(have.name);
      phases.remove.push({ op: 'removeBackstore', name: have.name, device: have.device });
    } else if (have.fileBytes !== have.deviceBytes) {
      phases.add.push({ op: 'refreshBackstore', name: have.name, device: have.device });
    }
  }
  const present = new Set(found.backstores.map((b) => b.name));
  for (const want of desired.backstores) {
    if (!present.has(want.name) || replaced.has(want.name)) {
      phases.add.push({ op: 'addBackstore', backstore: want });
    }
  }
  return replaced;
}

function planMappedLuns(
  iqn: string,
  initiator: string,
  want: LioMappedLun[],
  have: LioMappedLun[],
  staleLuns: Set<number>,
  phases: Phases,
): void {
  for (const mapped of have) {
    const wanted = want.find((w) => w.lun === mapped.lun);
    if (!wanted || staleLuns.has(mapped.lun) || wanted.writeProtect !== mapped.writeProtect) {
      phases.unmap.push({ op: 'unmapLun', iqn, initiator, lun: mapped.lun });
    }
  }
  for (const wanted of want) {
    const mapped = have.find((m) => m.lun === wanted.lun);
    if (!mapped || staleLuns.has(wanted.lun) || wanted.writeProtect !== mapped.writeProtect) {
      phases.map.push({ op: 'mapLun', iqn, initiator, lun: wanted.lun, writeProtect: wanted.writeProtect });
    }
  }
}

function planTarget(want: LioTarget, have: LioTarget | undefined, replaced: Set<string>, phases: Phases): void {
  const { iqn } = want;
  if (!have) {
    phases.add.push({ op: 'addTarget', iqn });
  }
  const found = have ?? { ...want, portals: [], luns: [], acls: [] };
  // LUNs that go away or change their backstore: unmapped from every ACL first, then removed.
  const stale = new Set(
    found.luns
      .filter((l) => replaced.has(l.backstore) || want.luns.find((w) => w.lun === l.lun)?.backstore !== l.backstore)
      .map((l) => l.lun),
  );
  for (const acl of found.acls) {
    if (!want.acls.some((a) => a.initiator === acl.initiator)) {
      phases.remove.push({ op: 'removeAcl', iqn, initiator: acl.initiator });
    }
  }
  for (const lun of stale) {
    phases.remove.push({ op: 'removeLun', iqn, lun });
  }
  for (const portal of found.portals.filter((p) => !want.portals.includes(p))) {
    phases.remove.push({ op: 'removePortal', iqn, portal });
  }
  if (!have || !sameSettings(settingsOf(want), settingsOf(have))) {
    phases.add.push({ op: 'setTpg', iqn, settings: settingsOf(want) });
  }
  for (const portal of want.portals.filter((p) => !found.portals.includes(p))) {
    phases.add.push({ op: 'addPortal', iqn, portal });
  }
  for (const lun of want.luns) {
    if (stale.has(lun.lun) || !found.luns.some((l) => l.lun === lun.lun)) {
      phases.add.push({ op: 'addLun', iqn, lun: lun.lun, backstore: lun.backstore });
    }
  }
  for (const acl of want.acls) {
    const current = found.acls.find((a) => a.initiator === acl.initiator);
    if (!current) {
      phases.add.push({ op: 'addAcl', iqn, initiator: acl.initiator });
    }
    if (!current ? acl.chap !== undefined : !sameChap(acl.chap, current.chap)) {
      phases.add.push({ op: 'setAclAuth', iqn, initiator: acl.initiator, chap: acl.chap });
    }
    planMappedLuns(iqn, acl.initiator, acl.luns, current?.luns ?? [], stale, phases);
  }
}

/** The ordered steps from `found` to `desired`; [] when LIO already serves what is desired. */
export function planLio(desired: LioConfig, found: FoundConfig): LioOp[] {
  const phases = emptyPhases();
  const targetRemovals: LioOp[] = [];
  for (const have of found.targets) {
    if (!desired.targets.some((t) => t.iqn === have.iqn)) {
      targetRemovals.push({ op: 'removeTarget', iqn: have.iqn });
    }
  }
  const backstores = emptyPhases();
  const replaced = planBackstores(desired, found, backstores);
  for (const want of desired.targets) {
    planTarget(
      want,
      found.targets.find((t) => t.iqn === want.iqn),
      replaced,
      phases,
    );
  }
  return [
    ...targetRemovals,
    ...phases.unmap,
    ...phases.remove,
    ...backstores.remove,
    ...backstores.add,
    ...phases.add,
    ...phases.map,
  ];
}
