// Carries out the bridge's plan on configfs, the way targetcli/rtslib would: an iblock backstore
// on a loop device (control, udev_path, enable, then the identity), a TPG per target, portals,
// LUNs linked to backstores, ACLs with CHAP, and mapped LUNs linked to the TPG's LUNs.
import type { ConfigFs } from './configfs.js';
import type { LoopDevices } from './loops.js';
import type { Chap, LioBackstore } from './model.js';
import { checkName, lioPaths, lunNumber } from './paths.js';
import type { LioOp, TpgSettings } from './plan.js';

export interface ApplyScope {
  fs: ConfigFs;
  loops: LoopDevices;
  hba: number;
}

/** Removes every link inside a directory, then the directory. */
async function removeLinked(fs: ConfigFs, dir: string): Promise<void> {
  for (const entry of await fs.entries(dir)) {
    if (entry.kind === 'link') {
      await fs.unlink(`${dir}/${entry.name}`);
    }
  }
  await fs.rmdir(dir);
}

async function removeAcl(fs: ConfigFs, iqn: string, initiator: string): Promise<void> {
  const dir = lioPaths.acl(iqn, initiator);
  for (const entry of await fs.entries(dir)) {
    if (entry.kind === 'dir' && lunNumber(entry.name) !== undefined) {
      await removeLinked(fs, `${dir}/${entry.name}`);
    }
  }
  await fs.rmdir(dir);
}

/** Takes a whole target down: mapped LUNs, ACLs, LUNs, portals, the TPG, the target. */
export async function removeTarget(fs: ConfigFs, iqn: string): Promise<void> {
  const tpg = lioPaths.tpg(iqn);
  if (await fs.exists(tpg)) {
    for (const acl of await fs.entries(`${tpg}/acls`)) {
      if (acl.kind === 'dir') {
        await removeAcl(fs, iqn, acl.name);
      }
    }
    for (const lun of await fs.entries(`${tpg}/lun`)) {
      if (lun.kind === 'dir') {
        await removeLinked(fs, `${tpg}/lun/${lun.name}`);
      }
    }
    for (const np of await fs.entries(`${tpg}/np`)) {
      if (np.kind === 'dir') {
        await fs.rmdir(`${tpg}/np/${np.name}`);
      }
    }
    await fs.rmdir(tpg);
  }
  await fs.rmdir(lioPaths.target(iqn));
}

async function removeBackstore(scope: ApplyScope, name: string, device: string): Promise<void> {
  await scope.fs.rmdir(lioPaths.backstore(scope.hba, name));
  if (device) {
    await scope.loops.detach(device);
  }
}

async function addBackstore(scope: ApplyScope, backstore: LioBackstore): Promise<void> {
  const { fs, loops, hba } = scope;
  if (!(await fs.exists(lioPaths.hba(hba)))) {
    await fs.mkdir(lioPaths.hba(hba));
  }
  const dir = lioPaths.backstore(hba, checkName('backstore', backstore.name));
  const device = await loops.attach(backstore.file);
  try {
    await fs.mkdir(dir);
    await fs.write(`${dir}/control`, `udev_path=${device}`);
    await fs.write(`${dir}/udev_path`, device);
    await fs.write(`${dir}/enable`, '1');
    // The identity must be set before the first LUN links the backstore (LIO refuses later).
    await fs.write(`${dir}/wwn/company_id`, `0x${backstore.companyId.toString(16).padStart(6, '0')}`);
    await fs.write(`${dir}/wwn/vpd_unit_serial`, backstore.serial);
  } catch (err) {
    if (await fs.exists(dir)) {
      await fs.rmdir(dir).catch(() => undefined);
    }
    await loops.detach(device).catch(() => undefined);
    throw err;
  }
}

