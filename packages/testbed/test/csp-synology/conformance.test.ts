// The full CSP conformance suite against csp-synology in front of the DSM simulator, on a large
// model (DS923+) and a small one with low ceilings (DS223: 4 LUNs, 2 targets). Each run ends with
// the simulator's leak audit, which must be empty.
import { defineConformanceSuite } from '@opencsp/csp-spec/conformance/vitest';
import { defaultAdmin } from '../../src/dsm/index.js';
import { type Stack, startStack } from './stack.js';

for (const model of ['DS923+', 'DS223']) {
  let stack: Stack | undefined;
  defineConformanceSuite(
    async () => {
      stack = await startStack({ sim: { model }, login: false });
      const live = stack;
      return {
        url: stack.baseUrl,
        backend: stack.sim.url,
        username: defaultAdmin.username,
        password: defaultAdmin.password,
        close: () => live.close(),
      };
    },
    {
      name: `CSP conformance: csp-synology against the DSM simulator (${model})`,
      hooks: {
        afterAll: async () => {
          const report = await (stack as Stack).sim.audit();
          if (report.leaks.length > 0) {
            throw new Error(`the DSM simulator still holds: ${report.leaks.join('; ')}`);
          }
        },
      },
    },
  );
}
