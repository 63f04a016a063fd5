// The host's iSCSI sessions read from sysfs, the way open-iscsi builds `iscsiadm -m session`
// (libopeniscsiusr session.c, iscsi_session_get) but without starting a process. Layout and
// attribute names from Linux drivers/scsi/scsi_transport_iscsi.c and libiscsi.c:
//
//   /sys/class/iscsi_session/session<sid>/            targetname, state (LOGGED_IN, FAILED, FREE)
//   /sys/class/iscsi_connection/connection<sid>:0/    persistent_address, persistent_port,
//                                                     address, port
//
// The connection id is always 0 (open-iscsi opens one connection per session). The portal is the
// persistent one, as `iscsiadm -m session` prints it and udev names by-path links: what iscsid set
// at login, unchanged through recovery. `address`/`port` come from the socket: reading them while
// the session is in recovery fails with ENOTCONN, and an IPv6 address is printed uncompressed
// (%pI6), so they serve only when a transport exports no persistent address. A string the kernel
// never got prints as "(null)" (a session iscsid is still setting up); such a session is left out
// until it has its target and portal. No /sys/class/iscsi_session (scsi_transport_iscsi not
// loaded) means no sessions, as for open-iscsi.
import { iscsiSessionClass } from './fabric-volumes.js';
import type { HostFiles } from './files.js';
import { formatPortal } from './portal.js';

export const iscsiConnectionClass = '/sys/class/iscsi_connection';

export interface KernelSession {
  readonly sid: number;
  /** Target IQN (`targetname`). */
  readonly target: string;
  /** The session's persistent portal, `ip:port` or `[v6]:port`. */
  readonly portal: string;
  /** Kernel session state: LOGGED_IN, FAILED (connection lost, in recovery) or FREE. */
  readonly state: string;
}

/** The sysfs attributes of one session and its connection, as read (undefined: file absent). */
export interface SessionAttributes {
  readonly targetname?: string;
  readonly state?: string;
  readonly persistentAddress?: string;
  readonly persistentPort?: string;
  readonly address?: string;
  readonly port?: string;
}

/** An attribute's value: trailing newline off, empty and the kernel's "(null)" as undefined. */
function value(text: string | undefined): string | undefined {
  const v = text?.trim();
  return v && v !== '(null)' ? v : undefined;
}

function port(text: string | undefined): number | undefined {
  const v = value(text);
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

/**
 * One session from its attributes; undefined while it has no target or portal yet, or once it is
 * gone (no state).
 */
export function parseSessionAttributes(sid: number, attrs: SessionAttributes): KernelSession | undefined {
  const target = value(attrs.targetname);
  const host = value(attrs.persistentAddress) ?? value(attrs.address);
  const portNumber = port(attrs.persistentPort) ?? port(attrs.port);
  const state = value(attrs.state);
  if (!target || !host || portNumber === undefined || !state) {
    return undefined;
  }
  return { sid, target, portal: formatPortal({ host, port: portNumber }), state };
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * A socket-backed attribute: its read fails with ENOTCONN while the connection is down (EINVAL for
 * a socket of another family), which means "no value".
 */
async function socketAttribute(files: HostFiles, path: string): Promise<string | undefined> {
  try {
    return await files.readText(path);
  } catch (err) {
    if (errno(err) === 'ENOTCONN' || errno(err) === 'EINVAL') {
      return undefined;
    }
    throw err;
  }
}

/** One session, undefined when it is removed while read (kernfs answers ENODEV, or ENOENT). */
async function readSession(files: HostFiles, sid: number, wanted: (target: string) => boolean) {
  try {
    return await readSessionAttributes(files, sid, wanted);
  } catch (err) {
    if (errno(err) === 'ENODEV') {
      return undefined;
    }
    throw err;
  }
}

async function readSessionAttributes(files: HostFiles, sid: number, wanted: (target: string) => boolean) {
  const base = `${iscsiSessionClass}/session${sid}`;
  const targetname = await files.readText(`${base}/targetname`);
  const target = value(targetname);
  if (!target || !wanted(target)) {
    return undefined;
  }
  const conn = `${iscsiConnectionClass}/connection${sid}:0`;
  const persistentAddress = await files.readText(`${conn}/persistent_address`);
  const persistentPort = await files.readText(`${conn}/persistent_port`);
  const fallback = value(persistentAddress) === undefined || port(persistentPort) === undefined;
  return parseSessionAttributes(sid, {
    targetname,
    state: await files.readText(`${base}/state`),
    persistentAddress,
    persistentPort,
    address: fallback ? await socketAttribute(files, `${conn}/address`) : undefined,
    port: fallback ? await socketAttribute(files, `${conn}/port`) : undefined,
  });
}

/**
 * The host's iSCSI sessions (those `wanted` accepts by target IQN; the others cost one read), in
 * session id order. Sessions are read at once; one that disappears meanwhile is left out, any
 * other read failure (EACCES...) is thrown: a listing that silently missed a session would let
 * an unstage skip its disks and logout.
 */
export async function kernelSessions(
  files: HostFiles,
  wanted: (target: string) => boolean = () => true,
): Promise<KernelSession[]> {
  const sids = (await files.list(iscsiSessionClass))
    .map((entry) => /^session(\d+)$/.exec(entry)?.[1])
    .filter((sid): sid is string => sid !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const sessions = await Promise.all(sids.map((sid) => readSession(files, sid, wanted)));
  return sessions.filter((s): s is KernelSession => s !== undefined);
}
