// One iSCSI session per (target, portal): node record, manual startup and scanning, CHAP from the
// node-stage secret (all settings in one iscsiadm call), login; the portals of a target log in at
// once. Sessions are listed from sysfs (no iscsiadm process). Callers hold the target's lock.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { internal, isDriverError } from '../../errors.js';
import type { HostFiles } from '../../host/files.js';
import { type KernelSession, kernelSessions } from '../../host/iscsi-sessions.js';
import type { Iscsiadm, NodeSetting } from '../../host/iscsiadm.js';
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

export function findSession(
  sessions: readonly KernelSession[],
  iqn: string,
  portal: string,
): KernelSession | undefined {
  return sessions.find((s) => s.target === iqn && s.portal === portal);
}

/** The sessions to one target, from sysfs (the others cost one read each). */
export function targetSessions(files: HostFiles, iqn: string): Promise<KernelSession[]> {
  return kernelSessions(files, (target) => target === iqn);
}

/** The node-record settings of a session the node service logs in: manual startup and scan, CHAP. */
export function nodeSettings(chap: ChapCredentials | undefined): NodeSetting[] {
  const manual: NodeSetting[] = [
    { name: 'node.startup', value: 'manual' },
    { name: 'node.session.scan', value: 'manual' },
  ];
  if (!chap) {
    return [...manual, { name: 'node.session.auth.authmethod', value: 'None' }];
  }
  return [
    ...manual,
    { name: 'node.session.auth.authmethod', value: 'CHAP' },
    { name: 'node.session.auth.username', value: chap.user, secret: true },
    { name: 'node.session.auth.password', value: chap.password, secret: true },
    { name: 'node.session.auth.username_in', value: chap.mutualUser ?? '', secret: true },
    { name: 'node.session.auth.password_in', value: chap.mutualPassword ?? '', secret: true },
  ];
}

/** Writes every setting in one iscsiadm call (after the record create, two node-database writes per portal). */
async function applySettings(
  iscsiadm: Iscsiadm,
  iqn: string,
  portal: string,
  chap: ChapCredentials | undefined,
  logger: NodeLogger,
): Promise<void> {
  const settings = nodeSettings(chap);
  try {
    await iscsiadm.configureNode(iqn, portal, settings);
  } catch (err) {
    if (!isDriverError(err) || err.kind === 'DeadlineExceeded') {
      throw err;
    }
    // open-iscsi before 2.0.876 has no node.session.scan and refuses the whole update for it; the
    // session then scans every LUN at login.
    logger.debug({ iqn, portal, err: err.message }, 'node.session.scan not accepted; updating without it');
    await iscsiadm.configureNode(
      iqn,
      portal,
      settings.filter((s) => s.name !== 'node.session.scan'),
    );
  }
}

/** Node record, settings and login for one portal; a failed login removes the record unless a session uses it. */
async function logIn(
  iscsiadm: Iscsiadm,
  files: HostFiles,
  iqn: string,
  portal: string,
  address: string,
  chap: ChapCredentials | undefined,
  logger: NodeLogger,
): Promise<void> {
  await iscsiadm.createNode(iqn, portal);
  await applySettings(iscsiadm, iqn, portal, chap, logger);
  try {
    await iscsiadm.login(iqn, portal);
  } catch (err) {
    if (!findSession(await targetSessions(files, iqn), iqn, address)) {
      await iscsiadm.deleteNode(iqn, portal).catch(() => undefined);
    }
    throw err;
  }
}

type LoginOutcome = { portal: string; address: string; existing: boolean } | { portal: string; error: unknown };

/** A session per portal, or why there is none. */
export type PortalSession = { portal: string; session: LiveSession } | { portal: string; error: unknown };

/**
 * Returns the session for (iqn, portal) of every portal, logging in where there is none; the
 * portals log in at once. One session listing (sysfs) before and one after, whatever the portal
 * count.
 */
export async function ensureSessions(
  iscsiadm: Iscsiadm,
  files: HostFiles,
  iqn: string,
  portals: readonly string[],
  chap: ChapCredentials | undefined,
  logger: NodeLogger,
): Promise<PortalSession[]> {
  const before = await targetSessions(files, iqn);
  const logins = await Promise.all(
    portals.map(async (portal): Promise<LoginOutcome> => {
      try {
        const address = await addressPortal(portal);
        const existing = findSession(before, iqn, address) !== undefined;
        if (!existing) {
          await logIn(iscsiadm, files, iqn, portal, address, chap, logger);
          logger.info({ iqn, portal }, 'iSCSI session logged in');
        }
        return { portal, address, existing };
      } catch (error) {
        return { portal, error };
      }
    }),
  );
  const after = logins.some((l) => 'address' in l && !l.existing) ? await targetSessions(files, iqn) : before;
  return Promise.all(
    logins.map(async (login): Promise<PortalSession> => {
      if (!('address' in login)) {
        return login;
      }
      try {
        return { portal: login.portal, session: await liveSession(files, after, iqn, login.portal, login.address) };
      } catch (error) {
        return { portal: login.portal, error };
      }
    }),
  );
}

async function liveSession(
  files: HostFiles,
  sessions: readonly KernelSession[],
  iqn: string,
  portal: string,
  address: string,
): Promise<LiveSession> {
  const session = findSession(sessions, iqn, address);
  if (!session) {
    throw internal(`iscsiadm reported a login to ${iqn} at ${portal} but sysfs lists no session for it`);
  }
  const host = await sessionHost(files, session.sid);
  if (host === undefined) {
    throw internal(`iSCSI session ${session.sid} (${iqn} at ${portal}) has no SCSI host in sysfs`);
  }
  return { sid: session.sid, host, portal: session.portal };
}
