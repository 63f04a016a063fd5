// The CSP fuzz test against csp-truenas and the TrueNAS simulator (see fuzz.ts): no 5xx, only
// contract-shaped errors, no secret in any answer, and an empty leak audit afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakLines } from '../../src/harness/backends/truenas.js';
import { startTrueNasStack, type TrueNasStack } from '../../src/truenas/index.js';
import { type FuzzTarget, fuzzCsp } from './fuzz.js';
import { requestsPerSeed, seeds } from './seeds.js';

describe('CSP fuzz: csp-truenas', () => {
  let stack: TrueNasStack;
  let target: FuzzTarget;
  beforeAll(async () => {
    // Logins may name only the simulator (TRUENAS_ARRAY; no allowed arrays): nothing else is ever
    // contacted, whatever array_ip the fuzz sends.
    stack = await startTrueNasStack({
      cspArgs: ['--response-validation', 'strict'],
      parents: ['tank/k8s', 'tank/other'],
    });
    target = {
      baseUrl: stack.baseUrl,
      ca: stack.ca as string,
      credentials: stack.credentials,
      arrayIp: stack.sim.address,
      refusedArrayIps: ['192.0.2.7', '192.0.2.7:443', '[2001:db8::7]:443', 'nas.example.invalid'],
      config: {
        volblocksize: ['8K', '16K', '64K', '3K'],
        sparse: [true, false, 'yes'],
        compression: ['LZ4', 'OFF', 'ZSTD', 'bogus'],
        dedup: ['ON', 'OFF', 'VERIFY'],
        sync: ['STANDARD', 'ALWAYS', 'DISABLED'],
        parent_dataset: ['tank/k8s', 'tank/other', 'tank/none'],
        description: ['volume {name}'],
      },
      audit: async () => leakLines(stack.sim.audit()),
    };
  });
  afterAll(() => stack?.stop());

  for (const [label, seed] of seeds) {
    it(`survives ${requestsPerSeed} generated requests (${label} seed ${seed}; replay with FUZZ_SEED=${seed})`, async () => {
      const report = await fuzzCsp(target, seed, requestsPerSeed);
      console.log(`csp-truenas fuzz, seed ${seed}: ${report.sent} requests, answers ${JSON.stringify(report.classes)}`);
      expect(report.failures).toEqual([]);
      expect(report.leftovers).toEqual([]);
      expect(report.classes['2xx'] ?? 0).toBeGreaterThan(requestsPerSeed / 20);
    }, 600_000);
  }
});
