// Publishing: the answer tells a node how to attach the volume, a repeat gives the same answer,
// unpublish is idempotent, a published volume refuses a plain delete (400) and its host refuses
// removal (409), and `force=true` deletes anyway.
import type { PublishInfo, Volume } from '../../types.js';
import { ensure, expectBody, expectError, expectNoContent } from '../expect.js';
import type { ConformanceCase } from '../types.js';
import { expectNoVolumeNamed, getVolume, unknownId } from './lookups.js';

function sameAttachment(a: PublishInfo, b: PublishInfo): boolean {
  const key = (info: PublishInfo) =>
    JSON.stringify([info.serial_number, info.lun_id, info.access_protocol, info.target_names, info.discovery_ips]);
  return key(a) === key(b);
}

export const publishCases: ConformanceCase[] = [
  {
    id: 'publish.publish',
    area: 'publish',
    title:
      'PUT /volumes/{id}/actions/publish answers 200 with serial, LUN, targets and portals; the volume is published',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const { host } = await ctx.make.host();
      const answer = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: ctx.accessProtocol });
      const info = expectBody<PublishInfo>(answer, 'publish the volume');
      const after = await getVolume(ctx, volume.id, 'get the published volume');
      ensure(after.published === true, 'GET /volumes/{id} says published: false after a publish');
      if (after.serial_number) {
        ensure(
          after.serial_number.toLowerCase() === info.serial_number.toLowerCase(),
          `publish answers serial ${info.serial_number}, the volume says ${after.serial_number}`,
          answer,
        );
      }
    },
  },
  {
    id: 'publish.publish-twice',
    area: 'publish',
    title: 'publishing to a host that already has access answers 200 with the same attachment',
    async run(ctx) {
      const { volume, host, info } = await ctx.make.published();
      const again = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: ctx.accessProtocol });
      const second = expectBody<PublishInfo>(again, 'publish the volume again');
      ensure(
        sameAttachment(info, second),
        'the second publish answers a different serial, LUN, target or portal',
        again,
      );
    },
  },
  {
    id: 'publish.delete-published',
    area: 'publish',
    title: 'DELETE of a published volume (force=false) answers 400 and keeps the volume',
    async run(ctx) {
      const { volume } = await ctx.make.published();
      expectError(await ctx.api.deleteVolume(volume.id), 400, 'delete a published volume');
      const after = await getVolume(ctx, volume.id, 'get the volume after the refused delete');
      ensure(after.published === true, 'the refused delete unpublished the volume');
    },
  },
  {
    id: 'publish.host-in-use',
    area: 'publish',
    title: 'removing a host a volume is published to answers 409, by uuid and by id',
    async run(ctx) {
      const { host } = await ctx.make.published();
      expectError(await ctx.api.deleteHostByUuid(host.uuid), 409, 'delete the host by uuid while in use');
      expectError(await ctx.api.deleteHost(host.id), 409, 'delete the host by id while in use');
    },
  },
  {
    id: 'publish.unpublish',
    area: 'publish',
    title: 'PUT /volumes/{id}/actions/unpublish answers 204 and the volume is no longer published',
    async run(ctx) {
      const { volume, host } = await ctx.make.published();
      expectNoContent(await ctx.api.unpublish(volume.id, { host_uuid: host.uuid }), 'unpublish the volume');
      const after = await getVolume(ctx, volume.id, 'get the unpublished volume');
      ensure(after.published === false, 'GET /volumes/{id} says published: true after the last unpublish');
      expectNoContent(await ctx.api.deleteHostByUuid(host.uuid), 'remove the host after the unpublish');
    },
  },
  {
    id: 'publish.unpublish-twice',
    area: 'publish',
    title: 'unpublishing a volume that is not published to the host answers 204',
    async run(ctx) {
      const { volume, host } = await ctx.make.published();
      expectNoContent(await ctx.api.unpublish(volume.id, { host_uuid: host.uuid }), 'unpublish the volume');
      expectNoContent(await ctx.api.unpublish(volume.id, { host_uuid: host.uuid }), 'unpublish it again');
      const never = await ctx.make.volume();
      expectNoContent(
        await ctx.api.unpublish(never.id, { host_uuid: host.uuid }),
        'unpublish a never-published volume',
      );
    },
  },
  {
    id: 'publish.unpublish-unknown-host',
    area: 'publish',
    title: 'unpublishing for a host the CSP does not know answers 204',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const answer = await ctx.api.unpublish(volume.id, { host_uuid: ctx.name('nohost') });
      expectNoContent(answer, 'unpublish for an unknown host');
    },
  },
  {
    id: 'publish.unknown-host',
    area: 'publish',
    title: 'publishing to a host never registered answers 404 and publishes nothing',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const answer = await ctx.api.publish(volume.id, {
        host_uuid: ctx.name('nohost'),
        access_protocol: ctx.accessProtocol,
      });
      expectError(answer, 404, 'publish to an unknown host');
      const after = await getVolume(ctx, volume.id);
      ensure(after.published === false, 'the refused publish left the volume published');
    },
  },
  {
    id: 'publish.unknown-volume',
    area: 'publish',
    title: 'publish and unpublish of an unknown volume answer 404',
    async run(ctx) {
      const { host } = await ctx.make.host();
      const id = unknownId(ctx);
      const publish = await ctx.api.publish(id, { host_uuid: host.uuid, access_protocol: ctx.accessProtocol });
      expectError(publish, 404, 'publish an unknown volume');
      expectError(await ctx.api.unpublish(id, { host_uuid: host.uuid }), 404, 'unpublish an unknown volume');
    },
  },
  {
    id: 'publish.force-delete',
    area: 'publish',
    title: 'DELETE ?force=true of a published volume answers 204, removes it and frees its host',
    async run(ctx) {
      const { volume, host } = await ctx.make.published();
      expectNoContent(await ctx.api.deleteVolume(volume.id, true), 'force-delete the published volume');
      expectError(await ctx.api.getVolume(volume.id), 404, 'get the force-deleted volume');
      await expectNoVolumeNamed(ctx, (volume as Volume).name, 'after the force delete');
      expectNoContent(await ctx.api.deleteHostByUuid(host.uuid), 'remove the host after the force delete');
    },
  },
];
