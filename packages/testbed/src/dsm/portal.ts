// A stand-in for the NAS's iSCSI portal: an initiator "logs in" to a target and gets the LUNs it
// may see, with their backing files. It applies what a real portal applies (target enabled,
// masking, CHAP, max_sessions) so that tests and the loop attacher exercise the CSP's settings.
import type { DsmState, Target } from './state.js';

export interface PortalLogin {
  initiatorIqn: string;
  targetIqn: string;
  ip?: string;
  chap?: { user: string; password: string };
  /** What the initiator expects the target to answer with (mutual CHAP). */
  mutualChap?: { user: string; password: string };
}

export interface VisibleLun {
  lunUuid: string;
  mappingIndex: number;
  size: number;
  readOnly: boolean;
  backingFile: string;
  /** The WWID a Linux initiator reads for the LUN (NAA 6, from the unit serial). */
  wwid: string;
}

export class PortalError extends Error {
  override readonly name = 'PortalError';
}

function targetByIqn(state: DsmState, iqn: string): Target {
  for (const target of state.targets.values()) {
    if (target.iqn === iqn) {
      return target;
    }
  }
  throw new PortalError(`no target ${iqn}`);
}

function checkChap(target: Target, login: PortalLogin): void {
  if (target.authType >= 1 && (login.chap?.user !== target.user || login.chap?.password !== target.password)) {
    throw new PortalError('CHAP authentication failed');
  }
  if (
    target.authType === 2 &&
    (login.mutualChap?.user !== target.mutualUser || login.mutualChap?.password !== target.mutualPassword)
  ) {
    throw new PortalError('mutual CHAP authentication failed');
  }
}

/** NAA 6 WWID of a DSM LUN: `6001405` then the unit serial with `-` as `d`, 32 hex digits in all. */
export function lunWwid(uuid: string): string {
  return `6001405${uuid.toLowerCase().replace(/-/g, 'd').slice(0, 25)}`;
}

export function portalLogin(state: DsmState, login: PortalLogin): VisibleLun[] {
  const target = targetByIqn(state, login.targetIqn);
  if (!target.enabled) {
    throw new PortalError('target is disabled');
  }
  const acl = target.acls.find((a) => a.iqn === login.initiatorIqn);
  if (target.acls.length > 0 && !acl) {
    throw new PortalError(`initiator ${login.initiatorIqn} is masked out of ${target.iqn}`);
  }
  checkChap(target, login);
  const already = target.sessions.some((s) => s.iqn === login.initiatorIqn);
  if (!already) {
    if (target.maxSessions > 0 && target.sessions.length >= target.maxSessions) {
      throw new PortalError(`target ${target.iqn} allows ${target.maxSessions} session(s)`);
    }
    target.sessions.push({ iqn: login.initiatorIqn, ip: login.ip ?? '127.0.0.1' });
  }
  const visible: VisibleLun[] = [];
  for (const [lunUuid, mappingIndex] of target.mapped) {
    const lun = state.luns.get(lunUuid);
    if (lun && lun.deletingUntil === undefined) {
      visible.push({
        lunUuid,
        mappingIndex,
        size: lun.size,
        readOnly: acl?.permission === 'ro',
        backingFile: state.backing.path(lun.backingKey),
        wwid: lunWwid(lun.uuid),
      });
    }
  }
  return visible.sort((a, b) => a.mappingIndex - b.mappingIndex);
}

export function portalLogout(state: DsmState, initiatorIqn: string, targetIqn: string): void {
  const target = targetByIqn(state, targetIqn);
  target.sessions = target.sessions.filter((s) => s.iqn !== initiatorIqn);
}
