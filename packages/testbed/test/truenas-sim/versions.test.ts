// What differs between TrueNAS 25.10 and 26 (`--version`), each case against the middleware source
// it models (docs/research/truenas-api.md has the details): tag TS-25.10.6 and branch stable/26 of
// truenas/middleware, zfs(8)/libzfs texts from openzfs zfs-2.3.4, the channel programs of
// truenas/truenas_pylibzfs stable/26.
import { describe, expect, it } from 'vitest';
import { apiVersions } from '../../src/truenas/index.js';
import { connect, createZvol, simWithClient, startSim } from './fixture.js';
import { RawRpc } from './rpc-client.js';

const deleteTexts = {
  // plugins/zfs_/dataset.py `delete` (TS-25.10.6): CallError(f'Failed to delete dataset: {stderr}')
  '25.10': {
    code: -32001,
    errno: 14,
    reason:
      "[EFAULT] Failed to delete dataset: cannot destroy 'tank/k8s/v': volume has children\n" +
      "use '-r' to destroy the following datasets:\ntank/k8s/v@s",
  },
  // plugins/zfs/resource_crud.py `destroy_impl` (stable/26): ValidationError ENOTEMPTY
  '26.0': {
    code: -32602,
    errno: 22,
    reason: "[ENOTEMPTY] zfs.resource.destroy: 'tank/k8s/v' has snapshots. Set recursive=True to remove them.",
  },
};

describe('truenas-sim versions: API directory and identity', () => {
  // main.py `_load_api_versions` + `api_versions_handler`: every api/vXX_YY_Z directory of the tag is
  // served, all but v24.10 are listed.
  it.each([
    ['25.10.0', 'v25.10.0', 'TrueNAS-25.10.0'],
    ['25.10.3', 'v25.10.2', 'TrueNAS-25.10.3'],
    ['25.10', 'v25.10.5', 'TrueNAS-25.10.6'],
    ['26', 'v26.0.0', 'TrueNAS-26.0.0'],
  ])('%s lists API directories up to %s and reports %s', async (version, newest, reported) => {
    const sim = await startSim({ version });
    expect(apiVersions(version).at(-1)).toBe(newest);
    expect(apiVersions(version)).not.toContain('v24.10');
    const rpc = await connect(sim);
    expect(await rpc.call('system.version')).toBe(reported);
    const legacy = await RawRpc.open(sim.url('v24.10'));
    expect(await legacy.call('core.ping')).toBe('pong');
    legacy.close();
  });

  it('refuses versions it does not play', async () => {
    await expect(startSim({ version: '25.04' })).rejects.toThrow(/use 25\.10\.x or 26\.0\.x/);
  });
});

