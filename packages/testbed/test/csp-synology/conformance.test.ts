// The full CSP conformance suite against csp-synology in front of the DSM simulator, on a large
// model (DS923+) and a small one with low ceilings (DS223: 4 LUNs, 2 targets). Each run ends with
// the simulator's leak audit, which must be empty. Then the small model's ceilings themselves.
import type { Volume } from '@opencsp/csp-spec';
import { defineConformanceSuite } from '@opencsp/csp-spec/conformance/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultAdmin } from '../../src/dsm/index.js';
import { failure } from './errors.js';
import { GiB, hostRequest, type Stack, startStack } from './stack.js';

for (const model of ['DS923+', 'DS223']) {
  let stack: Stack | undefined;
  defineConformanceSuite(
    async () => {
      stack = await startStack({ sim: { model }, login: false });
      const live = stack;
      return {
        url: stack.baseUrl,
        tls: { ca: stack.ca },
        backend: stack.sim.url,
        username: defaultAdmin.username,
        password: defaultAdmin.password,
        // A new thin LUN reclaims space (emulate_tpu on) and leaves FUA and SYNCHRONIZE CACHE to
        // DSM's cache: the modify case flips both through LUN set.
        modifyConfig: { space_reclamation: 'false', fua_sync_cache: 'true' },
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

describe('csp-synology at the ceilings of a small model (DS223: 4 LUNs, 2 targets)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('answers 507 LIMIT_EXCEEDED naming the model limit for the fifth LUN and the third node, and leaks nothing', async () => {
    stack = await startStack({ sim: { model: 'DS223' } });
    const { client, sim } = stack;
    const volumes = [];
    for (let i = 1; i <= 4; i++) {
      volumes.push(await client.createVolume({ name: `pvc-${i}`, size: GiB }));
    }
    const lun = await failure(client.createVolume({ name: 'pvc-5', size: GiB }));
    expect(lun).toMatchObject({ status: 507, reason: 'LIMIT_EXCEEDED' });
    expect(lun?.message).toMatch(/DS223 allows 4 iSCSI LUNs \(DSM 18990541\)/);
    const [first, second] = volumes as [Volume, Volume];
    for (const node of ['node-a', 'node-b', 'node-c']) {
      await client.upsertHost(hostRequest(node));
    }
    await client.publishVolume(first.id, { host_uuid: 'node-a' });
    await client.publishVolume(second.id, { host_uuid: 'node-b' });
    const target = await failure(client.publishVolume(first.id, { host_uuid: 'node-c' }));
    expect(target).toMatchObject({ status: 507, reason: 'LIMIT_EXCEEDED' });
    expect(target?.message).toMatch(/DS223 allows 2 iSCSI targets \(DSM 18990542\).*one target per node/);
    const report = await sim.audit();
    expect(report.luns).toHaveLength(4);
    expect(report.targets).toHaveLength(2);
    expect(report.hosts.map((h) => h.name).sort()).toEqual([
      expect.stringContaining('k8s-host-node-a-'),
      expect.stringContaining('k8s-host-node-b-'),
    ]);
    await client.unpublishVolume(first.id, { host_uuid: 'node-a' });
    await client.unpublishVolume(second.id, { host_uuid: 'node-b' });
    for (const volume of volumes) {
      await client.deleteVolume(volume.id);
    }
    expect((await sim.audit()).leaks).toEqual([]);
  });
});
