// Finds the current path devices of a recorded LUN: session per (target, portal) from sysfs,
// the LUN's disk from sysfs, kept only when its identity still matches the record (a reused LUN
// number must never lead to removing another volume's disk).
import { kernelSessions } from '../../host/iscsi-sessions.js';
import type { SessionDisk } from '../../host/sysfs.js';
import { scsiIdentity, sessionDisks } from '../../host/sysfs.js';
import type { IscsiContext } from './context.js';
import type { IscsiRecord } from './record.js';
import { addressPortal, findSession } from './session.js';

export interface LocatedPath extends SessionDisk {
  readonly iqn: string;
  readonly portal: string;
  readonly sid: number;
}

export async function locatePaths(ctx: IscsiContext, record: IscsiRecord): Promise<LocatedPath[]> {
  const iqns = new Set(record.targets.map((t) => t.iqn));
  const sessions = await kernelSessions(ctx.files, (target) => iqns.has(target));
  const found: LocatedPath[] = [];
  for (const { iqn, portal } of record.targets) {
    const address = await addressPortal(portal).catch(() => portal);
    const session = findSession(sessions, iqn, address);
    if (!session) {
      continue;
    }
    const disk = (await sessionDisks(ctx.files, session.sid)).find((d) => d.lun === record.lun);
    if (!disk) {
      continue;
    }
    if (record.wwid) {
      const id = await scsiIdentity(ctx.files, disk.name);
      if (id.wwid !== record.wwid) {
        ctx.logger.warn(
          { disk: disk.name, expected: record.wwid, found: id.wwid },
          'LUN now has another identity; leaving it',
        );
        continue;
      }
    }
    found.push({ ...disk, iqn, portal, sid: session.sid });
  }
  return found;
}
