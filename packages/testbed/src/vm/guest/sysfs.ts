// What the guest kernel shows about block devices: by-path links, sd paths, their dm holder.
import { readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';

export function byPathLink(portal: string, iqn: string, lun: number): string {
  return `/dev/disk/by-path/ip-${portal}-iscsi-${iqn}-lun-${lun}`;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The kernel name (sda) behind a device link. */
export async function kernelName(link: string): Promise<string> {
  return basename(await realpath(link));
}

/** The dm device holding a path (dm-0), or undefined. */
export async function holderOf(sd: string): Promise<string | undefined> {
  const holders = await readdir(`/sys/block/${sd}/holders`).catch(() => []);
  return holders.find((h) => h.startsWith('dm-'));
}

export async function dmName(dm: string): Promise<string> {
  return (await readFile(`/sys/block/${dm}/dm/name`, 'utf8')).trim();
}

export async function sizeBytes(kernel: string): Promise<number> {
  return Number((await readFile(`/sys/class/block/${kernel}/size`, 'utf8')).trim()) * 512;
}

export async function writeSysfs(path: string, value: string): Promise<void> {
  await writeFile(path, value);
}

/** Polls `check` every 200 ms until it returns true; throws after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The unit serial of a SCSI disk from VPD page 0x80 (a 4-byte header, then the serial). */
export async function unitSerial(sd: string): Promise<string> {
  const page = await readFile(`/sys/block/${sd}/device/vpd_pg80`);
  return page
    .subarray(4)
    .toString('latin1')
    .replace(/[\0\s]+/g, '');
}
