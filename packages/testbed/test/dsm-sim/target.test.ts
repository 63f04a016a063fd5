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

const T = 'SYNO.Core.ISCSI.Target';
const iqn = (n: string) => `iqn.2000-01.com.synology:nas.${n}`;

describe('SYNO.Core.ISCSI.Target', () => {
  it('creates targets with DSM defaults and finds them by id (JSON string only) or by name', async () => {
    const { s, session } = await start();
    const { target_id } = await api(s, session, T, 'create', { name: q('t1'), iqn: q(iqn('t1')) });
    expect(typeof target_id).toBe('number');
    const got = (
      await api(s, session, T, 'get', { target_id: q(String(target_id)), additional: ['mapped_lun', 'acls'] })
    ).target;
    expect(got).toMatchObject({
      name: 't1',
      max_sessions: 1,
      auth_type: 0,
      mapped_luns: [],
      acls: [{ iqn: 'iqn.2000-01.com.synology:default.acl', permission: 'rw' }],
      password: '',
    });
    expect(await code(api(s, session, T, 'get', { target_id: String(target_id) }))).toBe(18990710);
    expect((await api(s, session, T, 'get', { target_id: q('t1') })).target).toMatchObject({ target_id });
    expect(await code(api(s, session, T, 'create', { name: q('t1'), iqn: q(iqn('other')) }))).toBe(18990744);
  });

  it('validates CHAP settings and never returns secrets', async () => {
    const { s, session } = await start();
    expect(
      await code(
        api(s, session, T, 'create', {
          name: q('c'),
          iqn: q(iqn('c')),
          auth_type: 1,
          user: q('u'),
          password: q('short'),
        }),
      ),
    ).toBe(18990708);
    const { target_id } = await api(s, session, T, 'create', {
      name: q('c'),
      iqn: q(iqn('c')),
      auth_type: 1,
      user: q('u'),
      password: q('twelve-chars'),
    });
    const shown = (await api(s, session, T, 'get', { target_id: q(String(target_id)) })).target;
    expect(shown).toMatchObject({ auth_type: 1, user: 'u', password: '' });
    expect(await code(api(s, session, T, 'set', { target_id: q(String(target_id)), auth_type: 2 }))).toBe(18990708);
  });

  it('enforces the model target ceiling, counting targets the cluster does not own', async () => {
    const { s, session } = await start({ model: 'DS223', ownerObjects: true });
    await api(s, session, T, 'create', { name: q('one'), iqn: q(iqn('one')) });
    expect(await code(api(s, session, T, 'create', { name: q('two'), iqn: q(iqn('two')) }))).toBe(18990542);
  });

  it('maps LUNs with reused mapping indexes, filters by LUN and applies CHAP and max_sessions at the portal', async () => {
    const { s, session } = await start();
    const { target_id } = await api(s, session, T, 'create', { name: q('t'), iqn: q(iqn('t')) });
    const luns: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const created = await api(s, session, 'SYNO.Core.ISCSI.LUN', 'create', {
        name: q(name),
        size: GiB,
        type: 'BLUN',
        location: '/volume1',
      });
      luns.push(String(created.uuid));
      await api(s, session, 'SYNO.Core.ISCSI.LUN', 'map_target', {
        uuid: q(String(created.uuid)),
        target_ids: [String(target_id)],
      });
    }
    await api(s, session, 'SYNO.Core.ISCSI.LUN', 'unmap_target', {
      uuid: q(luns[1] as string),
      target_ids: [target_id],
    });
    const d = await api(s, session, 'SYNO.Core.ISCSI.LUN', 'create', {
      name: q('d'),
      size: GiB,
      type: 'BLUN',
      location: '/volume1',
    });
    await api(s, session, 'SYNO.Core.ISCSI.LUN', 'map_target', { uuid: q(String(d.uuid)), target_ids: [target_id] });
    const mapped = (
      (await api(s, session, T, 'get', { target_id: q(String(target_id)), additional: ['mapped_lun'] })).target as {
        mapped_luns: { lun_uuid: string; mapping_index: number }[];
      }
    ).mapped_luns;
    expect(mapped.find((m) => m.lun_uuid === d.uuid)?.mapping_index).toBe(2);
    expect(((await api(s, session, T, 'list', { lun_uuid: q(luns[0] as string) })).targets as unknown[]).length).toBe(
      1,
    );
    expect(((await api(s, session, T, 'list', { lun_uuid: q(luns[1] as string) })).targets as unknown[]).length).toBe(
      0,
    );

    const host = 'iqn.1993-08.org.debian:01:host1';
    expect(s.portalLogin({ initiatorIqn: host, targetIqn: iqn('t') }).map((l) => l.mappingIndex)).toEqual([1, 2, 3]);
    expect(() => s.portalLogin({ initiatorIqn: 'iqn.1993-08.org.debian:01:host2', targetIqn: iqn('t') })).toThrow(
      /allows 1 session/,
    );
    s.portalLogout(host, iqn('t'));
    await api(s, session, T, 'set', {
      target_id: q(String(target_id)),
      max_sessions: 0,
      auth_type: 1,
      user: q('node'),
      password: q('twelve-chars'),
    });
    expect(() => s.portalLogin({ initiatorIqn: host, targetIqn: iqn('t') })).toThrow(/CHAP/);
    const chap = { user: 'node', password: 'twelve-chars' };
    expect(s.portalLogin({ initiatorIqn: 'iqn.1993-08.org.debian:01:host2', targetIqn: iqn('t'), chap })).toHaveLength(
      3,
    );
    const seen = s.portalLogin({
      initiatorIqn: host,
      targetIqn: iqn('t'),
      chap: { user: 'node', password: 'twelve-chars' },
    });
    expect(seen[0]?.wwid).toMatch(/^6001405[0-9a-f]{25}$/);
    await api(s, session, T, 'delete', { target_id: q(String(target_id)) });
    expect(await code(api(s, session, T, 'get', { target_id: q(String(target_id)) }))).toBe(18990004);
  });
});

