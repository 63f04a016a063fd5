// Masking modes (SYNOLOGY_MASKING): what keeps one node's LUNs from other initiators, checked at
// the simulated iSCSI portal, plus the failures each mode must turn into clear answers without
// leaving anything on the NAS.
import { afterEach, describe, expect, it } from 'vitest';
import { failure } from './errors.js';
import { GiB, hostRequest, type Stack, type StackOptions, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const iqn = (node: string) => `iqn.1993-08.org.debian:01:${node}`;
const H = 'SYNO.Core.ISCSI.Host';

async function start(options: StackOptions): Promise<Stack> {
  stack = await startStack(options);
  return stack;
}

/** Whether `node` sees the LUN of `serial` through `target`, whatever else happens at login. */
function sees(s: Stack, node: string, target: string, serial: string): boolean {
  try {
    const seen = s.sim.portalLogin({ initiatorIqn: iqn(node), targetIqn: target }).some((l) => l.wwid === serial);
    s.sim.portalLogout(iqn(node), target);
    return seen;
  } catch {
    return false;
  }
}

describe('csp-synology masking with DSM 7 host objects (SYNOLOGY_MASKING=hosts, the default)', () => {
  it('grants each node exactly its LUNs, revokes on unpublish, and leaves no LUN reachable after the last host', async () => {
    const s = await start({ sim: { ownerObjects: true } });
    const { client, sim } = s;
    await client.upsertHost(hostRequest('node-a'));
    await client.upsertHost(hostRequest('node-b'));
    const shared = await client.createVolume({ name: 'pvc-shared', size: GiB });
    const own = await client.createVolume({ name: 'pvc-own', size: GiB });
    const a = (await client.publishVolume(shared.id, { host_uuid: 'node-a' })).target_names[0] as string;
    await client.publishVolume(own.id, { host_uuid: 'node-a' });
    const b = (await client.publishVolume(shared.id, { host_uuid: 'node-b' })).target_names[0] as string;
    const hosts = (await s.sim.audit()).hosts;
    expect(hosts.map((h) => [h.initiators, h.luns])).toEqual([
      [[iqn('node-a')], 2],
      [[iqn('node-b')], 1],
    ]);
    expect(sees(s, 'node-a', a, own.serial_number as string)).toBe(true);
    expect(sees(s, 'node-b', a, own.serial_number as string)).toBe(false);
    expect(sees(s, 'node-b', b, shared.serial_number as string)).toBe(true);
    expect(sees(s, 'intruder', a, shared.serial_number as string)).toBe(false);
    expect(sees(s, 'intruder', b, shared.serial_number as string)).toBe(false);

    await client.unpublishVolume(shared.id, { host_uuid: 'node-b' });
    expect(sees(s, 'node-b', a, shared.serial_number as string)).toBe(false);
    expect(sees(s, 'node-a', a, shared.serial_number as string)).toBe(true);
    await client.unpublishVolume(shared.id, { host_uuid: 'node-a' });
    await client.unpublishVolume(own.id, { host_uuid: 'node-a' });
    const targets = [...sim.state.targets.values()];
    expect(targets.filter((t) => t.mapped.has(shared.id.split('~')[1] as string))).toEqual([]);
    expect((await sim.audit()).targets).toEqual([]);
    expect((await sim.audit()).hosts).toEqual([]);
    // The administrator's own host object was never touched.
    expect([...sim.state.hosts.values()].map((h) => h.name)).toEqual(['esxi-01']);
    await client.deleteVolume(shared.id);
    await client.deleteVolume(own.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('enforces a read-only publish on the NAS for that node only, and claims read_only_publish', async () => {
    const s = await start({});
    expect((await s.client.capabilities())?.features.read_only_publish).toBe(true);
    const volume = await s.client.createVolume({ name: 'pvc-1', size: GiB });
    await s.client.upsertHost(hostRequest('node-a'));
    await s.client.upsertHost(hostRequest('node-b'));
    const a = (await s.client.publishVolume(volume.id, { host_uuid: 'node-a', read_only: true })).target_names[0];
    await s.client.publishVolume(volume.id, { host_uuid: 'node-b' });
    const view = (node: string) =>
      s.sim.portalLogin({ initiatorIqn: iqn(node), targetIqn: a as string }).map((l) => l.readOnly);
    expect(view('node-a')).toEqual([true]);
    s.sim.portalLogout(iqn('node-a'), a as string);
    expect(view('node-b')).toEqual([false]);
    s.sim.portalLogout(iqn('node-b'), a as string);
    await s.client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await s.client.unpublishVolume(volume.id, { host_uuid: 'node-b' });
    await s.client.deleteVolume(volume.id);
    expect((await s.sim.audit()).leaks).toEqual([]);
  });

  it('follows a node whose initiators change, and finds its host object again after a CSP restart', async () => {
    const s = await start({});
    const volume = await s.client.createVolume({ name: 'pvc-1', size: GiB });
    await s.client.upsertHost(hostRequest('node-a'));
    await s.client.publishVolume(volume.id, { host_uuid: 'node-a' });
    s.csp.provider.shared.hostIds.clear();
    await s.client.upsertHost(hostRequest('node-a', { iqns: [iqn('node-a-new'), iqn('node-a-2')] }));
    const info = await s.client.publishVolume(volume.id, { host_uuid: 'node-a' });
    const [host] = (await s.sim.audit()).hosts;
    expect(host?.initiators.sort()).toEqual([iqn('node-a-2'), iqn('node-a-new')]);
    expect(sees(s, 'node-a', info.target_names[0] as string, volume.serial_number as string)).toBe(false);
    expect(sees(s, 'node-a-new', info.target_names[0] as string, volume.serial_number as string)).toBe(true);
    // Removed in DSM behind the CSP's back: the next publish creates it again.
    s.sim.state.hosts.clear();
    await s.client.publishVolume(volume.id, { host_uuid: 'node-a' });
    expect((await s.sim.audit()).hosts).toHaveLength(1);
    await s.client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await s.client.deleteVolume(volume.id);
    expect((await s.sim.audit()).leaks).toEqual([]);
  });

  it('answers 501 naming SYNOLOGY_MASKING on a NAS without host objects, and leaves nothing behind', async () => {
    for (const sim of [{ absentApis: [H] }, { absentMethods: [`${H}.lun_acl_masks_set`] }]) {
      const s = await start({ sim });
      const volume = await s.client.createVolume({ name: 'pvc-1', size: GiB });
      await s.client.upsertHost(hostRequest('node-a'));
      const refused = await failure(s.client.publishVolume(volume.id, { host_uuid: 'node-a' }));
      expect(refused?.status).toBe(501);
      expect(refused?.message).toMatch(/SYNOLOGY_MASKING=hosts.*SYNOLOGY_MASKING=chap/);
      expect((await s.client.getVolume(volume.id)).published).toBe(false);
      await s.client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
      await s.client.deleteHostByUuid('node-a');
      await s.client.deleteVolume(volume.id);
      expect((await s.sim.audit()).leaks).toEqual([]);
      await s.close();
      stack = undefined;
    }
  });

  it('undoes a grant whose answer was lost, so the failed publish exposes nothing', async () => {
    const s = await start({});
    const volume = await s.client.createVolume({ name: 'pvc-1', size: GiB });
    await s.client.upsertHost(hostRequest('node-a'));
    s.sim.failNext(1, 'lose-answer', /lun_acl_masks_set/);
    expect((await failure(s.client.publishVolume(volume.id, { host_uuid: 'node-a' })))?.status).toBe(503);
    expect((await s.sim.audit()).leaks).toEqual([`LUN k8s-pvc-1 (${volume.id.split('~')[1]})`]);
    const info = await s.client.publishVolume(volume.id, { host_uuid: 'node-a' });
    expect(info.lun_id).toBe(1);
    await s.client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await s.client.deleteVolume(volume.id);
    expect((await s.sim.audit()).leaks).toEqual([]);
  });
});

describe('csp-synology masking with CHAP (SYNOLOGY_MASKING=chap)', () => {
  it('refuses hosts without CHAP before touching the NAS, and admits only the node CHAP otherwise', async () => {
    const s = await start({ csp: { masking: 'chap' } });
    expect((await s.client.capabilities())?.features.read_only_publish).toBe(false);
    const volume = await s.client.createVolume({ name: 'pvc-1', size: GiB });
    await s.client.upsertHost(hostRequest('node-a'));
    const refused = await failure(s.client.publishVolume(volume.id, { host_uuid: 'node-a' }));
    expect(refused?.status).toBe(400);
    expect(refused?.message).toMatch(/without CHAP.*SYNOLOGY_MASKING=chap/);
    expect((await s.sim.audit()).leaks).toEqual([`LUN k8s-pvc-1 (${volume.id.split('~')[1]})`]);
    const chap = { user: 'node-a', password: 'node-a-secret' };
    await s.client.upsertHost(hostRequest('node-a', { chap_user: chap.user, chap_password: chap.password }));
    const target = (await s.client.publishVolume(volume.id, { host_uuid: 'node-a' })).target_names[0] as string;
    expect((await s.sim.audit()).hosts).toEqual([]);
    expect(sees(s, 'intruder', target, volume.serial_number as string)).toBe(false);
    expect(s.sim.portalLogin({ initiatorIqn: iqn('node-a'), targetIqn: target, chap })).toHaveLength(1);
    s.sim.portalLogout(iqn('node-a'), target);
    await s.client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await s.client.deleteVolume(volume.id);
    expect((await s.sim.audit()).leaks).toEqual([]);
  });
});

describe('csp-synology without masking (SYNOLOGY_MASKING=none)', () => {
  it('publishes without isolation: any initiator reaching the portal sees the LUN', async () => {
    const s = await start({ csp: { masking: 'none' } });
    const volume = await s.client.createVolume({ name: 'pvc-1', size: GiB });
    await s.client.upsertHost(hostRequest('node-a'));
    const target = (await s.client.publishVolume(volume.id, { host_uuid: 'node-a' })).target_names[0] as string;
    expect((await s.sim.audit()).hosts).toEqual([]);
    expect(sees(s, 'anyone', target, volume.serial_number as string)).toBe(true);
    await s.client.unpublishVolume(volume.id, { host_uuid: 'node-a' });
    await s.client.deleteVolume(volume.id);
    expect((await s.sim.audit()).leaks).toEqual([]);
  });
});
