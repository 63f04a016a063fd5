// Detach in the order that leaves nothing behind (research node.md §3, §7 #8–#11): refuse while the
// map or a path is in use; disable queueing when no path is left (so the flush cannot hang); flush
// the map with `multipath -f` under the host lock (never `dmsetup remove`); flush, offline and
// delete each path; log out only from a volume-scoped target no other LUN uses; forget the record.
import { failedPrecondition, internal } from '../../errors.js';
import type { HostFiles } from '../../host/files.js';
import { readMounts, sameDevice } from '../../host/mountinfo.js';
import {
  deleteScsiDevice,
  findMultipathMap,
  holders,
  offlineScsiDevice,
  scsiDeviceState,
  sessionDisks,
  slaves,
} from '../../host/sysfs.js';
import { lockKeys } from '../locks.js';
import type { IscsiContext } from './context.js';
import { type LocatedPath, locatePaths } from './locate.js';
import type { IscsiRecord } from './record.js';
import { addressPortal, findSession, targetSessions } from './session.js';

async function assertUnmounted(files: HostFiles, name: string): Promise<void> {
  const dev = await files.deviceNumber(`/dev/${name}`);
  if (!dev) {
    return;
  }
  const mounted = (await readMounts(files)).filter((m) => sameDevice(m.device, dev));
  if (mounted.length > 0) {
    throw failedPrecondition(`/dev/${name} is still mounted at ${mounted.map((m) => m.mountPoint).join(', ')}`);
  }
}

async function assertUnheld(files: HostFiles, name: string, what: string): Promise<void> {
  const held = await holders(files, name);
  if (held.length > 0) {
    throw failedPrecondition(`${what} ${name} is still held by ${held.join(', ')}`);
  }
}

/** The multipath map of a record: via the holders of its paths, else via its dm uuid. */
export async function findMap(files: HostFiles, record: IscsiRecord, paths: readonly LocatedPath[]) {
  for (const p of paths) {
    for (const dm of await holders(files, p.name)) {
      const uuid = (await files.readText(`/sys/block/${dm}/dm/uuid`))?.trim() ?? '';
      if (uuid.startsWith('mpath-')) {
        return dm;
      }
    }
  }
  return record.mpathWwid ? findMultipathMap(files, record.mpathWwid) : undefined;
}

async function removeMap(ctx: IscsiContext, dm: string): Promise<void> {
  const { files, multipath, runner } = ctx;
  const name = (await files.readText(`/sys/block/${dm}/dm/name`))?.trim() ?? dm;
  await assertUnheld(files, dm, 'multipath map');
  await assertUnmounted(files, dm);
  const running: string[] = [];
  for (const slave of await slaves(files, dm)) {
    if ((await scsiDeviceState(files, slave)) === 'running') {
      running.push(slave);
    }
  }
  if (running.length === 0) {
    await multipath
      .disableQueueing(name)
      .catch((err) => ctx.logger.warn({ map: name, err: String(err) }, 'disablequeueing failed'));
  } else {
    await runner.run('blockdev', ['--flushbufs', `/dev/mapper/${name}`]);
  }
  await ctx.locks.with(lockKeys.hostDevices, async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        await multipath.flush(name);
        return;
      } catch (err) {
        if (attempt >= ctx.timing.flushRetries) {
          throw err;
        }
        await ctx.clock.sleep(ctx.timing.flushRetryDelayMs);
      }
    }
  });
  if ((await files.readText(`/sys/block/${dm}/dm/uuid`)) !== undefined) {
    throw internal(`multipath -f ${name} succeeded but ${dm} still exists`);
  }
}

async function removePath(ctx: IscsiContext, path: LocatedPath): Promise<void> {
  const { files, runner } = ctx;
  await assertUnheld(files, path.name, 'path device');
  await assertUnmounted(files, path.name);
  if ((await scsiDeviceState(files, path.name)) === 'running') {
    await runner.run('blockdev', ['--flushbufs', `/dev/${path.name}`]);
  }
  await offlineScsiDevice(files, path.name);
  await deleteScsiDevice(files, path.name);
}

/** Logs out of a volume-scoped target portal once no LUN is left on its session, and forgets it. */
async function releaseTarget(ctx: IscsiContext, record: IscsiRecord, iqn: string, portal: string): Promise<void> {
  if (record.scope === 'group') {
    return;
  }
  await ctx.locks.with(lockKeys.target(iqn), async () => {
    const address = await addressPortal(portal).catch(() => portal);
    const session = findSession(await targetSessions(ctx.files, iqn), iqn, address);
    if (session) {
      const remaining = await sessionDisks(ctx.files, session.sid);
      if (remaining.length > 0) {
        ctx.logger.info(
          { iqn, portal, luns: remaining.map((d) => d.lun) },
          'session still serves other LUNs; staying logged in',
        );
        return;
      }
      await ctx.iscsiadm.logout(iqn, portal);
    }
    await ctx.iscsiadm.deleteNode(iqn, portal);
  });
}

export async function detachIscsi(ctx: IscsiContext, record: IscsiRecord): Promise<void> {
  const paths = await locatePaths(ctx, record);
  const dm = await findMap(ctx.files, record, paths);
  if (dm) {
    await removeMap(ctx, dm);
  }
  for (const path of paths) {
    await removePath(ctx, path);
  }
  for (const target of record.targets) {
    await releaseTarget(ctx, record, target.iqn, target.portal);
  }
}