describe('system, volumes, faults and audit', () => {
  it('reports model, serial, hostname and ceilings', async () => {
    const { s, session } = await start({ model: 'DS223', serial: 'SIM123', hostname: 'tiny' });
    expect(await api(s, session, 'SYNO.Core.System', 'info')).toMatchObject({ model: 'DS223', serial: 'SIM123' });
    expect(await api(s, session, 'SYNO.Core.System', 'info', { type: q('network') })).toMatchObject({
      hostname: 'tiny',
    });
    expect(await api(s, session, 'SYNO.Core.System', 'info', { type: q('define') })).toMatchObject({
      max_iscsiluns: '4',
      max_iscsitrgs: '2',
    });
    const volumes = (
      await api(s, session, 'SYNO.Core.Storage.Volume', 'list', { offset: 0, limit: -1, location: q('all') })
    ).volumes as { fs_type: string; size_free_byte: unknown }[];
    expect(volumes.map((v) => v.fs_type)).toEqual(['btrfs', 'ext4']);
    expect(typeof volumes[0]?.size_free_byte).toBe('string');
  });

  it('injects latency-free faults: HTML errors, 503 and dropped connections', async () => {
    const { s, session } = await start();
    s.faults.set({ errorRate: 1 });
    const answer = await call(s, { api: 'SYNO.Core.ISCSI.LUN', version: '1', method: 'list' }, { sid: session });
    expect(answer.status).toBe(500);
    s.faults.set({ errorRate: 0, busyRate: 1 });
    expect((await call(s, { api: 'SYNO.Core.ISCSI.LUN', version: '1', method: 'list' }, { sid: session })).status).toBe(
      503,
    );
    s.faults.set({ busyRate: 0, dropRate: 1, methods: /ISCSI/ });
    await expect(
      call(s, { api: 'SYNO.Core.ISCSI.LUN', version: '1', method: 'list' }, { sid: session }),
    ).rejects.toThrow();
    expect(
      (await call(s, { api: 'SYNO.Core.System', version: '1', method: 'info' }, { sid: session })).body.success,
    ).toBe(true);
  });

  it('audits what was created since the baseline, including orphaned backing files', async () => {
    const { s, session } = await start({ ownerObjects: true });
    expect((await s.audit()).leaks).toEqual([]);
    const created = await api(s, session, 'SYNO.Core.ISCSI.LUN', 'create', {
      name: q('leak'),
      size: GiB,
      type: 'BLUN',
      location: '/volume1',
    });
    await api(s, session, T, 'create', { name: q('leak-t'), iqn: q(iqn('leak-t')) });
    const report = await s.audit();
    expect(report.luns.map((l) => l.name)).toEqual(['leak']);
    expect(report.targets.map((t) => t.name)).toEqual(['leak-t']);
    await api(s, session, 'SYNO.Core.ISCSI.LUN', 'delete', { uuid: q(String(created.uuid)) });
    await api(s, session, T, 'delete', { target_id: q('leak-t') });
    await s.state.backing.create('stray', 1);
    expect((await s.audit()).leaks).toEqual(['backing file stray.img without a LUN or snapshot']);
    await s.state.backing.remove('stray');
    const remote = await fetch(`${s.url}/_sim/audit`);
    expect(((await remote.json()) as { leaks: string[] }).leaks).toEqual([]);
  });
});
