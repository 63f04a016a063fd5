// The simulator's nvmet.* namespace against the middleware facts in docs/research/truenas-nvmet.md:
// validation texts, uniqueness, the force rules of deletes, SQL filters on the link tables, the
// zvol-delete cascade (namespace gone, subsystem left), and the target's access control.
import { describe, expect, it } from 'vitest';
import { NvmeConnectError } from '../../src/truenas/index.js';
import { createZvol, simWithClient } from './fixture.js';

type Row = Record<string, unknown> & { id: number };
const hostnqn = 'nqn.2014-08.org.nvmexpress:uuid:4c4c4544-0035-4b10-8044-b7c04f4d4e32';
const key = `DHHC-1:00:${Buffer.alloc(36, 7).toString('base64')}:`;
const ctrlKey = `DHHC-1:01:${Buffer.alloc(36, 9).toString('base64')}:`;

async function exported(rpc: Awaited<ReturnType<typeof simWithClient>>['rpc'], zvol: string, name: string) {
  await createZvol(rpc, zvol);
  const subsys = await rpc.call<Row & { subnqn: string }>('nvmet.subsys.create', [{ name }]);
  const ns = await rpc.call<Row>('nvmet.namespace.create', [
    { subsys_id: subsys.id, device_type: 'ZVOL', device_path: `zvol/${zvol}` },
  ]);
  return { subsys, ns };
}

