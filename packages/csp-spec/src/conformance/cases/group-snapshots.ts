// Snapshot groups in depth: a snapshot group covers exactly the volumes of its group (`volume_ids`
// states which; a mismatch is 400 and leaves nothing), its name can be looked up, its snapshots are
// ordinary snapshots that can be read and cloned, and a clone of one keeps the group from deletion.
import type { Snapshot, SnapshotGroup, Volume } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBadRequest, expectBody, expectError, expectNoContent } from '../expect.js';
import type { Exchange } from '../probe.js';
import type { ConformanceCase } from '../types.js';

function byVolume(group: SnapshotGroup): Map<string, Snapshot> {
  return new Map((group.snapshots ?? []).map((s) => [s.volume_id, s]));
}

/** The group holds one snapshot of each of `volumes` and nothing else. */
function ensureCovers(group: SnapshotGroup, volumes: Volume[], what: string, exchange?: Exchange): void {
  const snapshots = byVolume(group);
  const ids = volumes.map((v) => v.id);
  ensure(
    snapshots.size === ids.length && ids.every((id) => snapshots.has(id)),
    `${what}: snapshots of ${JSON.stringify([...snapshots.keys()])}, not of ${JSON.stringify(ids)}`,
    exchange,
  );
}

async function twoVolumeGroup(ctx: CaseContext) {
  const group = await ctx.make.volumeGroup();
  const first = await ctx.make.volume({ volume_group_id: group.id });
  const second = await ctx.make.volume({ volume_group_id: group.id });
  return { group, volumes: [first, second] as [Volume, Volume] };
}

async function members(ctx: CaseContext): Promise<void> {
  const { group, volumes } = await twoVolumeGroup(ctx);
  const [first] = volumes;
  const partial = await ctx.api.createSnapshotGroup({
    name: ctx.name('sg'),
    volume_group_id: group.id,
    volume_ids: [first.id],
  });
  expectBadRequest(partial, 'snapshot the group expecting only one of its two volumes', 'volume_ids');
  const leftover = await ctx.api.listSnapshots({ volume_id: first.id });
  ensure(
    expectBody<Snapshot[]>(leftover, 'list snapshots after the refusal').length === 0,
    'the refusal left snapshots',
    leftover,
  );
  const name = ctx.name('sg');
  const created = await ctx.api.createSnapshotGroup({
    name,
    volume_group_id: group.id,
    volume_ids: volumes.map((v) => v.id),
  });
  const snapshotGroup = expectBody<SnapshotGroup>(created, 'snapshot the group expecting both volumes');
  ensureCovers(snapshotGroup, volumes, 'the new snapshot group', created);
  const found = await ctx.api.listSnapshotGroups(group.id, name);
  const hits = expectBody<SnapshotGroup[]>(found, 'look the snapshot group up by name');
  ensure(hits.length === 1 && hits[0]?.id === snapshotGroup.id, 'the lookup by name answers another group', found);
  expectError(
    await ctx.api.listSnapshotGroups(group.id, ctx.name('absent')),
    404,
    'look up a snapshot group name never used',
  );
  const again = await ctx.api.createSnapshotGroup({ name, volume_group_id: group.id });
  expectError(again, 409, 'create a snapshot group with the same name again');
  for (const volume of volumes) {
    const snapshot = byVolume(snapshotGroup).get(volume.id) as Snapshot;
    const got = await ctx.api.getSnapshot(snapshot.id);
    const shown = expectBody<Snapshot>(got, "get one of the group's snapshots");
    ensure(shown.volume_id === volume.id, `snapshot ${snapshot.id} shows volume ${shown.volume_id}`, got);
  }
  ensureCovers(
    expectBody<SnapshotGroup>(await ctx.api.getSnapshotGroup(snapshotGroup.id), 'get the snapshot group'),
    volumes,
    'GET of the snapshot group',
  );
}

async function clones(ctx: CaseContext): Promise<void> {
  const { group, volumes } = await twoVolumeGroup(ctx);
  const created = await ctx.api.createSnapshotGroup({ name: ctx.name('sg'), volume_group_id: group.id });
  const snapshotGroup = expectBody<SnapshotGroup>(created, 'snapshot the group');
  ensureCovers(snapshotGroup, volumes, 'the snapshot group', created);
  const member = byVolume(snapshotGroup).get(volumes[0].id) as Snapshot;
  const clone = await ctx.make.clone(member.id);
  const refused = await ctx.api.deleteSnapshotGroup(snapshotGroup.id);
  expectError(refused, 409, 'delete the snapshot group while a clone of one of its snapshots exists');
  ensureCovers(
    expectBody<SnapshotGroup>(await ctx.api.getSnapshotGroup(snapshotGroup.id), 'get the group after the refusal'),
    volumes,
    'the refused delete removed snapshots:',
    refused,
  );
  expectNoContent(await ctx.api.deleteVolume(clone.id), 'delete the clone');
  expectNoContent(await ctx.api.deleteSnapshotGroup(snapshotGroup.id), 'delete the snapshot group');
  expectError(await ctx.api.getSnapshot(member.id), 404, "get a deleted group's snapshot");
}

export const groupSnapshotCases: ConformanceCase[] = [
  {
    id: 'groups.snapshot-group-members',
    area: 'groups',
    title:
      'a snapshot group covers exactly its group (else 400, nothing left), is found by name; its snapshots are ordinary snapshots',
    feature: 'snapshot_groups',
    run: members,
  },
  {
    id: 'groups.snapshot-group-clones',
    area: 'groups',
    title:
      'a clone of a group snapshot blocks deleting the group (409, nothing deleted); then the delete takes every snapshot',
    feature: 'snapshot_groups',
    run: clones,
  },
];
