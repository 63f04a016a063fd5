// Fault storm against csp-truenas (see storm.ts): injected TrueNAS faults (errors, busy answers,
// connections dropped after the middleware ran the call), one crash of the CSP process, creates
// retried by name. Every volume exists exactly once, nothing is left after the deletes.
import { truenasStorm } from './arrays.js';
import { describeStorm } from './suite.js';

describeStorm('csp-truenas', truenasStorm);
