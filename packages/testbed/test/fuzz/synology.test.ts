// The CSP fuzz test against csp-synology and the DSM simulator (see fuzz.ts): no 5xx, only
// contract-shaped errors, no secret in any answer, and an empty leak audit afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAdmin } from '../../src/dsm/index.js';
import { type Stack, startStack } from '../csp-synology/stack.js';
import { type FuzzTarget, fuzzCsp } from './fuzz.js';
import { requestsPerSeed, seeds } from './seeds.js';

describe('CSP fuzz: csp-synology', () => {
  let stack: Stack;
  let target: FuzzTarget;
  beforeAll(async () => {
    // Logins may name only the simulator (SYNOLOGY_URL; no allowed arrays): nothing else is ever
    // contacted.
    stack = await startStack({ login: false });
    target = {
      baseUrl: stack.baseUrl,
      ca: stack.ca,
      credentials: { username: defaultAdmin.username, password: defaultAdmin.password },
      arrayIp: stack.sim.url,
      refusedArrayIps: ['https://192.0.2.7:5001', '192.0.2.7', 'nas.example.invalid', 'https://[2001:db8::7]'],
      config: {
        location: ['volume1', '/volume1', '/volume9'],
        provisioning: ['thin', 'thick', 'fat'],
        lun_type: ['BLUN', 'BLUN_THICK', 'THIN', 'ADV', 'FILE', 'bogus'],
        space_reclamation: [true, false],
        fua_sync_cache: [true, false, 'sometimes'],
      },
      audit: async () => (await stack.sim.audit()).leaks,
    };
  });
  afterAll(() => stack?.close());

  for (const [label, seed] of seeds) {
    it(`survives ${requestsPerSeed} generated requests (${label} seed ${seed}; replay with FUZZ_SEED=${seed})`, async () => {
      const report = await fuzzCsp(target, seed, requestsPerSeed);
      console.log(
        `csp-synology fuzz, seed ${seed}: ${report.sent} requests, answers ${JSON.stringify(report.classes)}`,
      );
      expect(report.failures).toEqual([]);
      expect(report.leftovers).toEqual([]);
      expect(report.classes['2xx'] ?? 0).toBeGreaterThan(requestsPerSeed / 20);
    }, 600_000);
  }
});
