// Fault storm against csp-synology (see storm.ts): injected DSM faults (errors, busy answers,
// dropped connections, answers lost after DSM ran the call), one crash of the CSP process, creates
// retried by name. Every volume exists exactly once, nothing is left after the deletes.
import { synologyStorm } from './arrays.js';
import { describeStorm } from './suite.js';

describeStorm('csp-synology', synologyStorm);
