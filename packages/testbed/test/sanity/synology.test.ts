// Our CSI checks beyond csi-sanity (packages/testbed/src/sanity) against the driver and
// csp-synology in front of the DSM simulator (over HTTPS), with the simulator's leak audit (LUNs,
// snapshots, targets, host objects, backing files), open portal sessions and the CSP's host
// registrations as the final check.
import { synologyBackend } from '@opencsp/testbed/harness';
import { sanityAgainst } from './against.js';

sanityAgainst('driver + csp-synology + DSM simulator', () => synologyBackend());