describe('truenas-sim nvmet', () => {
  it('validates hosts: NQN rules, uniqueness, DH-CHAP key formats and the bidirectional rule', async () => {
    const { rpc } = await simWithClient();
    const bad = await rpc.fail('nvmet.host.create', [{ hostnqn: 'iqn.2005-10.org.freenas.ctl:x' }]);
    expect(bad.data?.extra).toEqual([
      ['nvmet_host_create.hostnqn', 'Value error, iqn.2005-10.org.freenas.ctl:x: must start with "nqn"', 22],
    ]);
    const shortUuid = await rpc.fail('nvmet.host.create', [{ hostnqn: 'nqn.2014-08.org.nvmexpress:uuid:1234' }]);
    expect(JSON.stringify(shortUuid.data?.extra)).toMatch(/uuid is incorrect length/);
    const host = await rpc.call<Row>('nvmet.host.create', [{ hostnqn, dhchap_key: key }]);
    expect(host).toMatchObject({ hostnqn, dhchap_key: key, dhchap_ctrl_key: null, dhchap_hash: 'SHA-256' });
    expect(host).not.toHaveProperty('description');
    const dup = await rpc.fail('nvmet.host.create', [{ hostnqn }]);
    expect(dup.data?.extra).toEqual([['nvmet_host_create.hostnqn', 'Object with this hostnqn already exists', 22]]);
    const other = 'nqn.2024-01.io.example:node-2';
    const format = await rpc.fail('nvmet.host.create', [{ hostnqn: other, dhchap_key: 'secret' }]);
    expect(format.data?.extra).toEqual([
      ['nvmet_host_create.dhchap_key', 'Unexpected key format. Use "nvme gen-dhchap-key" to generate.', 22],
    ]);
    const length = await rpc.fail('nvmet.host.create', [{ hostnqn: other, dhchap_key: 'DHHC-1:01:AAAA:' }]);
    expect(length.data?.extra).toEqual([['nvmet_host_create.dhchap_key', 'Expected key length of 32', 22]]);
    const oneWay = await rpc.fail('nvmet.host.create', [{ hostnqn: other, dhchap_ctrl_key: ctrlKey }]);
    expect(JSON.stringify(oneWay.data?.extra)).toMatch(/without setting dhchap_key/);
    const both = await rpc.call<Row>('nvmet.host.update', [host.id, { dhchap_ctrl_key: ctrlKey }]);
    expect(both.dhchap_ctrl_key).toBe(ctrlKey);
  });

  it('names subsystems under basenqn, keeps names unique and refuses ANA without HA', async () => {
    const { sim, rpc } = await simWithClient({ basenqn: 'nqn.2011-06.com.truenas:uuid:sim' });
    const subsys = await rpc.call<Row>('nvmet.subsys.create', [{ name: 'pvc-1' }]);
    expect(subsys).toMatchObject({
      name: 'pvc-1',
      subnqn: 'nqn.2011-06.com.truenas:uuid:sim:pvc-1',
      allow_any_host: false,
    });
    expect(subsys.serial).toMatch(/^[0-9a-f]{20}$/);
    const dup = await rpc.fail('nvmet.subsys.create', [{ name: 'pvc-1' }]);
    expect(dup.data?.extra).toEqual([['nvmet_subsys_create.name', 'Object with this name already exists', 22]]);
    const ana = await rpc.fail('nvmet.subsys.create', [{ name: 'x', ana: true }]);
    expect(JSON.stringify(ana.data?.extra)).toContain('nvmet_subsys_create.ana');
    expect(sim.core.nvmet.subsys.size).toBe(1);
  });

  it('exports a zvol once: path rules, the fresh-zvol race, NSIDs, and no sharing with iSCSI', async () => {
    const { sim, rpc } = await simWithClient({ knobs: { zvolDeviceDelayMs: 60_000 } });
    const subsys = await rpc.call<Row>('nvmet.subsys.create', [{ name: 's1' }]);
    await createZvol(rpc, 'tank/k8s/v1');
    const create = (extra: Record<string, unknown>) =>
      rpc.fail('nvmet.namespace.create', [{ subsys_id: subsys.id, device_type: 'ZVOL', ...extra }]);
    expect((await create({ device_path: 'tank/k8s/v1' })).data?.extra).toEqual([
      ['nvmet_namespace_create.device_path', 'ZVOL device_path must start with "zvol/": tank/k8s/v1', 22],
    ]);
    expect((await create({ device_path: 'zvol/tank/k8s/v1' })).data?.extra).toEqual([
      ['nvmet_namespace_create.device_path', 'ZVOL device_path must be a block device: zvol/tank/k8s/v1', 22],
    ]);
    sim.setKnobs({ zvolDeviceDelayMs: 0 });
    sim.core.zvolDeviceReadyAt.clear();
    const ns = await rpc.call<Row & { subsys: Row }>('nvmet.namespace.create', [
      { subsys_id: subsys.id, device_type: 'ZVOL', device_path: 'zvol/tank/k8s/v1' },
    ]);
    expect(ns).toMatchObject({ nsid: 1, device_type: 'ZVOL', enabled: true, locked: false });
    expect(ns.subsys.id).toBe(subsys.id);
    expect(ns.device_uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(ns.device_nguid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await create({ device_path: 'zvol/tank/k8s/v1' })).data?.extra).toEqual([
      ['nvmet_namespace_create.device_path', 'This device_path already used by subsystem: s1', 22],
    ]);
    const extent = await rpc.fail('iscsi.extent.create', [{ name: 'e1', disk: 'zvol/tank/k8s/v1' }]);
    expect(extent.data?.extra).toEqual([
      ['iscsi_extent_create.disk', 'Disk currently in use by NVMe-oF subsystem s1 NSID 1', 22],
    ]);
    await createZvol(rpc, 'tank/k8s/v2');
    await rpc.call('iscsi.extent.create', [{ name: 'e2', disk: 'zvol/tank/k8s/v2' }]);
    expect((await create({ device_path: 'zvol/tank/k8s/v2' })).data?.extra).toEqual([
      ['nvmet_namespace_create.device_path', 'This device_path already used by iSCSI extent: e2', 22],
    ]);
    await createZvol(rpc, 'tank/k8s/v3');
    expect((await create({ device_path: 'zvol/tank/k8s/v3', nsid: 1 })).data?.extra).toEqual([
      ['nvmet_namespace_create.nsid', `This record already exists (Subsystem ID: ${subsys.id}/NSID: 1)`, 22],
    ]);
    const second = await rpc.call<Row>('nvmet.namespace.create', [
      { subsys_id: subsys.id, device_type: 'ZVOL', device_path: 'zvol/tank/k8s/v3' },
    ]);
    expect(second.nsid).toBe(2);
  });

  it('refuses to delete a subsystem with namespaces or ports, unless forced; force drops every link', async () => {
    const { sim, rpc } = await simWithClient();
    const { subsys } = await exported(rpc, 'tank/k8s/v1', 's1');
    const host = await rpc.call<Row>('nvmet.host.create', [{ hostnqn }]);
    await rpc.call('nvmet.host_subsys.create', [{ host_id: host.id, subsys_id: subsys.id }]);
    await rpc.call('nvmet.port_subsys.create', [{ port_id: 1, subsys_id: subsys.id }]);
    const refused = await rpc.fail('nvmet.subsys.delete', [subsys.id]);
    expect(refused.data?.extra).toEqual([
      ['nvmet_subsys_delete.id', 'Subsystem s1 contains 1 namespace: 1', 22],
      ['nvmet_subsys_delete.id', 'Subsystem s1 visible on 1 port', 22],
    ]);
    const hostInUse = await rpc.fail('nvmet.host.delete', [host.id]);
    expect(hostInUse.data?.extra).toEqual([['nvmet_host_delete.id', `Host ${hostnqn} used by 1 subsystem: s1`, 22]]);
    const portInUse = await rpc.fail('nvmet.port.delete', [1]);
    expect(portInUse.data?.extra).toEqual([['nvmet_port_delete.id', 'Port #1 used by 1 subsystem: s1', 22]]);
    expect(await rpc.call('nvmet.subsys.delete', [subsys.id, { force: true }])).toBe(true);
    const { nvmet } = sim.core;
    expect([nvmet.namespaces.size, nvmet.hostSubsys.size, nvmet.portSubsys.size, nvmet.subsys.size]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(await rpc.call('nvmet.host.delete', [host.id])).toBe(true);
  });

  it('checks link ends and duplicates, and filters links in SQL by the joined ids', async () => {
    const { sim, rpc } = await simWithClient();
    const { subsys } = await exported(rpc, 'tank/k8s/v1', 's1');
    const host = await rpc.call<Row>('nvmet.host.create', [{ hostnqn }]);
    const missing = await rpc.fail('nvmet.host_subsys.create', [{ host_id: 99, subsys_id: subsys.id }]);
    expect(missing.data?.extra).toEqual([['nvmet_host_subsys_create.host_id', 'No host with ID 99', 22]]);
    const link = await rpc.call<Row & { host: Row; subsys: Row }>('nvmet.host_subsys.create', [
      { host_id: host.id, subsys_id: subsys.id },
    ]);
    expect(link.host.hostnqn).toBe(hostnqn);
    expect(link.subsys.name).toBe('s1');
    const dup = await rpc.fail('nvmet.host_subsys.create', [{ host_id: host.id, subsys_id: subsys.id }]);
    expect(dup.data?.extra).toEqual([
      [
        'nvmet_host_subsys_create.host_id',
        `This record already exists (Host ID: ${host.id}/Subsystem ID: ${subsys.id})`,
        22,
      ],
    ]);
    const before = sim.core.scans.nvmetQueryRows;
    const found = await rpc.call<Row[]>('nvmet.host_subsys.query', [
      [
        ['subsys.id', '=', subsys.id],
        ['host.id', 'in', [host.id]],
      ],
    ]);
    expect(found.map((r) => r.id)).toEqual([link.id]);
    expect(sim.core.scans.nvmetQueryRows - before).toBe(1);
    // A joined field is the raw column of the other table: `host.hostnqn` is a KeyError there too.
    const raw = await rpc.fail('nvmet.host_subsys.query', [[['host.hostnqn', '=', hostnqn]]]);
    expect(raw.data?.reason).toBe("'hostnqn'");
    const byHost = await rpc.call<Row[]>('nvmet.host.query', [
      [['hostnqn', '=', hostnqn]],
      { force_sql_filters: true },
    ]);
    expect(byHost).toHaveLength(1);
  });

  it('on zvol delete removes the namespace but leaves the subsystem and its links, as the middleware does', async () => {
    const { sim, rpc } = await simWithClient();
    const { subsys } = await exported(rpc, 'tank/k8s/v1', 's1');
    await rpc.call('nvmet.port_subsys.create', [{ port_id: 1, subsys_id: subsys.id }]);
    await rpc.call('pool.dataset.delete', ['tank/k8s/v1', { recursive: true }]);
    const audit = sim.audit();
    expect(audit.nvmetNamespaces).toEqual([]);
    expect(audit.nvmetSubsystems.map((s) => s.name)).toEqual(['s1']);
    expect(audit.nvmetPortLinks).toHaveLength(1);
  });

  it('validates ports and lists the two default TCP ports', async () => {
    const { rpc } = await simWithClient();
    const ports = await rpc.call<Row[]>('nvmet.port.query', [[['addr_trtype', '=', 'TCP']]]);
    expect(ports.map((p) => [p.index, p.addr_traddr, p.addr_trsvcid, p.addr_adrfam])).toEqual([
      [1, '127.0.0.1', 4420, 'IPV4'],
      [2, '127.0.0.2', 4420, 'IPV4'],
    ]);
    const dup = await rpc.fail('nvmet.port.create', [{ addr_trtype: 'TCP', addr_traddr: '127.0.0.1' }]);
    expect(dup.data?.extra).toEqual([
      ['nvmet_port_create.addr_traddr', 'There already is a port using the same transport and address', 22],
    ]);
    const low = await rpc.fail('nvmet.port.create', [{ addr_trtype: 'TCP', addr_traddr: '::1', addr_trsvcid: 80 }]);
    expect(low.data?.extra).toEqual([
      ['nvmet_port_create.addr_trsvcid', 'Input should be greater than or equal to 1024', 22],
    ]);
    const v6 = await rpc.call<Row>('nvmet.port.create', [
      { addr_trtype: 'TCP', addr_traddr: '::1', addr_trsvcid: 4421 },
    ]);
    expect(v6).toMatchObject({ index: 3, addr_adrfam: 'IPV6', addr_trsvcid: 4421 });
  });

  it('admits only linked hosts on offered ports, checks DH-CHAP, and reports sessions', async () => {
    const { sim, rpc } = await simWithClient();
    const { subsys } = await exported(rpc, 'tank/k8s/v1', 's1');
    const connect = (extra: Partial<Parameters<typeof sim.nvmeConnect>[0]> = {}) =>
      sim.nvmeConnect({ subnqn: subsys.subnqn, hostnqn, traddr: '127.0.0.1', ...extra });
    expect(connect).toThrow(/is not offered on 127.0.0.1:4420/);
    await rpc.call('nvmet.port_subsys.create', [{ port_id: 1, subsys_id: subsys.id }]);
    expect(connect).toThrow(/is not allowed to access/);
    const host = await rpc.call<Row>('nvmet.host.create', [{ hostnqn, dhchap_key: key, dhchap_ctrl_key: ctrlKey }]);
    await rpc.call('nvmet.host_subsys.create', [{ host_id: host.id, subsys_id: subsys.id }]);
    expect(() => connect()).toThrow(NvmeConnectError);
    expect(() => connect({ dhchapKey: key, dhchapCtrlKey: key })).toThrow(/bidirectional DH-CHAP/);
    const ctrl = connect({ dhchapKey: key, dhchapCtrlKey: ctrlKey });
    expect(connect({ dhchapKey: key })).toBe(ctrl);
    expect(() => connect({ traddr: '127.0.0.2', dhchapKey: key })).toThrow(/not offered/);
    const sessions = await rpc.call<Row[]>('nvmet.global.sessions', [[['subsys_id', '=', subsys.id]]]);
    expect(sessions).toEqual([{ hostnqn, host_traddr: '127.0.0.1', subsys_id: subsys.id, port_id: 1, ctrl }]);
    sim.nvmeDisconnect(subsys.subnqn as string, hostnqn);
    expect(await rpc.call('nvmet.global.sessions', [])).toEqual([]);
    expect(sim.backingFile({ subnqn: subsys.subnqn as string, nsid: 1 })).toBe(
      sim.backingFile({ dataset: 'tank/k8s/v1' }),
    );
  });
});
