// Volume groups, snapshot groups and replication partners. Groups are optional: a CSP that claims
// them gets the full lifecycle checked; one that publishes capabilities without them must answer
// 501 (and create nothing).
import type { SnapshotGroup, Volume, VolumeGroup } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBadRequest, expectBody, expectError, expectNoContent } from '../expect.js';
import type { ConformanceCase } from '../types.js';
import { groupSnapshotCases } from './group-snapshots.js';
import { unknownId } from './lookups.js';

async function volumeInGroup(ctx: CaseContext): Promise<{ group: VolumeGroup; volume: Volume }> {
  const group = await ctx.make.volumeGroup();
  const volume = await ctx.make.volume({ volume_group_id: group.id });
  return { group, volume };
}

async function volumeGroupLifecycle(ctx: CaseContext): Promise<void> {
  const name = ctx.name('vg');
  const created = await ctx.api.createVolumeGroup({ name, description: 'opencsp conformance' });
  const group = expectBody<VolumeGroup>(created, 'create a volume group');
  ensure(group.name === name, `the volume group is named ${group.name}, not ${name}`, created);
  expectError(await ctx.api.createVolumeGroup({ name }), 409, 'create a volume group with the same name again');
  const got = await ctx.api.getVolumeGroup(group.id);
  ensure(expectBody<VolumeGroup>(got, 'get the volume group').id === group.id, 'GET answers another group', got);
  const found = await ctx.api.listVolumeGroups(name);
  const groups = expectBody<VolumeGroup[]>(found, 'look the volume group up by name');
  ensure(groups.length === 1 && groups[0]?.id === group.id, 'the lookup by name answers another group', found);
  expectError(await ctx.api.listVolumeGroups(ctx.name('absent')), 404, 'look up a volume group name never used');

  const volume = await ctx.make.volume({ volume_group_id: group.id });
  const member = expectBody<VolumeGroup>(await ctx.api.getVolumeGroup(group.id), 'get the group with a volume');
  if (member.volumes) {
    ensure(member.volumes.includes(volume.id), `the group's volumes lack ${volume.id}`);
  }
  expectError(await ctx.api.deleteVolumeGroup(group.id), 409, 'delete a volume group that holds a volume');
  expectNoContent(await ctx.api.deleteVolume(volume.id), "delete the group's volume");
  expectNoContent(await ctx.api.deleteVolumeGroup(group.id), 'delete the empty volume group');
  expectError(await ctx.api.getVolumeGroup(group.id), 404, 'get the deleted volume group');
  expectError(await ctx.api.deleteVolumeGroup(group.id), 404, 'delete the volume group again');
}

async function snapshotGroupLifecycle(ctx: CaseContext): Promise<void> {
  const { group, volume } = await volumeInGroup(ctx);
  const missing = await ctx.api.listSnapshotGroups(undefined);
  expectError(missing, 400, 'list snapshot groups without volume_group_id');
  const name = ctx.name('sg');
  const created = await ctx.api.createSnapshotGroup({ name, volume_group_id: group.id });
  const snapshotGroup = expectBody<SnapshotGroup>(created, 'snapshot the volume group');
  ensure(snapshotGroup.volume_group_id === group.id, 'the snapshot group names another volume group', created);
  if (snapshotGroup.snapshots) {
    ensure(
      snapshotGroup.snapshots.some((s) => s.volume_id === volume.id),
      `the snapshot group has no snapshot of ${volume.id}`,
      created,
    );
  }
  const got = await ctx.api.getSnapshotGroup(snapshotGroup.id);
  ensure(
    expectBody<SnapshotGroup>(got, 'get the snapshot group').id === snapshotGroup.id,
    'GET answers another one',
    got,
  );
  const list = await ctx.api.listSnapshotGroups(group.id);
  const listed = expectBody<SnapshotGroup[]>(list, "list the volume group's snapshot groups");
  ensure(
    listed.some((s) => s.id === snapshotGroup.id),
    'the list lacks the snapshot group',
    list,
  );
  const orphan = await ctx.api.createSnapshotGroup({ name: ctx.name('sg'), volume_group_id: unknownId(ctx) });
  expectError(orphan, 404, 'snapshot an unknown volume group');
  expectNoContent(await ctx.api.deleteSnapshotGroup(snapshotGroup.id), 'delete the snapshot group');
  expectError(await ctx.api.getSnapshotGroup(snapshotGroup.id), 404, 'get the deleted snapshot group');
  expectError(await ctx.api.deleteSnapshotGroup(snapshotGroup.id), 404, 'delete the snapshot group again');
  expectNoContent(await ctx.api.deleteVolume(volume.id), 'delete the volume once its group snapshot is gone');
}