describe.each(['25.10', '26.0'] as const)('truenas-sim %s: ZFS refusals', (version) => {
  it('refuses a non-recursive delete of a zvol with snapshots', async () => {
    const { rpc } = await simWithClient({ version });
    await createZvol(rpc, 'tank/k8s/v');
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's' }]);
    const error = await rpc.fail('pool.dataset.delete', ['tank/k8s/v']);
    const want = deleteTexts[version];
    expect(error.code).toBe(want.code);
    expect(error.data?.error).toBe(want.errno);
    expect(error.data?.reason.trim()).toBe(want.reason);
  });

  it('answers a duplicate snapshot as the release does', async () => {
    const { rpc } = await simWithClient({ version });
    await createZvol(rpc, 'tank/k8s/v');
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's' }]);
    const dup = await rpc.fail('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's' }]);
    if (version === '25.10') {
      // plugins/zfs_/snapshot.py `create`: libzfs text, EEXIST because it says "already exists".
      expect(dup.code).toBe(-32001);
      expect(dup.data?.reason).toBe(
        "[EEXIST] Failed to snapshot tank/k8s/v@s: cannot create snapshot 'tank/k8s/v@s': dataset already exists",
      );
    } else {
      // plugins/pool_/snapshot.py `do_create`: ValidationError('pool.snapshot.create', ..., EEXIST).
      expect(dup.code).toBe(-32602);
      expect(dup.data?.extra).toEqual([['pool.snapshot.create', 's already exists.', 17]]);
    }
  });

  it('answers clones of a missing snapshot and onto an existing dataset as the release does', async () => {
    const { rpc } = await simWithClient({ version });
    await createZvol(rpc, 'tank/k8s/v');
    await createZvol(rpc, 'tank/k8s/taken');
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's' }]);
    const missing = await rpc.fail('pool.snapshot.clone', [{ snapshot: 'tank/k8s/v@nope', dataset_dst: 'tank/k8s/c' }]);
    const taken = await rpc.fail('pool.snapshot.clone', [{ snapshot: 'tank/k8s/v@s', dataset_dst: 'tank/k8s/taken' }]);
    expect(missing.code).toBe(-32001);
    expect(taken.code).toBe(-32001);
    if (version === '25.10') {
      // plugins/zfs_/snapshot_actions.py `clone`: CallError(f'Failed to clone snapshot: {err}') (EFAULT).
      expect(missing.data?.reason).toBe('[EFAULT] Failed to clone snapshot: Snapshot tank/k8s/v@nope not found');
      expect(taken.data?.reason).toBe(
        "[EFAULT] Failed to clone snapshot: cannot create 'tank/k8s/taken': dataset already exists",
      );
    } else {
      // pool.snapshot.clone calls clone_impl directly: the plain exceptions reach the client (EINVAL).
      expect(missing.data).toMatchObject({ error: 22, reason: "'tank/k8s/v@nope' not found" });
      expect(taken.data).toMatchObject({ error: 22, reason: "'tank/k8s/taken' already exists" });
      expect((taken.data as { trace?: { class?: string } }).trace?.class).toBe('ZFSPathAlreadyExistsException');
    }
  });

  it('answers deletes of held and cloned snapshots as the release does', async () => {
    const { rpc } = await simWithClient({ version });
    await createZvol(rpc, 'tank/k8s/v');
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 'held' }]);
    await rpc.call('pool.snapshot.hold', ['tank/k8s/v@held']);
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 'cloned' }]);
    await rpc.call('pool.snapshot.clone', [{ snapshot: 'tank/k8s/v@cloned', dataset_dst: 'tank/k8s/c' }]);
    const held = await rpc.fail('pool.snapshot.delete', ['tank/k8s/v@held']);
    const cloned = await rpc.fail('pool.snapshot.delete', ['tank/k8s/v@cloned']);
    const gone = await rpc.fail('pool.snapshot.delete', ['tank/k8s/v@gone']);
    if (version === '25.10') {
      // plugins/zfs_/snapshot.py `delete` over py-libzfs: busy is a bare CallError (EFAULT); clones
      // without defer are a validation error on options.defer.
      expect(held).toMatchObject({
        code: -32001,
        data: { reason: "[EFAULT] cannot destroy 'tank/k8s/v@held': dataset is busy" },
      });
      expect(cloned.data?.extra).toEqual([
        [
          'options.defer',
          "Please set this attribute as 'tank/k8s/v@cloned' snapshot has dependent clones: tank/k8s/c",
          22,
        ],
      ]);
      expect(gone.data?.extra).toEqual([[null, 'Snapshot tank/k8s/v@gone not found', 2]]);
      // With defer a held snapshot is marked for deferred destroy.
      expect(await rpc.call('pool.snapshot.delete', ['tank/k8s/v@held', { defer: true }])).toBe(true);
    } else {
      // plugins/zfs/snapshot_crud.py `destroy` (ValidationError EBUSY) and pool_/snapshot.py
      // `do_delete` (InstanceNotFound); holds block even with defer.
      expect(held.data?.extra).toEqual([
        ['zfs.resource.snapshot.destroy', "'tank/k8s/v@held' has the following holds: truenas", 16],
      ]);
      expect(cloned.data?.extra).toEqual([
        ['zfs.resource.snapshot.destroy', "'tank/k8s/v@cloned' has the following clones: tank/k8s/c", 16],
      ]);
      expect(gone.data?.extra).toEqual([[null, "'tank/k8s/v@gone' not found", 2]]);
      expect((await rpc.fail('pool.snapshot.delete', ['tank/k8s/v@held', { defer: true }])).code).toBe(-32602);
    }
    expect(await rpc.call('pool.snapshot.delete', ['tank/k8s/v@cloned', { defer: true }])).toBe(true);
  });

  it('keeps a disabled extent when its zvol is deleted (the delegate deletes enabled ones)', async () => {
    // common/attachment/__init__.py: pool.dataset.delete asks the delegate for query(path, True).
    const { sim, rpc } = await simWithClient({ version });
    await createZvol(rpc, 'tank/k8s/on');
    await createZvol(rpc, 'tank/k8s/off');
    await rpc.call('iscsi.extent.create', [{ name: 'on', type: 'DISK', disk: 'zvol/tank/k8s/on' }]);
    const off = await rpc.call<{ id: number }>('iscsi.extent.create', [
      { name: 'off', type: 'DISK', disk: 'zvol/tank/k8s/off', enabled: false },
    ]);
    await rpc.call('pool.dataset.delete', ['tank/k8s/on']);
    await rpc.call('pool.dataset.delete', ['tank/k8s/off']);
    const left = await rpc.call<Array<{ id: number; name: string }>>('iscsi.extent.query');
    expect(left.map((e) => e.name)).toEqual(['off']);
    expect(left[0]?.id).toBe(off.id);
    expect(sim.core.zfs.datasets.has('tank/k8s/off')).toBe(false);
  });
});

