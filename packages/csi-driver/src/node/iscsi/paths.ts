// From a logged-in session to a verified path device: a targeted scan of our LUN on the session's
// SCSI host, a poll (short interval, with a deadline) until the kernel lists the disk AND udev made
// its by-path link, then a check of the disk's WWID/serial against the publish context. A stale
// disk (the LUN number now points at another volume) is deleted and rescanned once. No `udevadm
// settle`: it waits for every queued uevent on the host, so concurrent stages would wait on each
// other's devices; the poll waits only for this LUN's link.
import { basename } from 'node:path';
import { DriverError, failedPrecondition } from '../../errors.js';
import { type Clock, pollUntil } from '../../host/clock.js';
import type { HostFiles } from '../../host/files.js';
import type { Runner } from '../../host/runner.js';
import { deleteScsiDevice, holders, scanLun, scsiIdentity, sessionDisks } from '../../host/sysfs.js';
import { byPathLink, identityMatches } from './record.js';
import type { LiveSession } from './session.js';

export interface PathTiming {
  /** How long to wait for the disk and its by-path link after a scan. */
  readonly deviceTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** While the disk is missing, how often to scan for the LUN again. */
  readonly rescanIntervalMs: number;
}

export interface PathDevice {
  readonly name: string;
  readonly hctl: string;
  readonly wwid?: string;
  readonly serial?: string;
}

interface Ctx {
  readonly runner: Runner;
  readonly files: HostFiles;
  readonly clock: Clock;
  readonly timing: PathTiming;
}

async function diskForLun(files: HostFiles, sid: number, lun: number) {
  return (await sessionDisks(files, sid)).find((d) => d.lun === lun);
}

/** Waits for the session's disk for `lun`, rescanning that LUN only, and for udev's by-path link. */
async function waitForDisk(ctx: Ctx, session: LiveSession, iqn: string, lun: number) {
  const link = byPathLink(session.portal, iqn, lun);
  let sawDisk: string | undefined;
  await scanLun(ctx.files, session.host, lun);
  let scannedAt = ctx.clock.now();
  const found = await pollUntil(ctx.clock, ctx.timing.deviceTimeoutMs, ctx.timing.pollIntervalMs, async () => {
    const disk = await diskForLun(ctx.files, session.sid, lun);
    if (!disk) {
      if (ctx.clock.now() - scannedAt >= ctx.timing.rescanIntervalMs) {
        await scanLun(ctx.files, session.host, lun);
        scannedAt = ctx.clock.now();
      }
      return undefined;
    }
    sawDisk = disk.name;
    const target = await ctx.files.realpath(link);
    return target && basename(target) === disk.name ? disk : undefined;
  });
  if (found) {
    return found;
  }
  if (sawDisk) {
    throw new DriverError(
      'DeadlineExceeded',
      `udev created no ${link} for ${sawDisk} within ${ctx.timing.deviceTimeoutMs} ms: is udev running on the host?`,
    );
  }
  throw new DriverError(
    'DeadlineExceeded',
    `LUN ${lun} of ${iqn} did not appear on iSCSI session ${session.sid} within ${ctx.timing.deviceTimeoutMs} ms after a scan: is the LUN mapped to this initiator?`,
  );
}

/** Removes a disk that answers for our LUN number with another volume's identity, if nothing holds it. */
async function dropStaleDisk(ctx: Ctx, name: string, why: string): Promise<void> {
  const held = await holders(ctx.files, name);
  if (held.length > 0) {
    throw failedPrecondition(`${why}, and ${name} is held by ${held.join(', ')}: refusing to remove it`);
  }
  await deleteScsiDevice(ctx.files, name);
}

/** The verified path device of `lun` on one session. */
export async function pathDevice(
  ctx: Ctx,
  session: LiveSession,
  iqn: string,
  lun: number,
  serial: string | undefined,
): Promise<PathDevice> {
  for (let attempt = 0; ; attempt++) {
    const disk = await waitForDisk(ctx, session, iqn, lun);
    const id = await scsiIdentity(ctx.files, disk.name);
    if (!serial || identityMatches(serial, id)) {
      return { name: disk.name, hctl: disk.hctl, ...id };
    }
    const why = `${disk.name} (LUN ${lun} of ${iqn} via ${session.portal}) has WWID ${id.wwid ?? '?'} / serial ${id.serial ?? '?'}, but the volume's serialNumber is ${serial}`;
    if (attempt > 0) {
      throw failedPrecondition(`${why} (also after removing the stale device and rescanning)`);
    }
    await dropStaleDisk(ctx, disk.name, why);
  }
}
