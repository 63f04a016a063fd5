// Snapshots: create, read back, list by volume, look up by name (404 when absent), `mode=exists`,
// unique names per volume (409), and a volume with snapshots refuses deletion (409).
import type { Snapshot } from '../../types.js';
import { ensure, expectBody, expectError, expectNoContent } from '../expect.js';
import type { ConformanceCase } from '../types.js';
import { getVolume, unknownId } from './lookups.js';

export const snapshotCases: ConformanceCase[] = [
  {
    id: 'snapshots.create',
    area: 'snapshots',
    title: 'POST /snapshots answers 200 with the snapshot: its name, volume, size and creation time',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const name = ctx.name('snap');
      const answer = await ctx.api.createSnapshot({ name, volume_id: volume.id });
      const snapshot = expectBody<Snapshot>(answer, 'snapshot the volume');
      ensure(snapshot.name === name, `the snapshot is named ${snapshot.name}, not ${name}`, answer);
      ensure(snapshot.volume_id === volume.id, `the snapshot's volume_id is ${snapshot.volume_id}`, answer);
      ensure(
        snapshot.size >= volume.size,
        `the snapshot has ${snapshot.size} bytes, its volume ${volume.size}`,
        answer,
      );
    },
  },
  {
    id: 'snapshots.get',
    area: 'snapshots',
    title: 'GET /snapshots/{id} answers 200 with the same snapshot',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const created = await ctx.make.snapshot(volume.id);
      const answer = await ctx.api.getSnapshot(created.id);
      const snapshot = expectBody<Snapshot>(answer, 'get the snapshot');
      ensure(
        snapshot.id === created.id && snapshot.name === created.name && snapshot.volume_id === volume.id,
        'GET /snapshots/{id} answers another snapshot',
        answer,
      );
    },
  },
  {
    id: 'snapshots.list',
    area: 'snapshots',
    title: "GET /snapshots?volume_id= lists the volume's snapshots; mode=exists answers at most one",
    async run(ctx) {
      const volume = await ctx.make.volume();
      const empty = await ctx.api.listSnapshots({ volume_id: volume.id, mode: 'exists' });
      ensure(
        expectBody<Snapshot[]>(empty, 'ask whether a new volume has snapshots').length === 0,
        'a new volume has snapshots',
        empty,
      );
      const created = await ctx.make.snapshot(volume.id);
      const list = await ctx.api.listSnapshots({ volume_id: volume.id });
      const snapshots = expectBody<Snapshot[]>(list, "list the volume's snapshots");
      ensure(
        snapshots.some((s) => s.id === created.id),
        `the list lacks snapshot ${created.id}`,
        list,
      );
      ensure(
        snapshots.every((s) => s.volume_id === volume.id),
        'the list holds snapshots of other volumes',
        list,
      );
      const exists = await ctx.api.listSnapshots({ volume_id: volume.id, mode: 'exists' });
      const some = expectBody<Snapshot[]>(exists, 'ask whether the volume has snapshots');
      ensure(some.length === 1, `mode=exists answered ${some.length} snapshots, not 1`, exists);
    },
  },
  {
    id: 'snapshots.find-by-name',
    area: 'snapshots',
    title: 'GET /snapshots?volume_id=&name= answers the snapshot of that name, 404 for an absent name',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const created = await ctx.make.snapshot(volume.id);
      const found = await ctx.api.listSnapshots({ volume_id: volume.id, name: created.name });
      const snapshots = expectBody<Snapshot[]>(found, 'look the snapshot up by name');
      ensure(
        snapshots.length === 1 && snapshots[0]?.id === created.id,
        'the lookup by name answers another snapshot',
        found,
      );
      const absent = await ctx.api.listSnapshots({ volume_id: volume.id, name: ctx.name('absent') });
      expectError(absent, 404, 'look up a snapshot name never used');
    },
  },
  {
    id: 'snapshots.create-existing-name',
    area: 'snapshots',
    title: 'a second POST /snapshots with a name in use on that volume answers 409',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const created = await ctx.make.snapshot(volume.id);
      const again = await ctx.api.createSnapshot({ name: created.name, volume_id: volume.id });
      expectError(again, 409, 'snapshot with the same name again');
      const list = await ctx.api.listSnapshots({ volume_id: volume.id });
      const snapshots = expectBody<Snapshot[]>(list, "list the volume's snapshots");
      ensure(snapshots.length === 1, `the volume has ${snapshots.length} snapshots after the refused create`, list);
    },
  },
  {
    id: 'snapshots.unknown-volume',
    area: 'snapshots',
    title: 'snapshotting or listing the snapshots of an unknown volume answers 404',
    async run(ctx) {
      const id = unknownId(ctx);
      expectError(
        await ctx.api.createSnapshot({ name: ctx.name('snap'), volume_id: id }),
        404,
        'snapshot an unknown volume',
      );
      expectError(await ctx.api.listSnapshots({ volume_id: id }), 404, 'list the snapshots of an unknown volume');
    },
  },
  {
    id: 'snapshots.unknown-id',
    area: 'snapshots',
    title: 'GET and DELETE /snapshots/{id} of an unknown id answer 404',
    async run(ctx) {
      const id = unknownId(ctx);
      expectError(await ctx.api.getSnapshot(id), 404, 'get an unknown snapshot');
      expectError(await ctx.api.deleteSnapshot(id), 404, 'delete an unknown snapshot');
    },
  },
  {
    id: 'snapshots.volume-in-use',
    area: 'snapshots',
    title: 'DELETE of a volume that has snapshots answers 409 and keeps the volume',
    async run(ctx) {
      const volume = await ctx.make.volume();
      await ctx.make.snapshot(volume.id);
      expectError(await ctx.api.deleteVolume(volume.id), 409, 'delete a volume that has a snapshot');
      await getVolume(ctx, volume.id, 'get the volume after the refused delete');
    },
  },
  {
    id: 'snapshots.delete',
    area: 'snapshots',
    title: 'DELETE /snapshots/{id} answers 204, then 404; the volume can then be deleted',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const snapshot = await ctx.make.snapshot(volume.id);
      expectNoContent(await ctx.api.deleteSnapshot(snapshot.id), 'delete the snapshot');
      expectError(await ctx.api.getSnapshot(snapshot.id), 404, 'get the deleted snapshot');
      expectError(await ctx.api.deleteSnapshot(snapshot.id), 404, 'delete the snapshot again');
      expectNoContent(await ctx.api.deleteVolume(volume.id), 'delete the volume once its snapshot is gone');
    },
  },
];
