// Volumes: create, read back by id and by name, list, edit, delete; names are unique (409), unknown
// names and ids are 404, and a delete is final.
import type { Volume } from '../../types.js';
import { ensure, expectBody, expectError, expectNoContent } from '../expect.js';
import type { ConformanceCase } from '../types.js';
import { expectNoVolumeNamed, expectVolumeNamed, getVolume, unknownId } from './lookups.js';

export const volumeCases: ConformanceCase[] = [
  {
    id: 'volumes.create',
    area: 'volumes',
    title: 'POST /volumes answers 200 with the volume: its name, at least the size asked, not published',
    async run(ctx) {
      const name = ctx.name('vol');
      const answer = await ctx.api.createVolume({ name, size: ctx.size, description: 'opencsp conformance' });
      const volume = expectBody<Volume>(answer, 'create a volume');
      ensure(volume.name === name, `the volume is named ${volume.name}, not ${name}`, answer);
      ensure(volume.size >= ctx.size, `the volume has ${volume.size} bytes, less than the ${ctx.size} asked`, answer);
      ensure(volume.published === false, 'a new volume says it is published', answer);
    },
  },
  {
    id: 'volumes.get',
    area: 'volumes',
    title: 'GET /volumes/{id} answers 200 with the same volume',
    async run(ctx) {
      const created = await ctx.make.volume();
      const volume = await getVolume(ctx, created.id);
      ensure(volume.name === created.name, `GET answers name ${volume.name}, not ${created.name}`);
      ensure(volume.size === created.size, `GET answers size ${volume.size}, create said ${created.size}`);
    },
  },
  {
    id: 'volumes.find-by-name',
    area: 'volumes',
    title: 'GET /volumes?name= answers 200 with exactly the volume of that name',
    async run(ctx) {
      const created = await ctx.make.volume();
      await expectVolumeNamed(ctx, created.name, created.id);
    },
  },
  {
    id: 'volumes.find-absent-name',
    area: 'volumes',
    title: 'GET /volumes?name= answers 404 (not an empty list) when no volume has that name',
    async run(ctx) {
      await expectNoVolumeNamed(ctx, ctx.name('absent'), 'a name never used');
    },
  },
  {
    id: 'volumes.list',
    area: 'volumes',
    title: 'GET /volumes answers 200 with a list that includes a new volume',
    async run(ctx) {
      const created = await ctx.make.volume();
      const list = await ctx.api.listVolumes();
      const volumes = expectBody<Volume[]>(list, 'list the volumes');
      ensure(
        volumes.some((v) => v.id === created.id),
        `GET /volumes does not list ${created.id}`,
        list,
      );
    },
  },
  {
    id: 'volumes.create-existing-name',
    area: 'volumes',
    title: 'a second POST /volumes with a name in use answers 409 and creates nothing',
    async run(ctx) {
      const created = await ctx.make.volume();
      const again = await ctx.api.createVolume({ name: created.name, size: ctx.size });
      expectError(again, 409, 'create a volume with the same name again');
      await expectVolumeNamed(ctx, created.name, created.id);
    },
  },
  {
    id: 'volumes.create-race',
    area: 'volumes',
    title: 'three concurrent POST /volumes with one name: exactly one 200, the others 409, one volume',
    async run(ctx) {
      const name = ctx.name('vol');
      const answers = await Promise.all([1, 2, 3].map(() => ctx.api.createVolume({ name, size: ctx.size })));
      const created = answers.filter((a) => a.status === 200);
      ensure(
        created.length === 1,
        `${created.length} of 3 concurrent creates answered 200, not 1`,
        created[1] ?? answers[0],
      );
      for (const answer of answers.filter((a) => a.status !== 200)) {
        expectError(answer, 409, 'create the same name concurrently');
      }
      const volume = expectBody<Volume>(created[0] as (typeof answers)[number], 'the create that won');
      await expectVolumeNamed(ctx, name, volume.id);
    },
  },
  {
    id: 'volumes.edit-description',
    area: 'volumes',
    title: 'PUT /volumes/{id} with a description answers 200 and the volume keeps it',
    async run(ctx) {
      const created = await ctx.make.volume({ description: 'before' });
      const answer = await ctx.api.updateVolume(created.id, { description: 'after' });
      const updated = expectBody<Volume>(answer, 'edit the description');
      ensure(updated.description === 'after', `PUT answers description ${JSON.stringify(updated.description)}`, answer);
      const volume = await getVolume(ctx, created.id);
      ensure(volume.description === 'after', `GET answers description ${JSON.stringify(volume.description)}`);
      ensure(volume.size === created.size, 'editing the description changed the size');
    },
  },
  {
    id: 'volumes.delete',
    area: 'volumes',
    title: 'DELETE /volumes/{id} answers 204; the volume is then gone by id and by name',
    async run(ctx) {
      const created = await ctx.make.volume();
      expectNoContent(await ctx.api.deleteVolume(created.id), 'delete the volume');
      expectError(await ctx.api.getVolume(created.id), 404, 'get the deleted volume');
      await expectNoVolumeNamed(ctx, created.name, 'after the delete');
    },
  },
  {
    id: 'volumes.delete-twice',
    area: 'volumes',
    title: 'a second DELETE /volumes/{id} answers 404',
    async run(ctx) {
      const created = await ctx.make.volume();
      expectNoContent(await ctx.api.deleteVolume(created.id), 'delete the volume');
      expectError(await ctx.api.deleteVolume(created.id), 404, 'delete the volume again');
    },
  },
  {
    id: 'volumes.unknown-id',
    area: 'volumes',
    title: 'GET, PUT and DELETE /volumes/{id} of an unknown id answer 404',
    async run(ctx) {
      const id = unknownId(ctx);
      expectError(await ctx.api.getVolume(id), 404, 'get an unknown volume');
      expectError(await ctx.api.updateVolume(id, { size: ctx.size * 2 }), 404, 'expand an unknown volume');
      expectError(await ctx.api.deleteVolume(id), 404, 'delete an unknown volume');
    },
  },
];
