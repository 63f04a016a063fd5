// A host's CHAP settings change while volumes are published to it over CHAP (issue 12, fuzz seed
// 1626178998 request 771): the driver registers the node before every publish with the CHAP of
// that volume's StorageClass secret, so one node goes from CHAP to none and back as volumes of
// two classes are published to it. The update succeeds, and the targets published before keep
// admitting the node with the user it logged in with until they are unpublished.
import { describe, expect, it } from 'vitest';
import { iqn, MiB, startStack } from './stack.js';

const chap = { chap_user: 'k8s-node', chap_password: 'chap-secret-01' };
const secret = 'chap-secret-01';

describe('csp-truenas CHAP changes of a host with published volumes', () => {
  it('keeps the entry of a user a host dropped while its CHAP volumes stay published', async () => {
    const { sim, client } = await startStack();
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')], ...chap });
    const volume = await client.createVolume({ name: 'pvc-chap', size: 16 * MiB });
    const target = (await client.publishVolume(volume.id, { host_uuid: 'n1' })).target_names[0] as string;

    // Today's code deleted the last entry of the tag here; TrueNAS refused and the CSP answered 500.
    const host = await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')] });
    expect(host.chap_user).toBeUndefined();
    expect(sim.audit().auth.map((a) => a.user)).toEqual(['k8s-node']);
    sim.iscsiLogin({ target, initiator: iqn('n1'), chapUser: 'k8s-node', chapSecret: secret });
    sim.iscsiLogout(target, iqn('n1'));

    // A volume published now goes without CHAP.
    const plain = await client.createVolume({ name: 'pvc-plain', size: 16 * MiB });
    const info = await client.publishVolume(plain.id, { host_uuid: 'n1' });
    expect(info.chap_user).toBeUndefined();
    sim.iscsiLogin({ target: info.target_names[0] as string, initiator: iqn('n1') });
    sim.iscsiLogout(info.target_names[0] as string, iqn('n1'));

    // The host cannot go while the CHAP volume is still published; the entry goes with the volume.
    expect(await client.deleteHostByUuid('n1').catch((e: { status?: number }) => e.status)).toBe(409);
    await client.unpublishVolume(plain.id, { host_uuid: 'n1' });
    expect(sim.audit().auth).toHaveLength(1);
    await client.unpublishVolume(volume.id, { host_uuid: 'n1' });
    expect(sim.audit().auth).toEqual([]);
    expect(sim.audit().initiators.map((g) => g.comment)).toEqual(['opencsp:host:n1']);
    await client.deleteVolume(volume.id);
    await client.deleteVolume(plain.id);
    await client.deleteHostByUuid('n1');
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('keeps the old users working when a host changes users, and drops them with the volume', async () => {
    const { sim, client } = await startStack();
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')], ...chap });
    const volume = await client.createVolume({ name: 'pvc-old-user', size: 16 * MiB });
    const target = (await client.publishVolume(volume.id, { host_uuid: 'n1' })).target_names[0] as string;
    await client.upsertHost({
      uuid: 'n1',
      iqns: [iqn('n1')],
      chap_user: 'k8s-node-2',
      chap_password: 'chap-secret-02',
    });
    await client.upsertHost({
      uuid: 'n1',
      iqns: [iqn('n1')],
      chap_user: 'k8s-node-3',
      chap_password: 'chap-secret-03',
    });
    // The array cannot tell which user the node logged in with: every user the host had while the
    // volume was published stays.
    expect(sim.audit().auth.map((a) => a.user)).toEqual(['k8s-node', 'k8s-node-2', 'k8s-node-3']);
    sim.iscsiLogin({ target, initiator: iqn('n1'), chapUser: 'k8s-node', chapSecret: secret });
    sim.iscsiLogout(target, iqn('n1'));
    await client.unpublishVolume(volume.id, { host_uuid: 'n1' });
    expect(sim.audit().auth.map((a) => a.user)).toEqual(['k8s-node-3']);
    await client.deleteVolume(volume.id);
    await client.deleteHostByUuid('n1');
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('keeps the user while volumes use initiator names the host no longer has', async () => {
    const { sim, client } = await startStack();
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('old')], ...chap });
    const volume = await client.createVolume({ name: 'pvc-old-iqn', size: 16 * MiB });
    const target = (await client.publishVolume(volume.id, { host_uuid: 'n1' })).target_names[0] as string;
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('new')], ...chap });
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('new')] });
    sim.iscsiLogin({ target, initiator: iqn('old'), chapUser: 'k8s-node', chapSecret: secret });
    sim.iscsiLogout(target, iqn('old'));
    expect(await client.deleteHostByUuid('n1').catch((e: { status?: number }) => e.status)).toBe(409);
    await client.unpublishVolume(volume.id, { host_uuid: 'n1' });
    expect(sim.audit().auth).toEqual([]);
    await client.deleteVolume(volume.id);
    await client.deleteHostByUuid('n1');
    expect(sim.auditIsEmpty()).toBe(true);
  });
});
