import { afterEach, describe, expect, it } from 'vitest';
import { DsmSimulator, type DsmSimulatorOptions } from '../../src/dsm/index.js';
import { api, call, code, GiB, q, sid } from './helpers.js';

let sim: DsmSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: DsmSimulatorOptions = {}): Promise<{ s: DsmSimulator; session: string }> {
  sim = await DsmSimulator.start({ knobs: { lockAfterCreateMs: 0, deleteDelayMs: 0 }, ...options });
  return { s: sim, session: await sid(sim) };
}

const H = 'SYNO.Core.ISCSI.Host';
const L = 'SYNO.Core.ISCSI.LUN';
const T = 'SYNO.Core.ISCSI.Target';
const node = (n: string) => `iqn.1993-08.org.debian:01:${n}`;
const targetIqn = 'iqn.2000-01.com.synology:nas.t';

async function lunOnTarget(s: DsmSimulator, session: string, name: string, targetId: number): Promise<string> {
  const { uuid } = await api(s, session, L, 'create', { name: q(name), size: GiB, type: 'BLUN', location: '/volume1' });
  await api(s, session, L, 'map_target', { uuid: q(String(uuid)), target_ids: [String(targetId)] });
  return String(uuid);
}

describe('SYNO.Core.ISCSI.Host (DSM 7 host objects)', () => {
  it('creates, finds, edits and deletes hosts; host_id travels as a JSON string', async () => {
    const { s, session } = await start();
    const { host_id } = await api(s, session, H, 'create', { name: q('node-a'), initiator_ids: [node('a')] });
    expect(typeof host_id).toBe('number');
    const id = q(String(host_id));
    expect((await api(s, session, H, 'get', { host_id: id, additional: ['acls'] })).host).toEqual({
      host_id,
      name: 'node-a',
      description: '',
      initiator_ids: [node('a')],
      acls: [],
    });
    expect(await code(api(s, session, H, 'get', { host_id: String(host_id) }))).toBe(18990710);
    expect(await code(api(s, session, H, 'get', { host_id: q('999') }))).toBe(18990004);
    expect(await code(api(s, session, H, 'create', { name: q('node-a') }))).toBe(18990597);
    expect(await code(api(s, session, H, 'create', { name: q('bad'), initiator_ids: ['not an iqn'] }))).toBe(18990598);
    await api(s, session, H, 'map_initiator', { host_id: id, initiator_ids: [node('a2'), node('a')] });
    await api(s, session, H, 'unmap_initiator', { host_id: id, initiator_ids: [node('a')] });
    await api(s, session, H, 'set', { host_id: id, description: q('worker') });
    const listed = (await api(s, session, H, 'list', {})).hosts as Record<string, unknown>[];
    expect(listed).toEqual([{ host_id, name: 'node-a', description: 'worker', initiator_ids: [node('a2')] }]);
    await api(s, session, H, 'delete', { host_id: id });
    expect((await api(s, session, H, 'list', {})).hosts).toEqual([]);
  });

  it('decides LUN visibility at the portal from host permissions, with DSM default privilege for unmentioned LUNs', async () => {
    const { s, session } = await start();
    const { target_id } = await api(s, session, T, 'create', { name: q('t'), iqn: q(targetIqn), max_sessions: 0 });
    const open = await lunOnTarget(s, session, 'open', Number(target_id));
    const secret = await lunOnTarget(s, session, 'secret', Number(target_id));
    const seen = (iqn: string) => s.portalLogin({ initiatorIqn: iqn, targetIqn }).map((l) => [l.lunUuid, l.readOnly]);
    expect(seen(node('anyone'))).toEqual([
      [open, false],
      [secret, false],
    ]);
    const { host_id } = await api(s, session, H, 'create', { name: q('a'), initiator_ids: [node('a')] });
    const id = q(String(host_id));
    await api(s, session, H, 'lun_acl_masks_set', { host_id: id, acls: [{ lun_uuid: secret, permission: 'ro' }] });
    expect(seen(node('a'))).toEqual([
      [open, false],
      [secret, true],
    ]);
    expect(seen(node('intruder'))).toEqual([[open, false]]);
    await api(s, session, H, 'lun_acl_masks_set', { host_id: id, acls: [{ lun_uuid: secret, permission: 'none' }] });
    expect(seen(node('a'))).toEqual([[open, false]]);
    await api(s, session, H, 'lun_acl_masks_set', { host_id: id, acls: [{ lun_uuid: open, permission: 'none' }] });
    expect(() => seen(node('a'))).toThrow(/masked out/);
    const host = (await api(s, session, H, 'get', { host_id: id, additional: ['acls'] })).host as { acls: unknown[] };
    expect(host.acls).toEqual([
      { lun_uuid: secret, permission: 'none' },
      { lun_uuid: open, permission: 'none' },
    ]);
    const bad = { host_id: id, acls: [{ lun_uuid: secret, permission: 'write' }] };
    expect(await code(api(s, session, H, 'lun_acl_masks_set', bad))).toBe(18990598);
    const missing = { host_id: id, acls: [{ lun_uuid: '00000000-0000-0000-0000-000000000000', permission: 'rw' }] };
    expect(await code(api(s, session, H, 'lun_acl_masks_set', missing))).toBe(18990531);
    await api(s, session, L, 'delete', { uuid: q(secret) });
    const after = (await api(s, session, H, 'get', { host_id: id, additional: ['acls'] })).host as { acls: unknown[] };
    expect(after.acls).toEqual([{ lun_uuid: open, permission: 'none' }]);
    await api(s, session, H, 'delete', { host_id: id });
    expect(seen(node('anyone'))).toEqual([[open, false]]);
    const report = await s.audit();
    expect(report.hosts).toEqual([]);
  });

  it('finds the backing file of a published LUN by serial, LUN uuid or target and LUN number', async () => {
    const { s, session } = await start();
    const { target_id } = await api(s, session, T, 'create', { name: q('t'), iqn: q(targetIqn) });
    const uuid = await lunOnTarget(s, session, 'data', Number(target_id));
    const [visible] = s.portalLogin({ initiatorIqn: node('a'), targetIqn });
    const file = s.backingFile({ lunUuid: uuid });
    expect(file).toBe(visible?.backingFile);
    expect(s.backingFile({ serial: String(visible?.wwid).toUpperCase() })).toBe(file);
    expect(s.backingFile({ target: targetIqn, lun: 1 })).toBe(file);
    expect(s.backingFile({ target: targetIqn, lun: 2 })).toBeUndefined();
    expect(s.backingFile({ serial: 'ffff' })).toBeUndefined();
  });

  it('plays a NAS without host objects (DSM 6: 102) or without one method (103), and audits host leaks', async () => {
    const { s, session } = await start({ absentMethods: [`${H}.lun_acl_masks_set`] });
    const { host_id } = await api(s, session, H, 'create', { name: q('leak') });
    expect(await code(api(s, session, H, 'lun_acl_masks_set', { host_id: q(String(host_id)), acls: [] }))).toBe(103);
    expect((await s.audit()).leaks).toEqual(['host leak (id 1, 0 LUN permission(s))']);
    await s.close();
    const old = await start({ absentApis: [H] });
    expect(await code(api(old.s, old.session, H, 'list', {}))).toBe(102);
    const info = await call(
      old.s,
      { api: 'SYNO.API.Info', version: '1', method: 'query', query: 'all' },
      {
        cgi: 'query.cgi',
      },
    );
    expect(Object.keys(info.body.data ?? {})).not.toContain(H);
  });
});
