// The CSP conformance suite (every case of @opencsp/csp-spec/conformance) against csp-truenas and
// the TrueNAS simulator playing 25.10 and 26, in direct mode (ws://, password) and in service mode
// (array_ip + x-array-ip, wss:// with an API key verified against the simulator's certificate). After the
// suite's own cleanup check, the simulator's leak audit must list nothing: no dataset, snapshot,
// target, extent, mapping, initiator group, CHAP entry or session.
import { defineConformanceSuite } from '@opencsp/csp-spec/conformance/vitest';
import { startTrueNasStack, type TrueNasStack } from '../../src/truenas/index.js';

const cases = (['25.10', '26.0'] as const).flatMap((version) =>
  [false, true].map((arrayIpHeader) => ({ version, arrayIpHeader })),
);

for (const { version, arrayIpHeader } of cases) {
  let stack: TrueNasStack | undefined;
  defineConformanceSuite(
    async () => {
      stack = await startTrueNasStack({
        cspArgs: ['--response-validation', 'strict'],
        sim: { version, ...(arrayIpHeader ? { tls: true, apiKey: true } : {}) },
      });
      return {
        url: stack.baseUrl,
        tls: { ca: stack.ca as string },
        backend: stack.sim.address,
        ...stack.credentials,
        arrayIpHeader,
        modifyConfig: { compression: 'ZSTD', sync: 'ALWAYS' },
        close: async () => stack?.stop(),
      };
    },
    {
      name: `CSP conformance: csp-truenas + TrueNAS ${version} simulator (${arrayIpHeader ? 'service' : 'direct'} mode)`,
      hooks: {
        afterAll: () => {
          const audit = stack?.sim.audit();
          const left = Object.entries(audit ?? {}).filter(([, rows]) => (rows as unknown[]).length > 0);
          if (left.length > 0) {
            throw new Error(`the simulator still holds objects the suite created: ${JSON.stringify(audit)}`);
          }
        },
      },
    },
  );
}
