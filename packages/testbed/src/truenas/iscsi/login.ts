// A simulated iSCSI login, checked the way SCST applies the TrueNAS configuration: the target
// must be offered on the portal, the initiator must be in the group's initiator list (a NULL
// group or an empty list admits anyone), auth networks must match, and CHAP must be right.
// Node-side tests use it to prove access control, and a logged-in session makes "in use" real.
import type { SimCore } from '../state/core.js';
import type { AuthRow, TargetRow } from './types.js';

export interface LoginRequest {
  /** Target IQN (`basename:name`). */
  target: string;
  initiator: string;
  /** Initiator address, checked against the target's auth networks. */
  initiatorAddr?: string;
  /** Portal address the initiator connects to; any portal of the target when absent. */
  portalIp?: string;
  chapUser?: string;
  chapSecret?: string;
  /** Mutual CHAP: what the initiator expects the target to present. */
  mutualUser?: string;
  mutualSecret?: string;
}

export class IscsiLoginError extends Error {
  override readonly name = 'IscsiLoginError';
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function inNetwork(addr: string, cidr: string): boolean {
  const [net, bits = '32'] = cidr.split('/');
  const a = ipv4ToInt(addr);
  const n = ipv4ToInt(net ?? '');
  if (a === undefined || n === undefined) {
    return addr === net;
  }
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (a & mask) >>> 0 === (n & mask) >>> 0;
}

function chapOk(entries: AuthRow[], request: LoginRequest, mutual: boolean): boolean {
  return entries.some(
    (a) =>
      a.user === request.chapUser &&
      a.secret === request.chapSecret &&
      (!mutual || (a.peeruser === request.mutualUser && a.peersecret === request.mutualSecret)),
  );
}

function findTarget(sim: SimCore, iqn: string): TargetRow {
  const target = sim.iscsi.targets.find((t) => sim.iscsi.iqn(t.name) === iqn);
  if (!target) {
    throw new IscsiLoginError(`target ${iqn} not found (iSCSI login status 0x0203)`);
  }
  return target;
}

/** Logs in (records a session) or throws IscsiLoginError saying why SCST would refuse. */
export function iscsiLogin(sim: SimCore, request: LoginRequest): void {
  const target = findTarget(sim, request.target);
  const groups = target.groups.filter((g) => {
    const portal = sim.iscsi.portals.get(g.portal);
    return portal && (!request.portalIp || portal.listen.some((l) => l.ip === request.portalIp || l.ip === '0.0.0.0'));
  });
  if (groups.length === 0) {
    throw new IscsiLoginError(`target ${request.target} is not offered on that portal (no access)`);
  }
  const admitted = groups.find((g) => {
    const group = g.initiator === null ? undefined : sim.iscsi.initiators.get(g.initiator);
    return !group || group.initiators.length === 0 || group.initiators.includes(request.initiator);
  });
  if (!admitted) {
    throw new IscsiLoginError(
      `initiator ${request.initiator} is not allowed on ${request.target} (authorization failure)`,
    );
  }
  const addr = request.initiatorAddr;
  if (target.auth_networks.length > 0 && (!addr || !target.auth_networks.some((net) => inNetwork(addr, net)))) {
    throw new IscsiLoginError(`initiator address ${addr ?? '?'} is outside the target's auth networks`);
  }
  if (admitted.authmethod !== 'NONE') {
    const entries = sim.iscsi.auth.filter((a) => a.tag === admitted.auth);
    if (!chapOk(entries, request, admitted.authmethod === 'CHAP_MUTUAL')) {
      throw new IscsiLoginError(`CHAP authentication failed for ${request.initiator} on ${request.target}`);
    }
  }
  const exists = sim.iscsi.sessions.some((s) => s.target === request.target && s.initiator === request.initiator);
  if (!exists) {
    sim.iscsi.sessions.push({
      target: request.target,
      initiator: request.initiator,
      initiator_addr: addr ?? '127.0.0.1',
    });
  }
}

export function iscsiLogout(sim: SimCore, target: string, initiator: string): void {
  const i = sim.iscsi.sessions.findIndex((s) => s.target === target && s.initiator === initiator);
  if (i >= 0) {
    sim.iscsi.sessions.splice(i, 1);
  }
}
