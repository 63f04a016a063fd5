// Opencsp additions about who may reach a volume and under what name: a host's read-only access
// recorded per host (`read_only_per_host`), a limit of volumes per host (`host_volume_limit`), and
// any CSI name for a volume (`any_volume_name`). Each is checked only when the CSP claims it.
import type { PublishInfo } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBody, expectError, expectNoContent, fail } from '../expect.js';
import type { Exchange } from '../probe.js';
import type { ConformanceCase } from '../types.js';
import { expectNoVolumeNamed, expectVolumeNamed, getVolume } from './lookups.js';

function reasonOf(exchange: Exchange): unknown {
  return (exchange.body as { errors?: Array<{ reason?: unknown }> } | undefined)?.errors?.[0]?.reason;
}

/** Exactly `status` with the contract's error body and `reason`. */
function expectReason(exchange: Exchange, status: number, reason: string, what: string): void {
  expectError(exchange, status, what);
  if (reasonOf(exchange) !== reason) {
    fail(`${what}: reason ${JSON.stringify(reasonOf(exchange))}, not ${reason}`, exchange, `${status} ${reason}`);
  }
}

function publish(ctx: CaseContext, volumeId: string, hostUuid: string, extra: object = {}) {
  return ctx.api.publish(volumeId, { host_uuid: hostUuid, access_protocol: ctx.accessProtocol, ...extra });
}

/** A name that only `any_volume_name` CSPs take: spaces, `+`, `/`, non-ASCII, 128 characters. */
function oddName(ctx: CaseContext, kind: string): string {
  const base = `${ctx.name(kind)} +/ä—日本`;
  return `${base}${'x'.repeat(128 - base.length)}`;
}

export const accessCases: ConformanceCase[] = [
  {
    id: 'extensions.read-only-per-host',
    area: 'extensions',
    title:
      'a publish to a host that has the volume with another read_only answers 409 ACCESS_MISMATCH and changes nothing',
    feature: 'read_only_per_host',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const { host } = await ctx.make.host();
      expectBody<PublishInfo>(await publish(ctx, volume.id, host.uuid), 'publish read-write');
      expectBody<PublishInfo>(
        await publish(ctx, volume.id, host.uuid, { read_only: false }),
        'publish read-write again',
      );
      const other = await publish(ctx, volume.id, host.uuid, { read_only: true });
      expectReason(other, 409, 'ACCESS_MISMATCH', 'publish read-only to the host that has it read-write');
      const after = await getVolume(ctx, volume.id, 'get the volume after the refused publish');
      ensure(after.published === true, 'the refused publish unpublished the volume');
      expectNoContent(await ctx.api.unpublish(volume.id, { host_uuid: host.uuid }), 'unpublish');
      expectBody<PublishInfo>(await publish(ctx, volume.id, host.uuid, { read_only: true }), 'publish read-only');
      expectBody<PublishInfo>(await publish(ctx, volume.id, host.uuid, { read_only: true }), 'publish read-only again');
      const writable = await publish(ctx, volume.id, host.uuid);
      expectReason(writable, 409, 'ACCESS_MISMATCH', 'publish read-write to the host that has it read-only');
      const { host: second } = await ctx.make.host();
      expectBody<PublishInfo>(await publish(ctx, volume.id, second.uuid), 'publish read-write to a second host');
    },
  },
  {
    id: 'extensions.host-volume-limit',
    area: 'extensions',
    title: 'a publish beyond host_volume_limit answers 507 LIMIT_EXCEEDED; a volume the host has is not counted twice',
    feature: 'host_volume_limit',
    async run(ctx) {
      const [a, b, c] = [await ctx.make.volume(), await ctx.make.volume(), await ctx.make.volume()];
      const { host } = await ctx.make.host();
      const limit = { host_volume_limit: 2 };
      expectBody<PublishInfo>(await publish(ctx, a.id, host.uuid, limit), 'publish the first volume (limit 2)');
      expectBody<PublishInfo>(await publish(ctx, b.id, host.uuid, limit), 'publish the second volume (limit 2)');
      expectBody<PublishInfo>(await publish(ctx, a.id, host.uuid, limit), 'publish the first volume again');
      const third = await publish(ctx, c.id, host.uuid, limit);
      expectReason(third, 507, 'LIMIT_EXCEEDED', 'publish a third volume with limit 2');
      const refused = await getVolume(ctx, c.id, 'get the refused volume');
      ensure(refused.published === false, 'the refused publish left the third volume published');
      expectNoContent(await ctx.api.unpublish(a.id, { host_uuid: host.uuid }), 'unpublish the first volume');
      expectBody<PublishInfo>(await publish(ctx, c.id, host.uuid, limit), 'publish the third volume after one left');
    },
  },
  {
    id: 'volumes.any-name',
    area: 'volumes',
    title: 'any CSI name (spaces, +, /, non-ASCII, 128 characters) is kept verbatim, found by name and unique',
    feature: 'any_volume_name',
    async run(ctx) {
      const name = oddName(ctx, 'vol');
      const created = await ctx.api.createVolume({ name, size: ctx.size });
      const volume = expectBody<{ id: string; name: string }>(created, 'create a volume with an odd name');
      ensure(volume.name === name, `the volume is named ${JSON.stringify(volume.name)}`, created);
      await expectVolumeNamed(ctx, name, volume.id);
      expectError(await ctx.api.createVolume({ name, size: ctx.size }), 409, 'create the odd name again');
      const listed = await getVolume(ctx, volume.id);
      ensure(listed.name === name, `GET /volumes/{id} answers name ${JSON.stringify(listed.name)}`);
      // Names that a sanitiser would map to the same text must stay apart.
      const twin = name.replace('+', '-');
      await expectNoVolumeNamed(ctx, twin, 'a name that sanitises like the odd one');
      const second = expectBody<{ id: string }>(
        await ctx.api.createVolume({ name: twin, size: ctx.size }),
        'create a volume whose name differs in one character',
      );
      ensure(second.id !== volume.id, 'two names got the same volume');
      await expectVolumeNamed(ctx, twin, second.id);
      await expectVolumeNamed(ctx, name, volume.id);
    },
  },
];
