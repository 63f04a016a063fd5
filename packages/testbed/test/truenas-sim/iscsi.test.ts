import { describe, expect, it } from 'vitest';
import { IscsiLoginError } from '../../src/truenas/index.js';
import { createZvol, simWithClient } from './fixture.js';

type Row = Record<string, unknown> & { id: number };

describe('truenas-sim iSCSI', () => {
  it('enforces target name rules', async () => {
    const { rpc } = await simWithClient();
    const upper = await rpc.fail('iscsi.target.create', [{ name: 'Bad_Name' }]);
    expect(upper.data?.extra).toEqual([
      [
        'iscsi_target_create.name',
        'Value error, Name can only contain lowercase alphanumeric charactersplus dot (.), dash (-), and colon (:)',
        22,
      ],
    ]);
    const long = await rpc.fail('iscsi.target.create', [{ name: 'a'.repeat(121) }]);
    expect(long.data?.extra).toEqual([['iscsi_target_create.name', 'String should have at most 120 characters', 22]]);
    await rpc.call('iscsi.target.create', [{ name: 'a'.repeat(120) }]);
    await rpc.call('iscsi.target.create', [{ name: 'dup' }]);
    const dup = await rpc.fail('iscsi.target.create', [{ name: 'dup' }]);
    expect(dup.data?.extra).toEqual([['iscsi_target_create.name', 'Target with this name already exists', 22]]);
    const badPortal = await rpc.fail('iscsi.target.create', [{ name: 'p', groups: [{ portal: 9 }] }]);
    expect(badPortal.data?.extra).toEqual([
      ['iscsi_target_create.groups.0.portal', '9 Portal not found in database', 22],
    ]);
    const chap = await rpc.fail('iscsi.target.create', [{ name: 'p', groups: [{ portal: 1, authmethod: 'CHAP' }] }]);
    expect(chap.data?.extra).toEqual([
      ['iscsi_target_create.groups.0.auth', 'Authentication group is required for CHAP and CHAP Mutual', 22],
    ]);
  });

  it('validates extents: disk, names (64 chars, flattened), serials, NAA', async () => {
    const { rpc } = await simWithClient();
    await createZvol(rpc, 'tank/k8s/v1');
    await createZvol(rpc, 'tank/k8s/v2');
    const noZvol = await rpc.fail('iscsi.extent.create', [{ name: 'x', disk: 'tank/k8s/v1' }]);
    expect(noZvol.data?.extra).toEqual([['iscsi_extent_create.disk', 'Disk name must start with "zvol/"', 22]]);
    const missing = await rpc.fail('iscsi.extent.create', [{ name: 'x', disk: 'zvol/tank/k8s/none' }]);
    expect(missing.data?.extra).toEqual([
      ['iscsi_extent_create.disk', "Device '/dev/zvol/tank/k8s/none' for volume 'tank/k8s/none' does not exist", 22],
    ]);
    const long = await rpc.fail('iscsi.extent.create', [{ name: 'x'.repeat(65), disk: 'zvol/tank/k8s/v1' }]);
    expect(long.data?.extra).toEqual([['iscsi_extent_create.name', 'String should have at most 64 characters', 22]]);
    const extent = await rpc.call<Row & { naa: string; serial: string; disk: string }>('iscsi.extent.create', [
      { name: 'vol.one', disk: 'zvol/tank/k8s/v1' },
    ]);
    expect(extent.naa).toMatch(/^0x6589cfc000000[0-9a-f]{19}$/);
    expect(extent.serial).toMatch(/^[0-9a-f]{15}$/);
    expect(extent.disk).toBe('zvol/tank/k8s/v1');
    expect(extent.vendor).toBe('TrueNAS');
    const inUse = await rpc.fail('iscsi.extent.create', [{ name: 'other', disk: 'zvol/tank/k8s/v1' }]);
    expect(inUse.data?.extra).toEqual([['iscsi_extent_create.disk', 'Disk currently in use by extent vol.one', 22]]);
    const flat = await rpc.fail('iscsi.extent.create', [{ name: 'vol_one', disk: 'zvol/tank/k8s/v2' }]);
    expect(flat.data?.extra).toEqual([
      ['iscsi_extent_create.name', 'Extent name must be unique when flattened (vol.one)', 22],
    ]);
    const serial = await rpc.fail('iscsi.extent.create', [
      { name: 'v2', disk: 'zvol/tank/k8s/v2', serial: 's'.repeat(21) },
    ]);
    expect(serial.data?.extra).toEqual([
      ['iscsi_extent_create.serial', 'Extent serial can not exceed 20 characters', 22],
    ]);
    const dupSerial = await rpc.fail('iscsi.extent.create', [
      { name: 'v2', disk: 'zvol/tank/k8s/v2', serial: extent.serial },
    ]);
    expect(dupSerial.data?.extra).toEqual([['iscsi_extent_create.serial', 'Serial number must be unique', 22]]);
  });

  it('models the fresh-zvol device race', async () => {
    const { sim, rpc } = await simWithClient({ knobs: { zvolDeviceDelayMs: 60_000 } });
    await createZvol(rpc, 'tank/k8s/fresh');
    const early = await rpc.fail('iscsi.extent.create', [{ name: 'fresh', disk: 'zvol/tank/k8s/fresh' }]);
    expect(early.data?.reason).toMatch(/does not exist/);
    sim.core.zvolDeviceReadyAt.set('tank/k8s/fresh', 0);
    await rpc.call('iscsi.extent.create', [{ name: 'fresh', disk: 'zvol/tank/k8s/fresh' }]);
  });

  it('maps LUNs with automatic LUN ids and refuses reusing an extent', async () => {
    const { rpc } = await simWithClient();
    await createZvol(rpc, 'tank/k8s/a');
    await createZvol(rpc, 'tank/k8s/b');
    const ea = await rpc.call<Row>('iscsi.extent.create', [{ name: 'a', disk: 'zvol/tank/k8s/a' }]);
    const eb = await rpc.call<Row>('iscsi.extent.create', [{ name: 'b', disk: 'zvol/tank/k8s/b' }]);
    const t = await rpc.call<Row>('iscsi.target.create', [{ name: 't' }]);
    expect(await rpc.call('iscsi.targetextent.create', [{ target: t.id, extent: ea.id }])).toMatchObject({ lunid: 0 });
    expect(await rpc.call('iscsi.targetextent.create', [{ target: t.id, extent: eb.id }])).toMatchObject({ lunid: 1 });
    const again = await rpc.fail('iscsi.targetextent.create', [{ target: t.id, extent: ea.id, lunid: 5 }]);
    expect(again.data?.extra).toEqual([['iscsi_targetextent_create.extent', 'Extent is already in use.', 22]]);
  });

  it('reuses the id of the newest row after it is deleted', async () => {
    const { rpc } = await simWithClient();
    const first = await rpc.call<Row>('iscsi.initiator.create', [
      { initiators: ['iqn.2000-01.a:1'], comment: 'first' },
    ]);
    const second = await rpc.call<Row>('iscsi.initiator.create', [{ initiators: [], comment: 'second' }]);
    expect(second.id).toBe(first.id + 1);
    await rpc.call('iscsi.initiator.delete', [second.id]);
    const third = await rpc.call<Row>('iscsi.initiator.create', [{ comment: 'third' }]);
    expect(third.id).toBe(second.id);
    expect(third).toEqual({ id: second.id, initiators: [], comment: 'third' });
  });

  it('sets target groups to "any initiator" when their initiator group is deleted', async () => {
    const { sim, rpc } = await simWithClient();
    const group = await rpc.call<Row>('iscsi.initiator.create', [{ initiators: ['iqn.2000-01.a:allowed'] }]);
    const target = await rpc.call<Row>('iscsi.target.create', [
      { name: 't', groups: [{ portal: 1, initiator: group.id }] },
    ]);
    const iqn = `${sim.core.iscsi.global.basename}:t`;
    expect(() => sim.iscsiLogin({ target: iqn, initiator: 'iqn.2000-01.a:other' })).toThrow(IscsiLoginError);
    sim.iscsiLogin({ target: iqn, initiator: 'iqn.2000-01.a:allowed' });
    await rpc.call('iscsi.initiator.delete', [group.id]);
    const [after] = await rpc.call<Array<{ groups: unknown[] }>>('iscsi.target.query', [[['id', '=', target.id]]]);
    expect(after?.groups).toEqual([{ portal: 1, initiator: null, authmethod: 'NONE', auth: null }]);
    sim.iscsiLogin({ target: iqn, initiator: 'iqn.2000-01.a:other' });
    await rpc.call('iscsi.target.update', [target.id, { groups: [] }]);
    sim.iscsiLogout(iqn, 'iqn.2000-01.a:other');
    sim.iscsiLogout(iqn, 'iqn.2000-01.a:allowed');
    expect(() => sim.iscsiLogin({ target: iqn, initiator: 'iqn.2000-01.a:other' })).toThrow(/not offered/);
  });

  it('refuses to delete a target in use unless forced', async () => {
    const { sim, rpc } = await simWithClient();
    const target = await rpc.call<Row>('iscsi.target.create', [{ name: 'busy', groups: [{ portal: 1 }] }]);
    const iqn = `${sim.core.iscsi.global.basename}:busy`;
    sim.iscsiLogin({ target: iqn, initiator: 'iqn.2000-01.a:x' });
    const sessions = await rpc.call<Array<{ target: string }>>('iscsi.global.sessions');
    expect(sessions.map((s) => s.target)).toEqual([iqn]);
    const error = await rpc.fail('iscsi.target.delete', [target.id]);
    expect(error.code).toBe(-32001);
    expect(error.data).toMatchObject({ error: 14, errname: 'EFAULT', reason: '[EFAULT] Target busy is in use.' });
    expect(await rpc.call('iscsi.target.delete', [target.id, true])).toBe(true);
    expect(sim.core.iscsi.sessions).toEqual([]);
  });

  it('checks CHAP secrets and mutual CHAP at login', async () => {
    const { sim, rpc } = await simWithClient();
    const short = await rpc.fail('iscsi.auth.create', [{ tag: 1, user: 'u', secret: 'short' }]);
    expect(short.data?.extra).toEqual([
      ['iscsi_auth_create.secret', 'Secret must be between 12 and 16 characters.', 22],
    ]);
    await rpc.call('iscsi.auth.create', [
      { tag: 7, user: 'node', secret: 'secret-12345', peeruser: 'array', peersecret: 'peer-secret-99' },
    ]);
    await rpc.call('iscsi.target.create', [{ name: 'c', groups: [{ portal: 1, authmethod: 'CHAP_MUTUAL', auth: 7 }] }]);
    const iqn = `${sim.core.iscsi.global.basename}:c`;
    const base = { target: iqn, initiator: 'iqn.2000-01.a:n' };
    expect(() => sim.iscsiLogin({ ...base, chapUser: 'node', chapSecret: 'wrong-secret' })).toThrow(/CHAP/);
    expect(() => sim.iscsiLogin({ ...base, chapUser: 'node', chapSecret: 'secret-12345' })).toThrow(/CHAP/);
    sim.iscsiLogin({
      ...base,
      chapUser: 'node',
      chapSecret: 'secret-12345',
      mutualUser: 'array',
      mutualSecret: 'peer-secret-99',
    });
    const auth = await rpc.call<Array<{ id: number }>>('iscsi.auth.query');
    const inUse = await rpc.fail('iscsi.auth.delete', [auth[0]?.id]);
    expect(inUse.data?.reason).toMatch(/being used by following target/);
  });

  it('refuses to delete the last CHAP entry of a tag that targets use, naming each target group', async () => {
    const { sim, rpc } = await simWithClient({ portals: [{ ips: ['10.0.0.1'] }, { ips: ['10.0.1.1'] }] });
    const entry = (user: string) => ({ tag: 3, user, secret: 'secret-12345' });
    const first = await rpc.call<Row>('iscsi.auth.create', [entry('a')]);
    const second = await rpc.call<Row>('iscsi.auth.create', [entry('b')]);
    const groups = [1, 2].map((portal) => ({ portal, authmethod: 'CHAP', auth: 3 }));
    const target = await rpc.call<Row>('iscsi.target.create', [{ name: 'two-groups', groups }]);
    // Not the last entry of its tag: no check at all.
    expect(await rpc.call('iscsi.auth.delete', [first.id])).toBe(true);
    const refused = await rpc.fail('iscsi.auth.delete', [second.id]);
    const reason = `Authorized access of ${second.id} is being used by following target(s): ${target.id}, ${target.id}`;
    expect(refused.code).toBe(-32001);
    expect(refused.data).toMatchObject({ error: 14, errname: 'EFAULT', reason: `[EFAULT] ${reason}` });
    const moved = await rpc.fail('iscsi.auth.update', [second.id, { tag: 4 }]);
    expect(moved.data?.extra).toEqual([['iscsi_auth_update.tag', reason, 22]]);
    expect(sim.core.iscsi.auth.rows()).toHaveLength(1);
    await rpc.call('iscsi.target.delete', [target.id]);
    expect(await rpc.call('iscsi.auth.delete', [second.id])).toBe(true);
  });

  it('reports global config and portals', async () => {
    const { rpc } = await simWithClient({ portals: [{ ips: ['10.0.0.1', '10.0.1.1'], comment: 'opencsp' }] });
    expect(await rpc.call('iscsi.global.config')).toMatchObject({
      basename: 'iqn.2005-10.org.freenas.ctl',
      listen_port: 3260,
    });
    expect(await rpc.call('iscsi.portal.query', [[['comment', '=', 'opencsp']]])).toEqual([
      {
        id: 1,
        tag: 1,
        comment: 'opencsp',
        listen: [
          { ip: '10.0.0.1', port: 3260 },
          { ip: '10.0.1.1', port: 3260 },
        ],
      },
    ]);
  });
});
