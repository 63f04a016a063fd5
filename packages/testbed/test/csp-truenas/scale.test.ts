// With 2 or with 2,000 volumes already on the array, CreateVolume, publish, unpublish and delete
// make exactly the same TrueNAS calls, open the same number of datasets and snapshots, and have
// the same number of iSCSI rows read for their queries: every lookup is a filtered query (the
// iSCSI ones with force_sql_filters, so the middleware does not read whole tables), nothing lists
// the array.
import { userProperty } from '@opencsp/csp-truenas';
import { describe, expect, it } from 'vitest';
import type { TrueNasSimulator } from '../../src/truenas/index.js';
import { iqn, MiB, type Stack, startStack } from './stack.js';

async function seed(sim: TrueNasSimulator, count: number): Promise<void> {
  const host = sim.core.iscsi.initiators.insert({ initiators: [iqn('seed-node')], comment: 'opencsp:host:seed-node' });
  const seeded = await sim.seedZvols(
    Array.from({ length: count }, (_, i) => ({
      dataset: `tank/k8s/seed-${i}`,
      volsize: 64 * MiB,
      userProperties: { [userProperty.volumeName]: `seed-${i}`, [userProperty.destroyOnDelete]: 'true' },
      iscsi: {
        targetName: `seed-${i}`,
        extentName: `seed-${i}`,
        ...(i % 2 === 0 ? { initiators: [iqn('seed-node')], initiatorComment: `opencsp:volume:seed-${i}` } : {}),
      },
    })),
  );
  for (const s of seeded) {
    const ds = sim.core.zfs.datasets.get(s.dataset);
    ds?.user.set(userProperty.targetId, String(s.targetId));
    ds?.user.set(userProperty.extentId, String(s.extentId));
    ds?.user.set(userProperty.targetExtentId, String(s.targetExtentId));
    ds?.user.set(userProperty.naa, s.naa as string);
    if (s.initiatorId !== undefined) {
      ds?.user.set(userProperty.initiatorId, String(s.initiatorId));
      ds?.user.set(userProperty.hosts, String(host.id));
    }
  }
  sim.acceptCurrentState();
}

interface Cost {
  calls: Record<string, number>;
  datasetRows: number;
  snapshotRows: number;
  iscsiQueryRows: number;
}

async function cost(stack: Stack, work: () => Promise<unknown>): Promise<Cost> {
  const scans = { ...stack.sim.core.scans };
  const { calls } = await stack.sim.calls.measure(work);
  return {
    calls,
    datasetRows: stack.sim.core.scans.datasetRows - scans.datasetRows,
    snapshotRows: stack.sim.core.scans.snapshotRows - scans.snapshotRows,
    iscsiQueryRows: stack.sim.core.scans.iscsiQueryRows - scans.iscsiQueryRows,
  };
}

async function lifecycleCosts(existing: number): Promise<Record<string, Cost>> {
  const stack = await startStack();
  await seed(stack.sim, existing);
  const { client } = stack;
  await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')] });
  const out: Record<string, Cost> = {};
  let id = '';
  out.create = await cost(stack, async () => {
    id = (await client.createVolume({ name: 'pvc-measured', size: 64 * MiB })).id;
  });
  out.publish = await cost(stack, () => client.publishVolume(id, { host_uuid: 'n1' }));
  out.unpublish = await cost(stack, () => client.unpublishVolume(id, { host_uuid: 'n1' }));
  out.delete = await cost(stack, () => client.deleteVolume(id));
  await client.deleteHostByUuid('n1');
  expect(stack.sim.auditIsEmpty()).toBe(true);
  expect(await client.listVolumes({ limit: 1 })).toMatchObject({ nextToken: '1' });
  return out;
}

describe('csp-truenas array calls do not grow with the number of volumes', () => {
  it('costs the same with 2 and with 2,000 existing volumes', async () => {
    const small = await lifecycleCosts(2);
    const large = await lifecycleCosts(2000);
    console.log(
      'TrueNAS calls per operation (2 vs 2000 existing volumes):',
      Object.fromEntries(
        Object.entries(small).map(([op, c]) => [
          op,
          `${Object.values(c.calls).reduce((a, b) => a + b, 0)} calls, ${c.datasetRows} datasets opened, ` +
            `${c.iscsiQueryRows} iSCSI rows queried`,
        ]),
      ),
    );
    expect(large).toEqual(small);
    for (const c of Object.values(small)) {
      expect(Object.values(c.calls).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10);
      expect(c.datasetRows).toBeLessThanOrEqual(3);
      expect(c.iscsiQueryRows).toBeLessThanOrEqual(4);
    }
  });
});
