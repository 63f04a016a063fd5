// sysfs readers and writers for SCSI disks, iSCSI sessions, dm maps and loop devices. Everything is
// addressed by kernel name (sdb, dm-3) and re-read on every use: names are never trusted across
// restarts, WWIDs are.
import type { HostFiles } from './files.js';

export const sysBlock = '/sys/block';

/**
 * The Linux SCSI host number of an iSCSI session (each iscsi_tcp session has its own host): the
 * session's device resolves to /sys/devices/platform/host<H>/session<N>.
 */
export async function sessionHost(files: HostFiles, sid: number): Promise<number | undefined> {
  const path = await files.realpath(`/sys/class/iscsi_session/session${sid}/device`);
  const m = path ? /\/host(\d+)\/session\d+$/.exec(path) : null;
  return m ? Number(m[1]) : undefined;
}

export interface SessionDisk {
  readonly hctl: string;
  readonly lun: number;
  readonly name: string;
}

/** Block devices of a session, from `session<N>/device/target*∕H:C:T:L/block/<name>`. */
export async function sessionDisks(files: HostFiles, sid: number): Promise<SessionDisk[]> {
  const base = `/sys/class/iscsi_session/session${sid}/device`;
  const disks: SessionDisk[] = [];
  for (const target of (await files.list(base)).filter((e) => e.startsWith('target'))) {
    for (const hctl of (await files.list(`${base}/${target}`)).filter((e) => /^\d+:\d+:\d+:\d+$/.test(e))) {
      for (const name of await files.list(`${base}/${target}/${hctl}/block`)) {
        disks.push({ hctl, lun: Number(hctl.split(':')[3]), name });
      }
    }
  }
  return disks;
}

/** Asks the kernel to scan one LUN on one SCSI host: targeted, never `- - -` host-wide. */
export async function scanLun(files: HostFiles, host: number, lun: number): Promise<void> {
  await files.writeText(`/sys/class/scsi_host/host${host}/scan`, `- - ${lun}`);
}

export async function holders(files: HostFiles, name: string): Promise<string[]> {
  return files.list(`${sysBlock}/${name}/holders`);
}

export async function slaves(files: HostFiles, name: string): Promise<string[]> {
  return files.list(`${sysBlock}/${name}/slaves`);
}

export async function dmUuid(files: HostFiles, dm: string): Promise<string | undefined> {
  return (await files.readText(`${sysBlock}/${dm}/dm/uuid`))?.trim();
}

export async function dmName(files: HostFiles, dm: string): Promise<string | undefined> {
  return (await files.readText(`${sysBlock}/${dm}/dm/name`))?.trim();
}

/** The multipath map (dm-N) whose dm uuid is `mpath-<wwid>`, searched over /sys/block/dm-*. */
export async function findMultipathMap(files: HostFiles, wwid: string): Promise<string | undefined> {
  for (const dm of (await files.list(sysBlock)).filter((e) => e.startsWith('dm-'))) {
    if ((await dmUuid(files, dm)) === `mpath-${wwid}`) {
      return dm;
    }
  }
  return undefined;
}

/** Size of a block device in bytes (/sys/block/<name>/size counts 512-byte sectors). */
export async function blockSize(files: HostFiles, name: string): Promise<number | undefined> {
  const text = await files.readText(`${sysBlock}/${name}/size`);
  return text === undefined ? undefined : Number(text.trim()) * 512;
}

function printable(text: string): string {
  return [...text].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('');
}

/** SCSI identifiers of a disk: `device/wwid` (naa./t10./eui.) and the VPD page 0x80 unit serial. */
export async function scsiIdentity(files: HostFiles, name: string): Promise<{ wwid?: string; serial?: string }> {
  const wwid = (await files.readText(`${sysBlock}/${name}/device/wwid`))?.trim();
  const vpd = await files.readText(`${sysBlock}/${name}/device/vpd_pg80`, 'latin1');
  // VPD page 0x80: 4-byte header (qualifier, page code, reserved, length), then the ASCII serial.
  // Targets pad the serial with spaces or NUL bytes (LIO uses NULs), which trim() leaves alone.
  const raw = vpd && vpd.length > 4 ? vpd.slice(4, 4 + vpd.charCodeAt(3)) : undefined;
  const serial = raw === undefined ? undefined : printable(raw).trim();
  return { wwid: wwid || undefined, serial: serial || undefined };
}

export async function scsiDeviceState(files: HostFiles, name: string): Promise<string | undefined> {
  return (await files.readText(`${sysBlock}/${name}/device/state`))?.trim();
}

/** H:C:T:L of a SCSI disk, from the `device` link. */
export async function scsiHctl(files: HostFiles, name: string): Promise<string | undefined> {
  const link = await files.readlink(`${sysBlock}/${name}/device`);
  const m = link ? /(\d+:\d+:\d+:\d+)$/.exec(link) : null;
  return m?.[1];
}

/** The iSCSI session a SCSI disk belongs to, from its sysfs device path. */
export async function diskSession(files: HostFiles, name: string): Promise<number | undefined> {
  const path = await files.realpath(`${sysBlock}/${name}/device`);
  const m = path ? /\/session(\d+)\//.exec(path) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * Stops I/O to a SCSI disk. The kernel takes the state name only with a trailing newline (what
 * `echo` writes) and answers EINVAL otherwise; seen on Debian's 6.1 kernel in the VM suite.
 */
export async function offlineScsiDevice(files: HostFiles, name: string): Promise<void> {
  await files.writeText(`${sysBlock}/${name}/device/state`, 'offline\n');
}

/** Removes a SCSI disk from the kernel (echo 1 > device/delete). */
export async function deleteScsiDevice(files: HostFiles, name: string): Promise<void> {
  await files.writeText(`${sysBlock}/${name}/device/delete`, '1\n');
}

/** Re-reads the capacity of a SCSI disk (echo 1 > device/rescan). */
export async function rescanScsiDevice(files: HostFiles, name: string): Promise<void> {
  await files.writeText(`${sysBlock}/${name}/device/rescan`, '1\n');
}

/** The file behind a loop device, undefined when none is attached. */
export async function loopBackingFile(files: HostFiles, name: string): Promise<string | undefined> {
  return (await files.readText(`${sysBlock}/${name}/loop/backing_file`))?.trim() || undefined;
}
