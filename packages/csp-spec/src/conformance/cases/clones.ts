// Clones: a volume created from a snapshot, the snapshot it depends on refuses deletion (409) or,
// with `snapshot_delete_with_clones`, is deleted for every reader while the clone lives on, a
// clone smaller than its snapshot or of an unknown snapshot is refused without leaving anything,
// and the chain comes apart in dependency order.
import type { Snapshot, Volume } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBadRequest, expectBody, expectError, expectNoContent } from '../expect.js';
import type { ConformanceCase } from '../types.js';
import { expectNoVolumeNamed, getVolume, unknownId } from './lookups.js';

async function snapshotted(ctx: CaseContext): Promise<{ source: Volume; snapshot: Snapshot }> {
  const source = await ctx.make.volume();
  return { source, snapshot: await ctx.make.snapshot(source.id) };
}

/** `snapshot_delete_with_clones`: the snapshot goes for every reader, the clone lives on. */
async function deleteWithClone(ctx: CaseContext, source: Volume, snapshot: Snapshot, clone: Volume): Promise<void> {
  expectNoContent(await ctx.api.deleteSnapshot(snapshot.id), 'delete a snapshot that has a clone');
  expectError(await ctx.api.getSnapshot(snapshot.id), 404, 'get the deleted snapshot');
  expectError(await ctx.api.deleteSnapshot(snapshot.id), 404, 'delete the deleted snapshot again');
  const listed = await ctx.api.listSnapshots({ volume_id: source.id });
  const items = expectBody<Snapshot[]>(listed, "list the source's snapshots");
  ensure(!items.some((s) => s.id === snapshot.id), 'the deleted snapshot is still listed', listed);
  expectError(
    await ctx.api.listSnapshots({ volume_id: source.id, name: snapshot.name }),
    404,
    'look the deleted snapshot up by name',
  );
  await getVolume(ctx, clone.id, 'get the clone after its snapshot was deleted');
  expectNoContent(await ctx.api.deleteVolume(clone.id), 'delete the clone');
  expectNoContent(await ctx.api.deleteVolume(source.id), 'delete the source once the clone is gone');
}

export const cloneCases: ConformanceCase[] = [
  {
    id: 'clones.create',
    area: 'clones',
    title:
      "POST /volumes with clone and base_snapshot_id (no size) answers 200 with a volume at least the snapshot's size",
    async run(ctx) {
      const { snapshot } = await snapshotted(ctx);
      const name = ctx.name('clone');
      const answer = await ctx.api.createVolume({ name, clone: true, base_snapshot_id: snapshot.id });
      const clone = expectBody<Volume>(answer, 'clone the snapshot');
      ensure(clone.name === name, `the clone is named ${clone.name}, not ${name}`, answer);
      ensure(clone.size >= snapshot.size, `the clone has ${clone.size} bytes, its snapshot ${snapshot.size}`, answer);
      if (clone.base_snapshot_id) {
        ensure(
          clone.base_snapshot_id === snapshot.id,
          `the clone's base_snapshot_id is ${clone.base_snapshot_id}`,
          answer,
        );
      }
      await getVolume(ctx, clone.id, 'get the clone');
    },
  },
  {
    id: 'clones.snapshot-in-use',
    area: 'clones',
    title:
      'DELETE of a snapshot a clone depends on answers 409 and keeps it, or with snapshot_delete_with_clones 204: no read finds it, the clone stays, then clone and source delete',
    async run(ctx) {
      const { source, snapshot } = await snapshotted(ctx);
      const clone = await ctx.make.clone(snapshot.id);
      if (ctx.features?.snapshot_delete_with_clones === true) {
        await deleteWithClone(ctx, source, snapshot, clone);
        return;
      }
      expectError(await ctx.api.deleteSnapshot(snapshot.id), 409, 'delete a snapshot that has a clone');
      const answer = await ctx.api.getSnapshot(snapshot.id);
      const after = expectBody<Snapshot>(answer, 'get the snapshot after the refused delete');
      if (after.in_use !== undefined) {
        ensure(after.in_use === true, 'the snapshot says in_use: false while a clone depends on it', answer);
      }
    },
  },
  {
    id: 'clones.smaller-than-snapshot',
    area: 'clones',
    title: "a clone asking for less than the snapshot's size answers 400 and creates nothing",
    async run(ctx) {
      const { snapshot } = await snapshotted(ctx);
      const name = ctx.name('clone');
      const size = Math.max(1, Math.floor(snapshot.size / 2));
      const answer = await ctx.api.createVolume({ name, size, clone: true, base_snapshot_id: snapshot.id });
      expectBadRequest(answer, 'clone into a volume smaller than the snapshot', 'size');
      await expectNoVolumeNamed(ctx, name, 'after the refused clone');
    },
  },
  {
    id: 'clones.unknown-snapshot',
    area: 'clones',
    title: 'a clone of an unknown snapshot answers 404 and creates nothing',
    async run(ctx) {
      const name = ctx.name('clone');
      const answer = await ctx.api.createVolume({ name, clone: true, base_snapshot_id: unknownId(ctx) });
      expectError(answer, 404, 'clone an unknown snapshot');
      await expectNoVolumeNamed(ctx, name, 'after the refused clone');
    },
  },
  {
    id: 'clones.delete-chain',
    area: 'clones',
    title: 'clone, then snapshot, then source volume delete in that order, each with 204',
    async run(ctx) {
      const { source, snapshot } = await snapshotted(ctx);
      const clone = await ctx.make.clone(snapshot.id);
      expectNoContent(await ctx.api.deleteVolume(clone.id), 'delete the clone');
      expectNoContent(await ctx.api.deleteSnapshot(snapshot.id), 'delete the snapshot once its clone is gone');
      expectNoContent(await ctx.api.deleteVolume(source.id), 'delete the source once its snapshot is gone');
    },
  },
];
