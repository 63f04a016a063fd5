// csp-truenas over NVMe/TCP against the simulator's nvmet.* namespace: one subsystem per volume
// that admits nobody until publish, hosts linked and unlinked (proven by the simulated connect),
// DH-CHAP from the host registration, a clean array after delete and after failures, lookups
// whose cost does not grow with the number of volumes, and the refusals that keep iSCSI and NVMe
// apart.
import type { PublishInfo } from '@opencsp/csp-spec';
import { CspHttpError } from '@opencsp/csp-spec/client';
import { describe, expect, it } from 'vitest';
import { auditIsEmpty } from '../../src/truenas/index.js';
import { iqn, MiB, type Stack, startStack } from './stack.js';

const nqn = (node: string) => `nqn.2014-08.io.opencsp.test:${node}`;
const key = `DHHC-1:00:${Buffer.alloc(36, 1).toString('base64')}:`;
const ctrlKey = `DHHC-1:00:${Buffer.alloc(36, 2).toString('base64')}:`;

async function failure(work: Promise<unknown>) {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CspHttpError)) {
    throw new Error(`expected an HTTP error, got ${String(err)}`);
  }
  return { status: err.status, reason: err.reason, message: err.detail };
}

function connect(
  stack: Stack,
  info: PublishInfo,
  node: string,
  extra: { dhchapKey?: string; dhchapCtrlKey?: string } = {},
) {
  return stack.sim.nvmeConnect({
    subnqn: info.target_names[0] as string,
    hostnqn: nqn(node),
    traddr: '127.0.0.1',
    ...extra,
  });
}

