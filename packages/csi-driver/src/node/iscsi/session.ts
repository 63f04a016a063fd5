// One iSCSI session per (target, portal): node record, manual startup and scanning, CHAP from the
// node-stage secret, login. Callers hold the target's lock.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { internal, isDriverError } from '../../errors.js';
import type { HostFiles } from '../../host/files.js';
import type { Iscsiadm } from '../../host/iscsiadm.js';
import type { IscsiSession } from '../../host/iscsiadm-parse.js';
import { formatPortal, parsePortal } from '../../host/portal.js';
import { sessionHost } from '../../host/sysfs.js';
import type { ChapCredentials } from '../chap.js';
import type { NodeLogger } from '../logger.js';

export interface LiveSession {
  readonly sid: number;
  /** SCSI host number of the session. */
  readonly host: number;
  /** The session's address portal (what udev puts in by-path names). */
  readonly portal: string;
}

/** A portal with its host name resolved to an address, as iscsiadm shows sessions. */
export async function addressPortal(portal: string): Promise<string> {
  const parsed = parsePortal(portal);
  if (!parsed || isIP(parsed.host) !== 0) {
    return portal;
  }
  const { address } = await lookup(parsed.host);
  return formatPortal({ host: address, port: parsed.port });
}

export function findSession(sessions: readonly IscsiSession[], iqn: string, portal: string): IscsiSession | undefined {
  return sessions.find((s) => s.target === iqn && s.portal === portal);
}

async function applySettings(
  iscsiadm: Iscsiadm,
  iqn: string,
  portal: string,
  chap: ChapCredentials | undefined,
  logger: NodeLogger,
): Promise<void> {
  await iscsiadm.updateNode(iqn, portal, 'node.startup', 'manual');
  try {
    await iscsiadm.updateNode(iqn, portal, 'node.session.scan', 'manual');
  } catch (err) {
    // open-iscsi before 2.0.876 has no node.session.scan; the session then scans every LUN at login.
    logger.debug({ iqn, portal, err: isDriverError(err) ? err.message : String(err) }, 'node.session.scan not set');
  }
  if (!chap) {
    await iscsiadm.updateNode(iqn, portal, 'node.session.auth.authmethod', 'None');
    return;
  }
  await iscsiadm.updateNode(iqn, portal, 'node.session.auth.authmethod', 'CHAP');
  await iscsiadm.updateNode(iqn, portal, 'node.session.auth.username', chap.user, true);
  await iscsiadm.updateNode(iqn, portal, 'node.session.auth.password', chap.password, true);
  await iscsiadm.updateNode(iqn, portal, 'node.session.auth.username_in', chap.mutualUser ?? '', true);
  await iscsiadm.updateNode(iqn, portal, 'node.session.auth.password_in', chap.mutualPassword ?? '', true);
}

/**
 * Returns the session for (iqn, portal), logging in when there is none. A failed login removes the
 * node record it created, but only while no session uses it.
 */
export async function ensureSession(
  iscsiadm: Iscsiadm,
  files: HostFiles,
  iqn: string,
  portal: string,
  chap: ChapCredentials | undefined,
  logger: NodeLogger,
): Promise<LiveSession> {
  const address = await addressPortal(portal);
  let session = findSession(await iscsiadm.sessions(), iqn, address);
  if (!session) {
    await iscsiadm.createNode(iqn, portal);
    await applySettings(iscsiadm, iqn, portal, chap, logger);
    try {
      await iscsiadm.login(iqn, portal);
    } catch (err) {
      if (!findSession(await iscsiadm.sessions(), iqn, address)) {
        await iscsiadm.deleteNode(iqn, portal).catch(() => undefined);
      }
      throw err;
    }
    session = findSession(await iscsiadm.sessions(), iqn, address);
    if (!session) {
      throw internal(`iscsiadm reported a login to ${iqn} at ${portal} but lists no session for it`);
    }
    logger.info({ iqn, portal, sid: session.sid }, 'iSCSI session logged in');
  }
  const host = await sessionHost(files, session.sid);
  if (host === undefined) {
    throw internal(`iSCSI session ${session.sid} (${iqn} at ${portal}) has no SCSI host in sysfs`);
  }
  return { sid: session.sid, host, portal: session.portal };
}
