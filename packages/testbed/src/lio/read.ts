// Reads the bridge's part of LIO's configfs tree back into the model: its backstores (with their
// loop devices and sizes), the targets it owns, and who is logged in to them.
import type { ConfigFs } from './configfs.js';
import type { LoopDevices } from './loops.js';
import type { Chap, FoundBackstore, FoundConfig, LioAcl, LioSession, LioTarget } from './model.js';
import { parseUnitSerial } from './naa.js';
import { lioPaths, lunNumber } from './paths.js';

export interface ReadScope {
  fs: ConfigFs;
  loops: LoopDevices;
  hba: number;
  /** Is this target the bridge's? (others in the kernel are left alone) */
  owns: (iqn: string) => boolean;
}

const dirs = async (fs: ConfigFs, path: string) =>
  (await fs.entries(path)).filter((e) => e.kind === 'dir').map((e) => e.name);

async function value(fs: ConfigFs, path: string): Promise<string> {
  const text = (await fs.read(path)).trim();
  return text === 'NULL' ? '' : text;
}

/** CHAP settings of an auth directory (ACL or TPG); undefined when no user is set. */
async function readChap(fs: ConfigFs, dir: string): Promise<Chap | undefined> {
  const user = await value(fs, `${dir}/userid`);
  if (!user) {
    return undefined;
  }
  const chap: Chap = { user, secret: await value(fs, `${dir}/password`) };
  const mutualUser = await value(fs, `${dir}/userid_mutual`);
  if (mutualUser) {
    chap.mutualUser = mutualUser;
    chap.mutualSecret = await value(fs, `${dir}/password_mutual`);
  }
  return chap;
}

async function readBackstore(scope: ReadScope, name: string): Promise<FoundBackstore> {
  const { fs, loops } = scope;
  const dir = lioPaths.backstore(scope.hba, name);
  const device = await value(fs, `${dir}/udev_path`);
  const file = device ? await loops.backingFile(device).catch(() => '') : '';
  return {
    name,
    file,
    device,
    serial: parseUnitSerial(await fs.read(`${dir}/wwn/vpd_unit_serial`)),
    companyId: Number(await value(fs, `${dir}/wwn/company_id`)),
    deviceBytes: device ? await loops.deviceBytes(device).catch(() => 0) : 0,
    fileBytes: file ? await loops.fileBytes(file).catch(() => 0) : 0,
  };
}

async function readAcl(fs: ConfigFs, iqn: string, initiator: string): Promise<LioAcl> {
  const dir = lioPaths.acl(iqn, initiator);
  const luns = [];
  for (const entry of await dirs(fs, dir)) {
    const lun = lunNumber(entry);
    if (lun !== undefined) {
      luns.push({ lun, writeProtect: (await value(fs, `${dir}/${entry}/write_protect`)) === '1' });
    }
  }
  return { initiator, chap: await readChap(fs, `${dir}/auth`), luns: luns.sort((a, b) => a.lun - b.lun) };
}

async function readTarget(scope: ReadScope, iqn: string): Promise<LioTarget> {
  const { fs } = scope;
  const tpg = lioPaths.tpg(iqn);
  const target: LioTarget = {
    iqn,
    portals: [],
    luns: [],
    acls: [],
    openAccess: false,
    authentication: false,
    tpgChap: undefined,
  };
  if (!(await fs.exists(tpg))) {
    return target;
  }
  target.portals = (await dirs(fs, `${tpg}/np`)).sort();
  for (const entry of await dirs(fs, `${tpg}/lun`)) {
    const lun = lunNumber(entry);
    const link = (await fs.entries(`${tpg}/lun/${entry}`)).find((e) => e.kind === 'link');
    if (lun !== undefined && link) {
      const to = await fs.readlink(`${tpg}/lun/${entry}/${link.name}`);
      target.luns.push({ lun, backstore: to.slice(to.lastIndexOf('/') + 1) });
    }
  }
  target.luns.sort((a, b) => a.lun - b.lun);
  for (const initiator of (await dirs(fs, `${tpg}/acls`)).sort()) {
    target.acls.push(await readAcl(fs, iqn, initiator));
  }
  target.openAccess = (await value(fs, `${tpg}/attrib/generate_node_acls`)) === '1';
  target.authentication = (await value(fs, `${tpg}/attrib/authentication`)) === '1';
  target.tpgChap = await readChap(fs, `${tpg}/auth`);
  return target;
}

export async function ownedTargets(scope: ReadScope): Promise<string[]> {
  return (await dirs(scope.fs, 'iscsi')).filter((name) => name !== 'discovery_auth' && scope.owns(name)).sort();
}

export async function readLio(scope: ReadScope): Promise<FoundConfig> {
  const backstores: FoundBackstore[] = [];
  for (const name of (await dirs(scope.fs, lioPaths.hba(scope.hba))).sort()) {
    backstores.push(await readBackstore(scope, name));
  }
  const targets: LioTarget[] = [];
  for (const iqn of await ownedTargets(scope)) {
    targets.push(await readTarget(scope, iqn));
  }
  return { backstores, targets };
}

/** Who is logged in to the bridge's targets: ACL `info` files, and dynamic sessions with open access. */
export async function readSessions(scope: ReadScope): Promise<LioSession[]> {
  const { fs } = scope;
  const sessions: LioSession[] = [];
  for (const iqn of await ownedTargets(scope)) {
    const tpg = lioPaths.tpg(iqn);
    for (const initiator of await dirs(fs, `${tpg}/acls`)) {
      const info = await fs.read(`${lioPaths.acl(iqn, initiator)}/info`).catch(() => '');
      if (info.startsWith('InitiatorName:')) {
        sessions.push({ target: iqn, initiator, address: /Address (\S+) TCP/.exec(info)?.[1] });
      }
    }
    const dynamic = await fs.read(`${tpg}/dynamic_sessions`).catch(() => '');
    for (const initiator of dynamic.split('\n').map((l) => l.trim())) {
      if (initiator && !sessions.some((s) => s.target === iqn && s.initiator === initiator)) {
        sessions.push({ target: iqn, initiator, address: undefined });
      }
    }
  }
  return sessions;
}