describe('csp-truenas over NVMe/TCP', () => {
  it('exports a volume as a closed subsystem, admits exactly the published hosts, and leaves nothing behind', async () => {
    const stack = await startStack();
    const { sim, client } = stack;
    const caps = await client.capabilities();
    expect(caps?.access_protocols).toEqual(['iscsi', 'nvmetcp']);
    expect(caps?.features.dhchap).toBe(true);
    await client.upsertHost({ uuid: 'node-1', iqns: [iqn('node-1')], nqns: [nqn('node-1')] });
    await client.upsertHost({ uuid: 'node-2', nqns: [nqn('node-2')] });

    const volume = await client.createVolume({ name: 'pvc-nvme', size: 64 * MiB, access_protocol: 'nvmetcp' });
    expect(volume).toMatchObject({ access_protocol: 'nvmetcp', published: false });
    expect(volume.serial_number).toMatch(/^[0-9a-f]{32}$/);
    const [subsys] = sim.core.nvmet.subsys.rows();
    expect(subsys).toMatchObject({ name: 'pvc-nvme', allow_any_host: false });
    const [ns] = sim.core.nvmet.namespaces.rows();
    expect(ns).toMatchObject({ nsid: 1, device_path: 'zvol/tank/k8s/pvc-nvme', subsys_id: subsys?.id });
    expect(sim.core.nvmet.portSubsys.rows().map((l) => l.port_id)).toEqual([1, 2]);
    expect(sim.core.iscsi.extents.size).toBe(0);

    const info = await client.publishVolume(volume.id, { host_uuid: 'node-1', access_protocol: 'nvmetcp' });
    expect(info).toEqual({
      serial_number: volume.serial_number,
      access_protocol: 'nvmetcp',
      lun_id: 1,
      target_names: [`${sim.core.nvmet.global.basenqn}:pvc-nvme`],
      discovery_ips: ['127.0.0.1', '127.0.0.2'],
      target_scope: 'volume',
      namespace_uuid: ns?.device_uuid,
      dhchap: 'none',
    });
    expect(info.serial_number).toBe(ns?.device_nguid.replaceAll('-', ''));
    expect(await client.publishVolume(volume.id, { host_uuid: 'node-1' })).toEqual(info);
    connect(stack, info, 'node-1');
    expect(() => connect(stack, info, 'node-2')).toThrow(/not allowed/);
    expect(sim.backingFile({ subnqn: info.target_names[0] as string, nsid: 1 })).toBe(
      sim.backingFile({ nguid: info.serial_number }),
    );

    await client.publishVolume(volume.id, { host_uuid: 'node-2' });
    connect(stack, info, 'node-2');
    await client.unpublishVolume(volume.id, { host_uuid: 'node-2' });
    sim.nvmeDisconnect(info.target_names[0] as string, nqn('node-2'));
    expect(() => connect(stack, info, 'node-2')).toThrow(/not allowed/);
    expect(await failure(client.deleteHost('node-1'))).toMatchObject({ status: 409 });

    expect(await failure(client.deleteVolume(volume.id))).toMatchObject({ status: 400, reason: 'PUBLISHED' });
    await client.unpublishVolume(volume.id, { host_uuid: 'node-1' });
    expect(await failure(client.deleteVolume(volume.id))).toMatchObject({ status: 503, reason: 'UNAVAILABLE' });
    sim.nvmeDisconnect(info.target_names[0] as string, nqn('node-1'));
    await client.deleteVolume(volume.id);
    await client.deleteHostByUuid('node-1');
    await client.deleteHostByUuid('node-2');
    expect(sim.audit()).toMatchObject({ nvmetHosts: [], nvmetSubsystems: [], nvmetNamespaces: [] });
    expect(auditIsEmpty(sim.audit())).toBe(true);
  });

  it('keeps DH-CHAP keys on the array host, enforced at connect, changed and cleared by re-registering', async () => {
    const stack = await startStack();
    const { sim, client } = stack;
    const host = await client.upsertHost({
      uuid: 'node-1',
      nqns: [nqn('node-1')],
      dhchap_key: key,
      dhchap_ctrl_key: ctrlKey,
    });
    expect(host).toMatchObject({ nqns: [nqn('node-1')], dhchap: true });
    expect(JSON.stringify(await client.listHosts())).not.toContain(key.slice(10, 30));
    const volume = await client.createVolume({ name: 'pvc-auth', size: 64 * MiB, access_protocol: 'nvmetcp' });
    const info = await client.publishVolume(volume.id, { host_uuid: 'node-1' });
    expect(info.dhchap).toBe('bidirectional');
    expect(() => connect(stack, info, 'node-1')).toThrow(/DH-CHAP/);
    expect(() => connect(stack, info, 'node-1', { dhchapKey: key, dhchapCtrlKey: key })).toThrow(/bidirectional/);
    connect(stack, info, 'node-1', { dhchapKey: key, dhchapCtrlKey: ctrlKey });
    sim.nvmeDisconnect(info.target_names[0] as string, nqn('node-1'));

    await client.upsertHost({ uuid: 'node-1', nqns: [nqn('node-1')], dhchap_key: ctrlKey });
    expect(sim.core.nvmet.hosts.rows()[0]).toMatchObject({ dhchap_key: ctrlKey, dhchap_ctrl_key: null });
    expect((await client.publishVolume(volume.id, { host_uuid: 'node-1' })).dhchap).toBe('host');
    await client.upsertHost({ uuid: 'node-1', nqns: [nqn('node-1')] });
    expect((await client.publishVolume(volume.id, { host_uuid: 'node-1' })).dhchap).toBe('none');
    connect(stack, info, 'node-1');
    sim.nvmeDisconnect(info.target_names[0] as string, nqn('node-1'));

    await client.upsertHost({ uuid: 'node-1', nqns: [nqn('node-1b')] });
    expect(sim.core.nvmet.hosts.rows().map((h) => h.hostnqn)).toEqual([nqn('node-1'), nqn('node-1b')]);
    await client.unpublishVolume(volume.id, { host_uuid: 'node-1' });
    await client.deleteVolume(volume.id);
    await client.deleteHostByUuid('node-1');
    expect(auditIsEmpty(sim.audit())).toBe(true);
  });

  it('keeps iSCSI and NVMe apart and refuses what cannot be served', async () => {
    const { sim, client } = await startStack();
    await client.upsertHost({ uuid: 'nvme-only', nqns: [nqn('nvme-only')] });
    await client.upsertHost({ uuid: 'iscsi-only', iqns: [iqn('iscsi-only')] });
    const scsi = await client.createVolume({ name: 'pvc-scsi', size: 64 * MiB });
    const nvme = await client.createVolume({ name: 'pvc-nvme', size: 64 * MiB, access_protocol: 'nvmetcp' });
    const wrong = await failure(client.publishVolume(scsi.id, { host_uuid: 'nvme-only', access_protocol: 'nvmetcp' }));
    expect(wrong).toMatchObject({ status: 400 });
    expect(wrong.message).toMatch(/access_protocol.*created for iscsi/);
    expect(
      await failure(client.publishVolume(nvme.id, { host_uuid: 'iscsi-only', access_protocol: 'iscsi' })),
    ).toMatchObject({
      status: 400,
    });
    // An iSCSI access group of a host without IQNs would admit every initiator: refused.
    const open = await failure(client.publishVolume(scsi.id, { host_uuid: 'nvme-only' }));
    expect(open.message).toMatch(/host_uuid.*no iSCSI initiator name/);
    expect((await failure(client.publishVolume(nvme.id, { host_uuid: 'iscsi-only' }))).message).toMatch(
      /no NVMe host NQN/,
    );
    expect(
      (await failure(client.createVolume({ name: 'pvc-fc', size: 64 * MiB, access_protocol: 'fc' }))).message,
    ).toMatch(/access_protocol/);
    expect(sim.core.iscsi.targets.rows().every((t) => t.groups.length === 0)).toBe(true);
    expect(sim.core.nvmet.hostSubsys.size).toBe(0);
    await client.deleteVolume(scsi.id);
    await client.deleteVolume(nvme.id);
    await client.deleteHostByUuid('nvme-only');
    await client.deleteHostByUuid('iscsi-only');
    expect(auditIsEmpty(sim.audit())).toBe(true);
  });

  it('without NVMe ports lists iscsi only and refuses nvmetcp and DH-CHAP with 400 naming the field', async () => {
    const { sim, client } = await startStack({ sim: { nvmePorts: [] } });
    const caps = await client.capabilities();
    expect(caps?.access_protocols).toEqual(['iscsi']);
    expect(caps?.features.dhchap).toBe(false);
    const create = await failure(client.createVolume({ name: 'pvc-x', size: 64 * MiB, access_protocol: 'nvmetcp' }));
    expect(create).toMatchObject({ status: 400 });
    expect(create.message).toMatch(
      /access_protocol: nvmetcp is not available: the array has no enabled NVMe-oF TCP port/,
    );
    const dhchap = await failure(client.upsertHost({ uuid: 'n', nqns: [nqn('n')], dhchap_key: key }));
    expect(dhchap.message).toMatch(/dhchap_key/);
    expect(auditIsEmpty(sim.audit())).toBe(true);
  });

  it('undoes a half-made exposure when the array fails, and resumes an interrupted create', async () => {
    const { sim, client } = await startStack({ sim: { knobs: { zvolDeviceDelayMs: 150 } } });
    sim.failNext('nvmet.port_subsys.create', { errno: 'EIO', message: 'configfs write failed' });
    expect(
      await failure(client.createVolume({ name: 'pvc-a', size: 64 * MiB, access_protocol: 'nvmetcp' })),
    ).toMatchObject({
      status: 500,
    });
    expect(auditIsEmpty(sim.audit())).toBe(true);
    sim.failNext('pool.dataset.update', { errno: 'EIO', message: 'lost on the way' });
    await failure(client.createVolume({ name: 'pvc-b', size: 64 * MiB, access_protocol: 'nvmetcp' }));
    expect(auditIsEmpty(sim.audit())).toBe(true);
    const made = await client.createVolume({ name: 'pvc-c', size: 64 * MiB, access_protocol: 'nvmetcp' });
    await client.deleteVolume(made.id);
    expect(auditIsEmpty(sim.audit())).toBe(true);
  });

  it("records each host's read-only access and counts a host's volumes over iSCSI and NVMe/TCP for its limit", async () => {
    const { sim, client } = await startStack();
    const caps = await client.capabilities();
    expect(caps?.features).toMatchObject({ read_only_per_host: true, host_volume_limit: true });
    await client.upsertHost({ uuid: 'node-1', iqns: [iqn('node-1')], nqns: [nqn('node-1')] });
    const nvme = await client.createVolume({ name: 'pvc-ro', size: 64 * MiB, access_protocol: 'nvmetcp' });
    await client.publishVolume(nvme.id, { host_uuid: 'node-1', read_only: true });
    expect(await failure(client.publishVolume(nvme.id, { host_uuid: 'node-1', read_only: false }))).toMatchObject({
      status: 409,
      reason: 'ACCESS_MISMATCH',
    });
    // The same access again is the same publish.
    await client.publishVolume(nvme.id, { host_uuid: 'node-1', read_only: true, host_volume_limit: 1 });
    const iscsi = await client.createVolume({ name: 'pvc-iscsi', size: 64 * MiB });
    expect(await failure(client.publishVolume(iscsi.id, { host_uuid: 'node-1', host_volume_limit: 1 }))).toMatchObject({
      status: 507,
      reason: 'LIMIT_EXCEEDED',
    });
    await client.publishVolume(iscsi.id, { host_uuid: 'node-1', host_volume_limit: 2 });
    const third = await client.createVolume({ name: 'pvc-third', size: 64 * MiB, access_protocol: 'nvmetcp' });
    expect(await failure(client.publishVolume(third.id, { host_uuid: 'node-1', host_volume_limit: 2 }))).toMatchObject({
      status: 507,
    });
    expect(sim.core.nvmet.hostSubsys.rows()).toHaveLength(1);
    await client.unpublishVolume(nvme.id, { host_uuid: 'node-1' });
    // Unpublished, the host's read-only record is gone with it: read-write is a new publish.
    await client.publishVolume(nvme.id, { host_uuid: 'node-1' });
    for (const v of [nvme, iscsi, third]) {
      await client.deleteVolume(v.id, { force: true });
    }
    await client.deleteHostByUuid('node-1');
    expect(auditIsEmpty(sim.audit())).toBe(true);
  });

  it("reports each NVMe/TCP publish's node id in published_nodes, as for iSCSI", async () => {
    const { sim, client } = await startStack();
    expect((await client.capabilities())?.features).toMatchObject({ published_nodes: true });
    for (const node of ['node-1', 'node-2']) {
      await client.upsertHost({ uuid: node, iqns: [iqn(node)], nqns: [nqn(node)] });
    }
    const volume = await client.createVolume({ name: 'pvc-nodes', size: 64 * MiB, access_protocol: 'nvmetcp' });
    await client.publishVolume(volume.id, { host_uuid: 'node-1', node_id: 'node-1;csi-id' });
    await client.publishVolume(volume.id, { host_uuid: 'node-2' });
    expect((await client.getVolume(volume.id)).published_nodes?.sort()).toEqual(['node-1;csi-id', 'node-2']);
    await client.unpublishVolume(volume.id, { host_uuid: 'node-1' });
    expect((await client.getVolume(volume.id)).published_nodes).toEqual(['node-2']);
    await client.deleteVolume(volume.id, { force: true });
    for (const node of ['node-1', 'node-2']) {
      await client.deleteHostByUuid(node);
    }
    expect(auditIsEmpty(sim.audit())).toBe(true);
  });

  it('publishes and unpublishes with the same calls and rows read at 2 and at 30 volumes', async () => {
    const stack = await startStack();
    const { sim, client } = stack;
    await client.upsertHost({ uuid: 'node-1', nqns: [nqn('node-1')] });
    const measure = async (name: string) => {
      const volume = await client.createVolume({ name, size: 64 * MiB, access_protocol: 'nvmetcp' });
      const rows = () => sim.core.scans.nvmetQueryRows + sim.core.scans.iscsiQueryRows;
      const before = rows();
      const publish = await sim.calls.measure(() => client.publishVolume(volume.id, { host_uuid: 'node-1' }));
      const unpublish = await sim.calls.measure(() => client.unpublishVolume(volume.id, { host_uuid: 'node-1' }));
      return { publish: publish.calls, unpublish: unpublish.calls, rows: rows() - before };
    };
    const small = await measure('probe-small');
    for (let i = 0; i < 28; i++) {
      const v = await client.createVolume({ name: `filler-${i}`, size: 64 * MiB, access_protocol: 'nvmetcp' });
      await client.publishVolume(v.id, { host_uuid: 'node-1' });
    }
    const large = await measure('probe-large');
    expect(large).toEqual(small);
  }, 120_000);
});
