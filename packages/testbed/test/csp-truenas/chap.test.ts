import { describe, expect, it } from 'vitest';
import { iqn, MiB, startStack } from './stack.js';

describe('csp-truenas CHAP', () => {
  it('requires the host CHAP credentials at login and removes them with the last host using them', async () => {
    const { sim, client, config } = await startStack();
    const chap = { chap_user: 'k8s-node', chap_password: 'chap-secret-01' };
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')], ...chap });
    await client.upsertHost({ uuid: 'n2', iqns: [iqn('n2')], ...chap });
    expect((await client.listHosts()).map((h) => [h.uuid, h.chap_user])).toEqual([
      ['n1', 'k8s-node'],
      ['n2', 'k8s-node'],
    ]);
    expect(sim.audit().auth).toEqual([{ id: 1, tag: config.chapTag, user: 'k8s-node' }]);
    const volume = await client.createVolume({ name: 'pvc-chap', size: 16 * MiB });
    const info = await client.publishVolume(volume.id, { host_uuid: 'n1' });
    expect(info.chap_user).toBe('k8s-node');
    expect(info.chap_password).toBeUndefined();
    const target = info.target_names[0] as string;
    expect(() => sim.iscsiLogin({ target, initiator: iqn('n1') })).toThrow(/CHAP/);
    expect(() =>
      sim.iscsiLogin({ target, initiator: iqn('n1'), chapUser: 'k8s-node', chapSecret: 'wrong-secret-1' }),
    ).toThrow(/CHAP/);
    sim.iscsiLogin({ target, initiator: iqn('n1'), chapUser: 'k8s-node', chapSecret: 'chap-secret-01' });
    sim.iscsiLogout(target, iqn('n1'));

    await client.upsertHost({ uuid: 'plain', iqns: [iqn('plain')] });
    const mixed = await client.publishVolume(volume.id, { host_uuid: 'plain' }).catch((e: unknown) => e);
    expect((mixed as { status?: number }).status).toBe(400);

    await client.unpublishVolume(volume.id, { host_uuid: 'n1' });
    await client.deleteVolume(volume.id);
    await client.deleteHostByUuid('n1');
    expect(sim.audit().auth).toHaveLength(1);
    await client.deleteHostByUuid('n2');
    await client.deleteHostByUuid('plain');
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('supports mutual CHAP and changes of the CHAP secret', async () => {
    const { sim, client } = await startStack();
    const mutual = {
      chap_user: 'node',
      chap_password: 'chap-secret-01',
      chap_mutual_user: 'array',
      chap_mutual_password: 'array-secret-02',
    };
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')], ...mutual });
    const volume = await client.createVolume({ name: 'pvc-mutual', size: 16 * MiB });
    const info = await client.publishVolume(volume.id, { host_uuid: 'n1' });
    const target = info.target_names[0] as string;
    const login = { target, initiator: iqn('n1'), chapUser: 'node', chapSecret: 'chap-secret-01' };
    expect(() => sim.iscsiLogin(login)).toThrow(/CHAP/);
    sim.iscsiLogin({ ...login, mutualUser: 'array', mutualSecret: 'array-secret-02' });
    sim.iscsiLogout(target, iqn('n1'));
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')], ...mutual, chap_password: 'chap-secret-99' });
    sim.iscsiLogin({ ...login, chapSecret: 'chap-secret-99', mutualUser: 'array', mutualSecret: 'array-secret-02' });
    sim.iscsiLogout(target, iqn('n1'));
    await client.unpublishVolume(volume.id, { host_uuid: 'n1' });
    await client.deleteVolume(volume.id);
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')] });
    expect(sim.audit().auth).toEqual([]);
    await client.deleteHostByUuid('n1');
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('keeps long host ids working through a hashed comment', async () => {
    const { sim, client } = await startStack();
    const uuid = `node-${'x'.repeat(200)}`;
    const host = await client.upsertHost({
      uuid,
      iqns: [iqn('long')],
      chap_user: 'u'.repeat(60),
      chap_password: 'chap-secret-01',
    });
    expect(host.id).toMatch(/^sha256\.[0-9a-f]{32}$/);
    const volume = await client.createVolume({ name: 'pvc-long', size: 16 * MiB });
    await client.publishVolume(volume.id, { host_uuid: uuid });
    await client.unpublishVolume(volume.id, { host_uuid: uuid });
    await client.deleteVolume(volume.id);
    await client.deleteHost(host.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });
});
