// Our CSI checks beyond csi-sanity (packages/testbed/src/sanity) against the driver and
// csp-truenas in front of the TrueNAS simulator, with the simulator's leak audit (datasets,
// snapshots, targets, extents, mappings, initiator groups) as the final check.
import { truenasBackend } from '@opencsp/testbed/harness';
import { sanityAgainst } from './against.js';

sanityAgainst('driver + csp-truenas + TrueNAS simulator', () => truenasBackend());
