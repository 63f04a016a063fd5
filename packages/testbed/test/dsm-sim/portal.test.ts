// The simulator's test-side views: who could reach a LUN through the portal (without opening a
// session), which sessions are open, and planned failures answered in DSM's own envelope.
import { afterEach, describe, expect, it } from 'vitest';
import { DsmSimulator } from '../../src/dsm/index.js';
import { api, call, code, GiB, q, sid } from './helpers.js';

let sim: DsmSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const H = 'SYNO.Core.ISCSI.Host';
const L = 'SYNO.Core.ISCSI.LUN';
const T = 'SYNO.Core.ISCSI.Target';
const node = (n: string) => `iqn.1993-08.org.debian:01:${n}`;
const chap = { user: 'k8s-node', password: 'chap-secret-01' };

async function start() {
  sim = await DsmSimulator.start({ knobs: { lockAfterCreateMs: 0, deleteDelayMs: 0 } });
  return { s: sim, session: await sid(sim) };
}

describe('DSM simulator portal views and planned DSM errors', () => {
  it('tells who could reach a LUN (mapping, target CHAP, host permissions) without opening a session', async () => {
    const { s, session } = await start();
    const { uuid } = await api(s, session, L, 'create', {
      name: q('l'),
      size: GiB,
      type: 'BLUN',
      location: '/volume1',
    });
    const lun = String(uuid);
    expect(s.lunReachable(lun, { initiatorIqn: node('a') })).toBe(false); // mapped nowhere
    const targetIqn = 'iqn.2000-01.com.synology:nas.t';
    const { target_id } = await api(s, session, T, 'create', {
      name: q('t'),
      iqn: q(targetIqn),
      auth_type: 1,
      user: q(chap.user),
      password: q(chap.password),
    });
    await api(s, session, L, 'map_target', { uuid: q(lun), target_ids: [String(target_id)] });
    expect(s.lunReachable(lun, { initiatorIqn: node('a') })).toBe(false); // no CHAP
    expect(s.lunReachable(lun, { initiatorIqn: node('a'), chap })).toBe(true); // DSM default privilege
    const { host_id } = await api(s, session, H, 'create', { name: q('a'), initiator_ids: [node('a')] });
    await api(s, session, H, 'lun_acl_masks_set', {
      host_id: q(String(host_id)),
      acls: [{ lun_uuid: lun, permission: 'rw' }],
    });
    expect(s.lunReachable(lun, { initiatorIqn: node('a'), chap })).toBe(true);
    expect(s.lunReachable(lun, { initiatorIqn: node('b'), chap })).toBe(false); // in no host
    expect(s.portalSessions()).toEqual([]);
    s.portalLogin({ initiatorIqn: node('a'), targetIqn, chap });
    expect(s.portalSessions()).toEqual([{ target: targetIqn, initiator: node('a') }]);
    s.portalLogout(node('a'), targetIqn);
    expect(s.portalSessions()).toEqual([]);
  });

  it('answers a planned call with a DSM error envelope and acts on nothing', async () => {
    const { s, session } = await start();
    s.failNext(1, { dsmError: 18990002 }, /^SYNO\.Core\.ISCSI\.LUN\.create$/);
    const lun = { name: q('l'), size: GiB, type: 'BLUN', location: '/volume1' };
    const refused = await call(s, { api: L, version: '1', method: 'create', ...lun }, { sid: session });
    expect(refused).toMatchObject({ status: 200, body: { success: false, error: { code: 18990002 } } });
    expect((await s.audit()).luns).toEqual([]);
    expect(await code(api(s, session, L, 'create', lun))).toBeUndefined();
    expect((await s.audit()).luns).toHaveLength(1);
  });
});
