// Our CSI checks beyond csi-sanity (packages/testbed/src/sanity) against the driver and the
// reference CSP (contract kit + memory provider) over real HTTP, with the memory array's contents
// as the final check.
import { memoryBackend } from '@opencsp/testbed/harness';
import { sanityAgainst } from './against.js';

sanityAgainst('driver + memory CSP', () => memoryBackend());
