// A stand-in for the NAS's iSCSI portal: an initiator "logs in" to a target and gets the LUNs it
// may see, with their backing files. It applies what a real portal applies (target enabled, CHAP,
// max_sessions, and DSM 7 host permissions per LUN) so that tests and the loop attacher exercise
// the CSP's settings.
//
// Host permissions (the simulator's reading of DSM 7, docs/dsm-simulator.md): a LUN that no host
// object mentions keeps DSM's default privilege, every initiator read-write (what clients that
// never touch host objects, such as synology-csi, rely on). Once any host object holds a
// permission on a LUN (even `none`), only initiators of a host with `rw` or `ro` on it see it.
import type { DsmState, Permission, Target } from './state.js';

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

/** What DSM lets one initiator do with one LUN, from the host objects (see the header). */
export function lunAccess(state: DsmState, lunUuid: string, initiatorIqn: string): Permission {
  let masked = false;
  let best: Permission = 'none';
  for (const host of state.hosts.values()) {
    const permission = host.acls.get(lunUuid);
    if (permission === undefined) {
      continue;
    }
    masked = true;
    if (host.initiators.includes(initiatorIqn) && permission !== 'none' && best !== 'rw') {
      best = permission;
    }
  }
  return masked ? best : 'rw';
}

function visibleLuns(state: DsmState, target: Target, initiatorIqn: string): VisibleLun[] {
  const visible: VisibleLun[] = [];
  for (const [lunUuid, mappingIndex] of target.mapped) {
    const lun = state.luns.get(lunUuid);
    const access = lunAccess(state, lunUuid, initiatorIqn);
    if (lun && lun.deletingUntil === undefined && access !== 'none') {
      visible.push({
        lunUuid,
        mappingIndex,
        size: lun.size,
        readOnly: access === 'ro',
        backingFile: state.backing.path(lun.backingKey),
        wwid: lunWwid(lun.uuid),
      });
    }
  }
  return visible.sort((a, b) => a.mappingIndex - b.mappingIndex);
}

export function portalLogin(state: DsmState, login: PortalLogin): VisibleLun[] {
  const target = targetByIqn(state, login.targetIqn);
  if (!target.enabled) {
    throw new PortalError('target is disabled');
  }
  checkChap(target, login);
  const visible = visibleLuns(state, target, login.initiatorIqn);
  if (target.mapped.size > 0 && visible.length === 0) {
    throw new PortalError(`initiator ${login.initiatorIqn} is masked out of every LUN of ${target.iqn}`);
  }
  const already = target.sessions.some((s) => s.iqn === login.initiatorIqn);
  if (!already) {
    if (target.maxSessions > 0 && target.sessions.length >= target.maxSessions) {
      throw new PortalError(`target ${target.iqn} allows ${target.maxSessions} session(s)`);
    }
    target.sessions.push({ iqn: login.initiatorIqn, ip: login.ip ?? '127.0.0.1' });
  }
  return visible;
}

export function portalLogout(state: DsmState, initiatorIqn: string, targetIqn: string): void {
  const target = targetByIqn(state, targetIqn);
  target.sessions = target.sessions.filter((s) => s.iqn !== initiatorIqn);
}

/**
 * Whether an initiator, with the CHAP credentials it would present, could log in and see a LUN
 * through any target the LUN is mapped to (target enabled, CHAP, host permissions). Changes
 * nothing: no session is opened.
 */
export function lunReachable(state: DsmState, lunUuid: string, login: Omit<PortalLogin, 'targetIqn'>): boolean {
  const lun = state.luns.get(lunUuid);
  if (!lun || lun.deletingUntil !== undefined || lunAccess(state, lunUuid, login.initiatorIqn) === 'none') {
    return false;
  }
  for (const target of state.targets.values()) {
    if (!target.enabled || !target.mapped.has(lunUuid)) {
      continue;
    }
    try {
      checkChap(target, { ...login, targetIqn: target.iqn });
      return true;
    } catch (err) {
      if (!(err instanceof PortalError)) {
        throw err;
      }
    }
  }
  return false;
}

/** Every open portal session: which initiator is logged in to which target. */
export function portalSessions(state: DsmState): { target: string; initiator: string }[] {
  return [...state.targets.values()].flatMap((t) => t.sessions.map((s) => ({ target: t.iqn, initiator: s.iqn })));
}