async function groupedLookup(ctx: CaseContext): Promise<void> {
  const { group, volume } = await volumeInGroup(ctx);
  ensure(volume.volume_group_id === group.id, `the volume reports volume_group_id ${volume.volume_group_id}`);
  const found = await ctx.api.listVolumes({ name: volume.name, volume_group_id: group.id });
  const hits = expectBody<Volume[]>(found, 'look the volume up by name in its group');
  ensure(hits.length === 1 && hits[0]?.id === volume.id, 'the lookup in the group answers another volume', found);
  const other = await ctx.make.volumeGroup();
  const elsewhere = await ctx.api.listVolumes({ name: volume.name, volume_group_id: other.id });
  expectError(elsewhere, 404, 'look the volume up by name in another group');
  const unknown = await ctx.api.listVolumes({ name: volume.name, volume_group_id: unknownId(ctx) });
  expectError(unknown, 404, 'look the volume up by name in an unknown group');
  const missing = await ctx.api.createVolume({
    name: ctx.name('vol'),
    size: ctx.size,
    volume_group_id: unknownId(ctx),
  });
  expectError(missing, 404, 'create a volume in an unknown volume group');
}

export const groupCases: ConformanceCase[] = [
  {
    id: 'groups.volume-groups',
    area: 'groups',
    title:
      'volume groups: create (409 on a name in use), get, look up by name (404 when absent), refuse deletion while holding volumes',
    feature: 'volume_groups',
    run: volumeGroupLifecycle,
    async unclaimed(ctx) {
      expectError(await ctx.api.listVolumeGroups(), 501, 'list volume groups on a CSP without them');
      expectError(
        await ctx.api.createVolumeGroup({ name: ctx.name('vg') }),
        501,
        'create a volume group on a CSP without them',
      );
      const name = ctx.name('vol');
      const grouped = await ctx.api.createVolume({ name, size: ctx.size, volume_group_id: unknownId(ctx) });
      expectBadRequest(grouped, 'create a volume in a volume group on a CSP without them', 'volume_group_id');
      expectError(await ctx.api.listVolumes({ name }), 404, 'look up the refused volume');
      ctx.note('verified: the volume group operations answer 501, a volume_group_id 400');
    },
  },
  {
    id: 'groups.snapshot-groups',
    area: 'groups',
    title: 'snapshot groups: snapshot a volume group, get, list by volume group, delete with its snapshots',
    feature: 'snapshot_groups',
    run: snapshotGroupLifecycle,
    async unclaimed(ctx) {
      const id = unknownId(ctx);
      expectError(await ctx.api.listSnapshotGroups(id), 501, 'list snapshot groups on a CSP without them');
      const create = await ctx.api.createSnapshotGroup({ name: ctx.name('sg'), volume_group_id: id });
      expectError(create, 501, 'create a snapshot group on a CSP without them');
      ctx.note('verified: the snapshot group operations answer 501');
    },
  },
  {
    id: 'groups.volume-lookup',
    area: 'groups',
    title:
      'volumes in a group: volume_group_id reported, found by name within their group only, unknown groups are 404',
    feature: 'volume_groups',
    run: groupedLookup,
  },
  ...groupSnapshotCases,
  {
    id: 'groups.replication-partners',
    area: 'groups',
    title: 'GET /replication_partners answers 200 with a list, and 404 for a name that is not a partner',
    async run(ctx) {
      expectBody(await ctx.api.listReplicationPartners(), 'list replication partners');
      expectError(await ctx.api.listReplicationPartners(ctx.name('absent')), 404, 'look up a partner never configured');
    },
  },
];
