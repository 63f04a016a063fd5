import { afterEach, describe, expect, it } from 'vitest';
import { failure } from './errors.js';
import { GiB, hostRequest, type Stack, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const models = [
  { model: 'DS923+', luns: 256 },
  { model: 'DS223', luns: 4 },
];

describe.each(models)('csp-synology volume lifecycle against the DSM simulator ($model)', ({ model, luns }) => {
  it('creates, finds, lists, expands, publishes, unpublishes and deletes a volume, leaving nothing behind', async () => {
    stack = await startStack({ sim: { model } });
    const { client, sim } = stack;
    const caps = await client.capabilities();
    expect(caps?.provider).toMatchObject({ name: 'synology', array_model: model });
    expect(caps?.limits).toMatchObject({ max_volumes: luns, min_volume_size: GiB });

    const volume = await client.createVolume({ name: 'pvc-1', size: 5 * GiB, description: 'ns/claim' });
    expect(volume).toMatchObject({
      name: 'pvc-1',
      size: 5 * GiB,
      published: false,
      config: { lun_type: 'BLUN', location: '/volume1' },
    });
    expect(volume.id).toBe(`${sim.serial}~${volume.id.split('~')[1]}`);
    expect((await client.findVolumeByName('pvc-1'))?.id).toBe(volume.id);
    expect(await client.findVolumeByName('pvc-none')).toBeUndefined();
    expect((await failure(client.createVolume({ name: 'pvc-1', size: GiB })))?.status).toBe(409);

    const expanded = await client.updateVolume(volume.id, { size: 8 * GiB, description: 'resized' });
    expect(expanded).toMatchObject({ size: 8 * GiB, description: 'resized' });
    expect((await failure(client.updateVolume(volume.id, { size: GiB })))?.field).toBe('body.size');

    await client.upsertHost(hostRequest('node-a'));
    const info = await client.publishVolume(volume.id, { host_uuid: 'node-a' });
    expect(info).toMatchObject({
      access_protocol: 'iscsi',
      lun_id: 1,
      target_scope: 'group',
      discovery_ips: ['127.0.0.1'],
    });
    expect(info.serial_number).toBe(volume.serial_number);
    expect(await client.publishVolume(volume.id, { host_uuid: 'node-a' })).toEqual(info);
    expect((await client.getVolume(volume.id)).published).toBe(true);

    const seen = sim.portalLogin({
      initiatorIqn: 'iqn.1993-08.org.debian:01:node-a',
      targetIqn: info.target_names[0] as string,
    });
    expect(seen.map((l) => [l.mappingIndex, l.wwid, l.size])).toEqual([[1, info.serial_number, 8 * GiB]]);
    expect(() =>
      sim.portalLogin({
        initiatorIqn: 'iqn.1993-08.org.debian:01:intruder',
        targetIqn: info.target_names[0] as string,
      }),
    ).toThrow(/masked out/);

    expect((await failure(client.deleteVolume(volume.id)))?.reason).toBe('PUBLISHED');
    await client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await client.unpublishVolume(volume.id, { host_uuid: 'never-seen' });
    expect((await client.getVolume(volume.id)).published).toBe(false);
    await client.deleteVolume(volume.id);
    expect((await failure(client.getVolume(volume.id)))?.status).toBe(404);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('shares one target per host, masks each LUN per host, and keeps masking right when two hosts share a volume', async () => {
    stack = await startStack({ sim: { model } });
    const { client, sim } = stack;
    await client.upsertHost(hostRequest('node-a'));
    await client.upsertHost(hostRequest('node-b'));
    const one = await client.createVolume({ name: 'pvc-one', size: GiB });
    const two = await client.createVolume({ name: 'pvc-two', size: GiB });
    const a1 = await client.publishVolume(one.id, { host_uuid: 'node-a' });
    const a2 = await client.publishVolume(two.id, { host_uuid: 'node-a' });
    expect(a2.target_names).toEqual(a1.target_names);
    expect([a1.lun_id, a2.lun_id]).toEqual([1, 2]);
    const b1 = await client.publishVolume(one.id, { host_uuid: 'node-b' });
    expect(b1.target_names).not.toEqual(a1.target_names);
    const bSees = sim.portalLogin({
      initiatorIqn: 'iqn.1993-08.org.debian:01:node-b',
      targetIqn: b1.target_names[0] as string,
    });
    expect(bSees.map((l) => l.wwid)).toEqual([one.serial_number]);
    // Masking is per LUN: node-b reaching node-a's target sees only the volume both share.
    const bThroughA = sim.portalLogin({
      initiatorIqn: 'iqn.1993-08.org.debian:01:node-b',
      targetIqn: a1.target_names[0] as string,
    });
    expect(bThroughA.map((l) => l.wwid)).toEqual([one.serial_number]);
    sim.portalLogout('iqn.1993-08.org.debian:01:node-b', a1.target_names[0] as string);
    expect((await failure(client.deleteHostByUuid('node-a')))?.reason).toBe('HAS_DEPENDENTS');

    await client.unpublishVolume(one.id, { host_uuid: 'node-a' });
    expect((await client.getVolume(one.id)).published).toBe(true);
    await client.deleteVolume(one.id, { force: true });
    await client.unpublishVolume(two.id, { host_uuid: 'node-a' });
    await client.deleteVolume(two.id);
    await client.deleteHostByUuid('node-a');
    expect((await client.listHosts()).map((h) => h.uuid)).toEqual(['node-b']);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('applies host CHAP to the host target and re-applies it when the host changes its secret', async () => {
    stack = await startStack({ sim: { model } });
    const { client, sim } = stack;
    const iqn = 'iqn.1993-08.org.debian:01:node-a';
    await client.upsertHost(hostRequest('node-a', { chap_user: 'node-a', chap_password: 'first-secret' }));
    const volume = await client.createVolume({ name: 'pvc-chap', size: GiB });
    const info = await client.publishVolume(volume.id, { host_uuid: 'node-a' });
    expect(info.chap_user).toBe('node-a');
    expect(info).not.toHaveProperty('chap_password');
    const target = info.target_names[0] as string;
    expect(() => sim.portalLogin({ initiatorIqn: iqn, targetIqn: target })).toThrow(/CHAP/);
    expect(
      sim.portalLogin({ initiatorIqn: iqn, targetIqn: target, chap: { user: 'node-a', password: 'first-secret' } }),
    ).toHaveLength(1);
    sim.portalLogout(iqn, target);
    const host = await client.upsertHost(
      hostRequest('node-a', { chap_user: 'node-a', chap_password: 'second-secret' }),
    );
    expect(JSON.stringify(host)).not.toContain('second-secret');
    await client.publishVolume(volume.id, { host_uuid: 'node-a' });
    expect(() =>
      sim.portalLogin({ initiatorIqn: iqn, targetIqn: target, chap: { user: 'node-a', password: 'first-secret' } }),
    ).toThrow(/CHAP/);
    expect(
      sim.portalLogin({ initiatorIqn: iqn, targetIqn: target, chap: { user: 'node-a', password: 'second-secret' } }),
    ).toHaveLength(1);
    expect(
      (await failure(client.upsertHost(hostRequest('node-c', { chap_user: 'c', chap_password: 'short' }))))?.field,
    ).toBe('body.chap_password');
    const id = (await client.listHosts()).find((h) => h.uuid === 'node-a')?.id as string;
    expect((await failure(client.deleteHost(id)))?.reason).toBe('HAS_DEPENDENTS');
    await client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await client.deleteHost(id);
    expect((await failure(client.deleteHost(id)))?.status).toBe(404);
    await client.deleteVolume(volume.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });
});

describe('csp-synology DSM call budget', () => {
  it('costs the same small number of DSM calls per operation however many LUNs and targets exist', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    await client.upsertHost(hostRequest('node-a'));
    const measure = async (prefix: string) => {
      const created = await sim.calls.measure(() => client.createVolume({ name: `${prefix}-v`, size: GiB }));
      const id = created.result.id;
      const got = await sim.calls.measure(() => client.getVolume(id));
      const published = await sim.calls.measure(() => client.publishVolume(id, { host_uuid: 'node-a' }));
      const unpublished = await sim.calls.measure(() => client.unpublishVolume(id, { host_uuid: 'node-a' }));
      const deleted = await sim.calls.measure(() => client.deleteVolume(id));
      return {
        get: got.total,
        publish: published.calls,
        unpublish: unpublished.total,
        create: created.calls,
        del: deleted.calls,
      };
    };
    const small = await measure('first');
    for (let i = 0; i < 20; i++) {
      const v = await client.createVolume({ name: `filler-${i}`, size: GiB });
      await client.upsertHost(hostRequest(`filler-host-${i}`));
      await client.publishVolume(v.id, { host_uuid: `filler-host-${i}` });
    }
    const large = await measure('second');
    expect(large.get).toBe(small.get);
    expect(large.unpublish).toBe(small.unpublish);
    // The first publish to a node this process never saw lists DSM's host objects once (one row
    // per node); after the CSP deleted the node's host itself, it knows it is gone and lists nothing.
    const hostList = 'SYNO.Core.ISCSI.Host.list';
    const withoutHostList = (calls: Record<string, number>) => Object.keys(calls).filter((k) => k !== hostList);
    expect(withoutHostList(large.publish).sort()).toEqual(withoutHostList(small.publish).sort());
    expect(large.get).toBeLessThanOrEqual(1);
    expect(large.publish[hostList]).toBeUndefined();
    expect(large.publish['SYNO.Core.ISCSI.Target.list']).toBeUndefined();
    expect(large.create['SYNO.Core.ISCSI.LUN.list']).toBeUndefined();
    expect(large.del['SYNO.Core.ISCSI.LUN.list']).toBeUndefined();
    console.log('DSM calls per operation:', JSON.stringify(large));
  });
});
