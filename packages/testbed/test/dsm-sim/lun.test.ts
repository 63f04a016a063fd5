import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DsmSimulator, type DsmSimulatorOptions } from '../../src/dsm/index.js';
import { api, code, GiB, head, q, sid } from './helpers.js';

let sim: DsmSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: DsmSimulatorOptions = {}): Promise<{ s: DsmSimulator; session: string }> {
  sim = await DsmSimulator.start({
    knobs: { lockAfterCreateMs: 0, lockAfterCloneMs: 0, deleteDelayMs: 0 },
    ...options,
  });
  return { s: sim, session: await sid(sim) };
}

const LUN = 'SYNO.Core.ISCSI.LUN';
const lun = (s: DsmSimulator, session: string, method: string, params: Record<string, unknown> = {}) =>
  api(s, session, LUN, method, params);
const create = (s: DsmSimulator, session: string, name: string, extra: Record<string, unknown> = {}) =>
  lun(s, session, 'create', { name: q(name), size: GiB, type: 'BLUN', location: '/volume1', ...extra });

describe('SYNO.Core.ISCSI.LUN create/get/list', () => {
  it('creates a LUN with a sparse backing file and finds it by uuid or by name', async () => {
    const { s, session } = await start();
    const created = await create(s, session, 'k8s-a', { dev_attribs: [{ dev_attrib: 'can_snapshot', enable: 1 }] });
    expect(created.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const byName = await lun(s, session, 'get', {
      uuid: q('k8s-a'),
      additional: ['is_action_locked', 'allocated_size'],
    });
    expect(byName.lun).toMatchObject({
      uuid: created.uuid,
      type: 263,
      type_str: 'BLUN',
      size: GiB,
      is_action_locked: false,
    });
    expect((byName.lun as { vpd_unit_sn: string }).vpd_unit_sn).toBe(created.uuid);
    const byUuid = await lun(s, session, 'get', { uuid: q(String(created.uuid)) });
    expect(byUuid.lun).not.toHaveProperty('allocated_size');
    expect((byUuid.lun as { dev_attribs: unknown[] }).dev_attribs).toContainEqual({
      dev_attrib: 'can_snapshot',
      enable: 1,
    });
    const listed = await lun(s, session, 'list', { types: ['FILE'] });
    expect(listed.luns).toEqual([]);
    expect(((await lun(s, session, 'list', { types: ['BLUN'] })).luns as unknown[]).length).toBe(1);
  });

  it('matches LUN types to the volume filesystem and refuses retired types', async () => {
    const { s, session } = await start();
    expect(await code(create(s, session, 'a', { type: 'ADV' }))).toBe(18990318);
    expect(await code(create(s, session, 'b', { location: '/volume2' }))).toBe(18990318);
    expect(await code(create(s, session, 'c', { type: 'BLOCK' }))).toBe(18990500);
    await create(s, session, 'd', { type: 'ADV', location: '/volume2' });
    await create(s, session, 'e', { type: 'FILE', location: '/volume2' });
  });

  it('applies the name rules: illegal characters, duplicates, and long names that are refused yet created', async () => {
    const { s, session } = await start();
    expect(await code(create(s, session, 'has_underscore'))).toBe(18990503);
    await create(s, session, 'dup');
    expect(await code(create(s, session, 'dup'))).toBe(18990538);
    const long = 'x'.repeat(230);
    expect(await code(create(s, session, long))).toBe(18990068);
    expect(((await lun(s, session, 'get', { uuid: q(long) })).lun as { name: string }).name).toBe(long);
    // 256 characters: refused cleanly as an illegal name, nothing created (jt docs/TESTING.md).
    expect(await code(create(s, session, 'y'.repeat(256)))).toBe(18990503);
    expect(await code(lun(s, session, 'get', { uuid: q('y'.repeat(256)) }))).toBe(18990531);
  });

  it('JSON-decodes parameters: an unquoted numeric description is refused with 18990403', async () => {
    const { s, session } = await start();
    expect(await code(create(s, session, 'n', { description: '2024' }))).toBe(18990403);
    await create(s, session, 'n', { description: q('2024') });
    expect(((await lun(s, session, 'get', { uuid: q('n') })).lun as { description: string }).description).toBe('2024');
  });

  it('enforces space for thick LUNs and the model LUN ceiling, reporting free bytes as strings', async () => {
    const { s, session } = await start({
      model: 'DS223',
      volumes: [{ path: '/volume1', fsType: 'btrfs', sizeBytes: 10 * GiB }],
    });
    expect(await code(create(s, session, 'big', { type: 'BLUN_THICK', size: 11 * GiB }))).toBe(18990002);
    await create(s, session, 'thick', { type: 'BLUN_THICK', size: 4 * GiB });
    const volume = (await api(s, session, 'SYNO.Core.Storage.Volume', 'get', { volume_path: q('/volume1') })).volume;
    expect(volume).toMatchObject({
      size_total_byte: String(10 * GiB),
      size_free_byte: String(6 * GiB),
      fs_type: 'btrfs',
    });
    for (const name of ['a', 'b', 'c']) {
      await create(s, session, name);
    }
    expect(await code(create(s, session, 'fifth'))).toBe(18990541);
    expect(await code(api(s, session, 'SYNO.Core.Storage.Volume', 'get', { volume_path: q('/volume9') }))).toBe(117);
  });
});

describe('SYNO.Core.ISCSI.LUN lifecycle', () => {
  // jt-pve-storage-synology docs/TESTING.md @9a96fa3 ("is_action_locked after a create"): the flag
  // clears after about a second, and a delete issued right after the create succeeded; synology-csi
  // maps a new LUN to its target right after creating it. DSM documents no code for "locked".
  it('reports a new LUN is_action_locked for a while but lets it be resized and deleted at once', async () => {
    const { s, session } = await start({
      knobs: { lockAfterCreateMs: 10_000, lockAfterResizeMs: 10_000, deleteDelayMs: 0 },
    });
    await create(s, session, 'locked');
    const get = async () =>
      (
        (await lun(s, session, 'get', { uuid: q('locked'), additional: ['is_action_locked'] })).lun as {
          is_action_locked: boolean;
        }
      ).is_action_locked;
    expect(await get()).toBe(true);
    await lun(s, session, 'set', { uuid: q('locked'), new_size: 2 * GiB });
    expect(await get()).toBe(true);
    await lun(s, session, 'delete', { uuid: q('locked') });
    expect(await code(lun(s, session, 'get', { uuid: q('locked') }))).toBe(18990531);
  });

  it('deletes asynchronously and reuses LUN numbers', async () => {
    const { s, session } = await start({ knobs: { lockAfterCreateMs: 0, deleteDelayMs: 100 } });
    const a = await create(s, session, 'a');
    const b = await create(s, session, 'b');
    expect([a.lun_id, b.lun_id]).toEqual([0, 1]);
    await lun(s, session, 'delete', { uuid: q(String(a.uuid)) });
    const during = (await lun(s, session, 'get', { uuid: q('a'), additional: ['status'] })).lun as { status: string };
    expect(during.status).toBe('deleting');
    await new Promise((r) => setTimeout(r, 150));
    expect(await code(lun(s, session, 'get', { uuid: q('a') }))).toBe(18990531);
    expect((await create(s, session, 'c')).lun_id).toBe(0);
    expect((await s.audit()).orphanFiles).toEqual([]);
  });

  it('clones a LUN with its data and records the family', async () => {
    const { s, session } = await start();
    const src = await create(s, session, 'src', { dev_attribs: [{ dev_attrib: 'can_snapshot', enable: 1 }] });
    const file = s.state.backing.path(`lun-${String(src.uuid)}`);
    await writeFile(file, 'hello', { flag: 'r+' });
    const clone = await lun(s, session, 'clone', {
      src_lun_uuid: q(String(src.uuid)),
      dst_lun_name: q('copy'),
      dst_location: q('/volume1'),
    });
    const copy = (await lun(s, session, 'get', { uuid: q(String(clone.dst_lun_uuid)), additional: ['family_config'] }))
      .lun as Record<string, unknown>;
    expect(copy.family_config).toMatchObject({ parent_lun_uuid: src.uuid, parent_snapshot_uuid: '' });
    expect(await head(s.state.backing.path(`lun-${String(clone.dst_lun_uuid)}`), 5)).toBe('hello');
    expect(
      await code(
        lun(s, session, 'clone', {
          src_lun_uuid: q(String(src.uuid)),
          dst_lun_name: q('x'),
          dst_location: q('/volume2'),
        }),
      ),
    ).toBe(18990318);
  });
});

describe('SYNO.Core.ISCSI.LUN snapshots', () => {
  it('takes, lists, gets, clones and deletes snapshots with DSM codes for every refusal', async () => {
    const { s, session } = await start({ limits: { maxSnapshotsPerLun: 2 } });
    const plain = await create(s, session, 'plain');
    expect(
      await code(lun(s, session, 'take_snapshot', { src_lun_uuid: q(String(plain.uuid)), snapshot_name: q('s') })),
    ).toBe(18990500);
    const src = await create(s, session, 'src', { dev_attribs: [{ dev_attrib: 'can_snapshot', enable: 1 }] });
    const file = s.state.backing.path(`lun-${String(src.uuid)}`);
    await writeFile(file, 'before', { flag: 'r+' });
    const snap = await lun(s, session, 'take_snapshot', {
      src_lun_uuid: q(String(src.uuid)),
      snapshot_name: q('s1'),
      description: q('csi'),
      taken_by: q('opencsp'),
    });
    await writeFile(file, 'after!', { flag: 'r+' });
    expect(
      await code(lun(s, session, 'take_snapshot', { src_lun_uuid: q(String(src.uuid)), snapshot_name: q('s1') })),
    ).toBe(18990513);
    await lun(s, session, 'take_snapshot', { src_lun_uuid: q(String(src.uuid)), snapshot_name: q('s2') });
    expect(
      await code(lun(s, session, 'take_snapshot', { src_lun_uuid: q(String(src.uuid)), snapshot_name: q('s3') })),
    ).toBe(18990543);
    const got = (await lun(s, session, 'get_snapshot', { snapshot_uuid: q(String(snap.snapshot_uuid)) })).snapshot;
    expect(got).toMatchObject({
      name: 's1',
      parent_uuid: src.uuid,
      status: 'Healthy',
      total_size: GiB,
      root_path: '/volume1',
    });
    expect(
      ((await lun(s, session, 'list_snapshot', { src_lun_uuid: q(String(src.uuid)) })).snapshots as unknown[]).length,
    ).toBe(2);
    const clone = await lun(s, session, 'clone_snapshot', {
      src_lun_uuid: q(String(src.uuid)),
      snapshot_uuid: q(String(snap.snapshot_uuid)),
      cloned_lun_name: q('restored'),
    });
    expect(await head(s.state.backing.path(`lun-${String(clone.cloned_lun_uuid)}`), 6)).toBe('before');
    const family = (await lun(s, session, 'get', { uuid: q('restored'), additional: ['family_config'] })).lun as Record<
      string,
      unknown
    >;
    expect(family.family_config).toMatchObject({ parent_snapshot_uuid: snap.snapshot_uuid });
    await lun(s, session, 'delete_snapshot', { snapshot_uuid: q(String(snap.snapshot_uuid)) });
    expect(await code(lun(s, session, 'get_snapshot', { snapshot_uuid: q(String(snap.snapshot_uuid)) }))).toBe(
      18990532,
    );
    const all = (await lun(s, session, 'list', { additional: ['snapshot_info'] })).luns as {
      name: string;
      snapshots: unknown[];
    }[];
    expect(all.find((l) => l.name === 'src')?.snapshots).toHaveLength(1);
  });
});

// What field clients do with LUN snapshots: democratic-csi (src/driver/controller-synology/index.js,
// http/index.js @8a4a28a) calls take_snapshot with src_lun_uuid, taken_by and description only, finds
// the snapshot again in list_snapshot by `description` and reads `time` and `total_size`; the
// jt-pve-storage-synology hardware notes (docs/TESTING.md @9a96fa3) list create_time/snapshot_time in
// epoch seconds, accept any snapshot name, and measure can_snapshot and emulate_tpu at 0 by default.
describe('SYNO.Core.ISCSI.LUN snapshots as field clients take them', () => {
  it('takes a snapshot without snapshot_name, found again by description, with its time', async () => {
    const { s, session } = await start();
    const src = await create(s, session, 'pvc-1', { dev_attribs: [{ dev_attrib: 'can_snapshot', enable: 1 }] });
    const before = Math.floor(Date.now() / 1000);
    const taken = await lun(s, session, 'take_snapshot', {
      src_lun_uuid: q(String(src.uuid)),
      taken_by: 'democratic-csi',
      description: 'snapshot-2b1c',
    });
    await lun(s, session, 'take_snapshot', { src_lun_uuid: q(String(src.uuid)), description: 'other' });
    const { snapshots } = (await lun(s, session, 'list_snapshot', { src_lun_uuid: q(String(src.uuid)) })) as {
      snapshots: Array<Record<string, unknown>>;
    };
    const found = snapshots.find((x) => x.description === 'snapshot-2b1c');
    expect(found).toMatchObject({ uuid: taken.snapshot_uuid, parent_uuid: src.uuid, taken_by: 'democratic-csi' });
    expect(found?.time).toBeGreaterThanOrEqual(before);
    expect(found?.time).toBe(found?.create_time);
    expect(found?.total_size).toBe(GiB);
    expect(new Set(snapshots.map((x) => x.name)).size).toBe(2);
  });

  it('accepts free-text snapshot names and refuses a duplicate with 18990513', async () => {
    const { s, session } = await start();
    const src = await create(s, session, 'pvc-2', { dev_attribs: [{ dev_attrib: 'can_snapshot', enable: 1 }] });
    const name = `before upgrade_1+@/% ${'x'.repeat(230)}`;
    await lun(s, session, 'take_snapshot', { src_lun_uuid: q(String(src.uuid)), snapshot_name: q(name) });
    expect(
      await code(lun(s, session, 'take_snapshot', { src_lun_uuid: q(String(src.uuid)), snapshot_name: q(name) })),
    ).toBe(18990513);
  });

  it('creates LUNs with can_snapshot, emulate_tpu, FUA and sync cache off unless asked for', async () => {
    const { s, session } = await start();
    const plain = await create(s, session, 'plain');
    const attribsOf = async (uuid: unknown) => {
      const got = (await lun(s, session, 'get', { uuid: q(String(uuid)), additional: ['dev_attribs'] })).lun as {
        dev_attribs: Array<{ dev_attrib: string; enable: number }>;
      };
      return Object.fromEntries(got.dev_attribs.map((a) => [a.dev_attrib, a.enable]));
    };
    expect(await attribsOf(plain.uuid)).toMatchObject({
      can_snapshot: 0,
      emulate_tpu: 0,
      emulate_fua_write: 0,
      emulate_sync_cache: 0,
    });
    // LUN set changes the attributes it names and leaves the others.
    await lun(s, session, 'set', {
      uuid: q(String(plain.uuid)),
      dev_attribs: [
        { dev_attrib: 'emulate_fua_write', enable: 1 },
        { dev_attrib: 'emulate_sync_cache', enable: 1 },
      ],
    });
    expect(await attribsOf(plain.uuid)).toMatchObject({ emulate_tpu: 0, emulate_fua_write: 1, emulate_sync_cache: 1 });
    expect(
      await code(lun(s, session, 'take_snapshot', { src_lun_uuid: q(String(plain.uuid)), description: 'x' })),
    ).toBe(18990500);
  });
});