async function writeChap(fs: ConfigFs, dir: string, chap: Chap | undefined): Promise<void> {
  // LIO clears a CHAP field when "NULL" is written to it.
  await fs.write(`${dir}/userid`, chap?.user || 'NULL');
  await fs.write(`${dir}/password`, chap?.secret || 'NULL');
  await fs.write(`${dir}/userid_mutual`, chap?.mutualUser || 'NULL');
  await fs.write(`${dir}/password_mutual`, chap?.mutualSecret || 'NULL');
}

async function setTpg(fs: ConfigFs, iqn: string, settings: TpgSettings): Promise<void> {
  const tpg = lioPaths.tpg(iqn);
  await fs.write(`${tpg}/attrib/generate_node_acls`, settings.openAccess ? '1' : '0');
  if (settings.openAccess) {
    // Demo mode is read-only unless told otherwise; an open target on the array is writable.
    await fs.write(`${tpg}/attrib/demo_mode_write_protect`, '0');
    await fs.write(`${tpg}/attrib/cache_dynamic_acls`, '1');
  }
  await fs.write(`${tpg}/attrib/authentication`, settings.authentication ? '1' : '0');
  await writeChap(fs, `${tpg}/auth`, settings.tpgChap);
  if ((await fs.read(`${tpg}/enable`)).trim() !== '1') {
    await fs.write(`${tpg}/enable`, '1');
  }
}

export async function applyOp(scope: ApplyScope, step: LioOp): Promise<void> {
  const { fs } = scope;
  switch (step.op) {
    case 'removeTarget':
      return removeTarget(fs, step.iqn);
    case 'unmapLun':
      return removeLinked(fs, lioPaths.mappedLun(step.iqn, step.initiator, step.lun));
    case 'removeAcl':
      return removeAcl(fs, step.iqn, step.initiator);
    case 'removeLun':
      return removeLinked(fs, lioPaths.lun(step.iqn, step.lun));
    case 'removePortal':
      return fs.rmdir(lioPaths.portal(step.iqn, step.portal));
    case 'removeBackstore':
      return removeBackstore(scope, step.name, step.device);
    case 'addBackstore':
      return addBackstore(scope, step.backstore);
    case 'refreshBackstore':
      return scope.loops.refresh(step.device);
    case 'addTarget':
      await fs.mkdir(lioPaths.target(checkName('target', step.iqn)));
      return fs.mkdir(lioPaths.tpg(step.iqn));
    case 'setTpg':
      return setTpg(fs, step.iqn, step.settings);
    case 'addPortal':
      return fs.mkdir(lioPaths.portal(step.iqn, checkName('portal', step.portal)));
    case 'addLun': {
      const dir = lioPaths.lun(step.iqn, step.lun);
      await fs.mkdir(dir);
      return fs.link(lioPaths.backstore(scope.hba, step.backstore), `${dir}/${step.backstore}`);
    }
    case 'addAcl':
      return fs.mkdir(lioPaths.acl(step.iqn, checkName('initiator', step.initiator)));
    case 'setAclAuth':
      return writeChap(fs, `${lioPaths.acl(step.iqn, step.initiator)}/auth`, step.chap);
    case 'mapLun': {
      const dir = lioPaths.mappedLun(step.iqn, step.initiator, step.lun);
      await fs.mkdir(dir);
      await fs.link(lioPaths.lun(step.iqn, step.lun), `${dir}/lun`);
      return fs.write(`${dir}/write_protect`, step.writeProtect ? '1' : '0');
    }
  }
}

/** A step as one line for logs (never a CHAP secret). */
export function describeOp(step: LioOp): string {
  switch (step.op) {
    case 'addBackstore':
      return `addBackstore ${step.backstore.name} (${step.backstore.file}, serial ${step.backstore.serial})`;
    case 'setAclAuth':
      return `setAclAuth ${step.iqn} ${step.initiator} (${step.chap ? `user ${step.chap.user}` : 'no CHAP'})`;
    case 'setTpg':
      return `setTpg ${step.iqn} (open ${step.settings.openAccess}, CHAP ${step.settings.authentication})`;
    default: {
      const { op, ...rest } = step;
      return `${op} ${Object.values(rest).join(' ')}`;
    }
  }
}