describe('truenas-sim versions: recursive zvol deletes', () => {
  it('25.10 refuses a recursive delete while a snapshot has a clone or a hold (zfs destroy -r)', async () => {
    const { sim, rpc } = await simWithClient({ version: '25.10' });
    await createZvol(rpc, 'tank/k8s/v');
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's' }]);
    await rpc.call('pool.snapshot.clone', [{ snapshot: 'tank/k8s/v@s', dataset_dst: 'tank/k8s/c' }]);
    const cloned = await rpc.fail('pool.dataset.delete', ['tank/k8s/v', { recursive: true }]);
    expect(cloned.data?.reason).toBe(
      "[EFAULT] Failed to delete dataset: cannot destroy 'tank/k8s/v': volume has dependent clones\n" +
        "use '-R' to destroy the following datasets:\ntank/k8s/c",
    );
    await rpc.call('pool.dataset.delete', ['tank/k8s/c']);
    await rpc.call('pool.snapshot.hold', ['tank/k8s/v@s']);
    const held = await rpc.fail('pool.dataset.delete', ['tank/k8s/v', { recursive: true }]);
    expect(held.data?.reason).toBe(
      "[EFAULT] Failed to delete dataset: cannot destroy snapshot tank/k8s/v@s: it's being held. " +
        "Run 'zfs holds -r tank/k8s/v@s' to see holders.",
    );
    expect(sim.core.zfs.snapshots.has('tank/k8s/v@s')).toBe(true);
  });

  it('26 destroys the clones and releases the holds of a recursively deleted zvol, and answers true', async () => {
    // DESTROY_RESOURCES (truenas_pylibzfs lua_channel_programs.h) and plugins/zfs/destroy_impl.py.
    const { sim, rpc } = await simWithClient({ version: '26.0' });
    await createZvol(rpc, 'tank/k8s/v');
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's' }]);
    await rpc.call('pool.snapshot.hold', ['tank/k8s/v@s']);
    await rpc.call('pool.snapshot.clone', [{ snapshot: 'tank/k8s/v@s', dataset_dst: 'tank/k8s/c' }]);
    expect(await rpc.call('pool.dataset.delete', ['tank/k8s/v', { recursive: true }])).toBe(true);
    expect([...sim.core.zfs.datasets.keys()]).toEqual(['tank', 'tank/k8s']);
  });

  it('26 answers true but keeps a zvol whose clone an enabled extent holds open', async () => {
    const { sim, rpc } = await simWithClient({ version: '26.0' });
    await createZvol(rpc, 'tank/k8s/v');
    await rpc.call('pool.snapshot.create', [{ dataset: 'tank/k8s/v', name: 's' }]);
    await rpc.call('pool.snapshot.clone', [{ snapshot: 'tank/k8s/v@s', dataset_dst: 'tank/k8s/c' }]);
    await rpc.call('iscsi.extent.create', [{ name: 'c', type: 'DISK', disk: 'zvol/tank/k8s/c' }]);
    // pool.dataset.delete ignores the (failed, errno) destroy_impl returns.
    expect(await rpc.call('pool.dataset.delete', ['tank/k8s/v', { recursive: true }])).toBe(true);
    expect(sim.core.zfs.datasets.has('tank/k8s/v')).toBe(true);
    expect(sim.core.zfs.datasets.has('tank/k8s/c')).toBe(true);
  });
});
