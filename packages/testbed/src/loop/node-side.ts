// What a node needs from an array simulator to stand in for its iSCSI login: which sparse file
// holds the LUN a publish context names, and the login/logout the array checks (ACL, CHAP). The
// fixtures use the simulators in-process; the node API (node-api.ts, remote.ts) serves the same
// thing to a node in another process.
import type { BackingResolver, LoopSessions } from './transport.js';

export interface NodeSide {
  /** The backing file of the LUN a publish context names (for the loop transport). */
  resolve: BackingResolver;
  /** Simulated iSCSI logins and logouts of one initiator, checked by the array's ACL and CHAP. */
  sessions(initiator: string): LoopSessions;
}
