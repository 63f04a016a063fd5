import { afterEach, describe, expect, it } from 'vitest';
import { failure } from './errors.js';
import { GiB, hostRequest, type Stack, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('csp-synology on a small model (DS223: 4 LUNs, 2 targets) already in use', () => {
  it('answers 507 LIMIT_EXCEEDED with the model limit when LUNs run out, and leaks nothing', async () => {
    stack = await startStack({ sim: { model: 'DS223', ownerObjects: true } });
    const { client, sim } = stack;
    expect((await client.capabilities())?.limits?.max_volumes).toBe(4);
    const made = [];
    for (const name of ['pvc-1', 'pvc-2', 'pvc-3']) {
      made.push(await client.createVolume({ name, size: GiB }));
    }
    const refused = await failure(client.createVolume({ name: 'pvc-4', size: GiB }));
    expect(refused).toMatchObject({ status: 507, reason: 'LIMIT_EXCEEDED' });
    expect(refused?.message).toMatch(/DS223 allows 4 iSCSI LUNs/);
    const clone = await failure(
      client.createVolume({ name: 'pvc-5', size: GiB, config: { clone_of: made[0]?.id ?? '' } }),
    );
    expect(clone?.reason).toBe('LIMIT_EXCEEDED');
    expect((await sim.audit()).luns.map((l) => l.name).sort()).toEqual(['k8s-pvc-1', 'k8s-pvc-2', 'k8s-pvc-3']);
    for (const v of made) {
      await client.deleteVolume(v.id);
    }
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('serves as many nodes as the target ceiling allows, then refuses the next node clearly without leaking', async () => {
    stack = await startStack({ sim: { model: 'DS223', ownerObjects: true } });
    const { client, sim } = stack;
    const one = await client.createVolume({ name: 'pvc-1', size: GiB });
    const two = await client.createVolume({ name: 'pvc-2', size: GiB });
    await client.upsertHost(hostRequest('node-a'));
    await client.upsertHost(hostRequest('node-b'));
    await client.publishVolume(one.id, { host_uuid: 'node-a' });
    await client.publishVolume(two.id, { host_uuid: 'node-a' });
    const refused = await failure(client.publishVolume(one.id, { host_uuid: 'node-b' }));
    expect(refused).toMatchObject({ status: 507, reason: 'LIMIT_EXCEEDED' });
    expect(refused?.message).toMatch(/DS223 allows 2 iSCSI targets.*one target per node/);
    const report = await sim.audit();
    expect(report.targets.map((t) => t.mappedLuns)).toEqual([2]);
    await client.unpublishVolume(one.id, { host_uuid: 'node-a' });
    await client.unpublishVolume(two.id, { host_uuid: 'node-a' });
    await client.publishVolume(one.id, { host_uuid: 'node-b' });
    await client.unpublishVolume(one.id, { host_uuid: 'node-b' });
    await client.deleteVolume(one.id);
    await client.deleteVolume(two.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('refuses snapshots past the per-LUN ceiling and volumes past the free space', async () => {
    stack = await startStack({
      sim: {
        model: 'DS223',
        limits: { maxSnapshotsPerLun: 1 },
        volumes: [{ path: '/volume1', fsType: 'btrfs', sizeBytes: 4 * GiB }],
      },
    });
    const { client, sim } = stack;
    const volume = await client.createVolume({ name: 'pvc-1', size: GiB });
    const snap = await client.createSnapshot({ name: 's1', volume_id: volume.id });
    const refused = await failure(client.createSnapshot({ name: 's2', volume_id: volume.id }));
    expect(refused).toMatchObject({ status: 507, reason: 'LIMIT_EXCEEDED' });
    expect(refused?.message).toMatch(/1 snapshots per LUN/);
    const full = await failure(
      client.createVolume({ name: 'pvc-big', size: 5 * GiB, config: { provisioning: 'thick' } }),
    );
    expect(full).toMatchObject({ status: 507, reason: 'OUT_OF_SPACE' });
    const capacity = await client.queryCapacity({ provisioning: 'thick' });
    expect(capacity).toMatchObject({ total_bytes: 4 * GiB, minimum_volume_size: GiB });
    expect(capacity.available_bytes).toBeLessThanOrEqual(4 * GiB);
    await client.deleteSnapshot(snap.id);
    await client.deleteVolume(volume.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });
});
