// Who can reach a LUN on the simulated NAS, in whatever masking mode the CSP runs: every initiator
// the NAS or the CSP knows (DSM host objects, registered nodes with their CHAP) is tried against
// the simulator's portal rules (target mappings, target CHAP, host permissions), and a stranger
// without CHAP stands for every other initiator on the storage network.
import type { DsmSimulator, PortalLogin } from '../../dsm/index.js';

/** Listed by `reachableInitiators` when any initiator without CHAP reaches the LUN (masking `none`). */
export const anyInitiator = '*';

const stranger = 'iqn.2000-01.org.example:not-a-node';

export interface KnownNode {
  iqns: string[];
  chap?: { user: string; password: string; mutualUser: string; mutualPassword: string } | undefined;
}

function loginOf(iqn: string, chap: KnownNode['chap']): Omit<PortalLogin, 'targetIqn'> {
  if (!chap) {
    return { initiatorIqn: iqn };
  }
  return {
    initiatorIqn: iqn,
    chap: { user: chap.user, password: chap.password },
    ...(chap.mutualUser ? { mutualChap: { user: chap.mutualUser, password: chap.mutualPassword } } : {}),
  };
}

/** Initiator names that can log in and see the LUN now, sorted; `*` first when anyone can. */
export function reachableInitiators(sim: DsmSimulator, nodes: KnownNode[], lunUuid: string): string[] {
  const candidates = new Map<string, KnownNode['chap']>();
  for (const node of nodes) {
    for (const iqn of node.iqns) {
      candidates.set(iqn, node.chap);
    }
  }
  for (const host of sim.state.hosts.values()) {
    for (const iqn of host.initiators) {
      if (!candidates.has(iqn)) {
        candidates.set(iqn, undefined);
      }
    }
  }
  const reached = [...candidates]
    .filter(([iqn, chap]) => sim.lunReachable(lunUuid, loginOf(iqn, chap)))
    .map(([iqn]) => iqn)
    .sort();
  return sim.lunReachable(lunUuid, { initiatorIqn: stranger }) ? [anyInitiator, ...reached] : reached;
}
