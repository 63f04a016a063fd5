// NVMe/TCP (`access_protocol: nvmetcp`), checked when the CSP lists it in `access_protocols`: a
// volume created for it publishes the subsystem NQN, namespace id, NGUID and portals to a host with
// an NQN, a repeat gives the same answer, unpublish is idempotent, DH-CHAP keys are honoured and
// never returned. A CSP that does not serve it must refuse it with 400 naming `access_protocol`.
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Host, HostRequest, PublishInfo, Volume } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBadRequest, expectBody, expectNoContent } from '../expect.js';
import type { Exchange } from '../probe.js';
import type { ConformanceCase } from '../types.js';
import { expectNoVolumeNamed, getVolume } from './lookups.js';

const portalPattern = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+)(:\d{1,5})?$/;

/** A DH-CHAP secret as `nvme gen-dhchap-key` prints it: 32 random bytes and their CRC-32, base64. */
export function dhchapKey(): string {
  const secret = randomBytes(32);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(secret));
  return `DHHC-1:00:${Buffer.concat([secret, crc]).toString('base64')}:`;
}

function attachmentKey(info: PublishInfo): string {
  return JSON.stringify([
    info.access_protocol,
    info.serial_number.toLowerCase(),
    info.lun_id,
    info.target_names,
    [...info.discovery_ips].sort(),
    info.namespace_uuid?.toLowerCase(),
  ]);
}

/** What an NVMe/TCP publish answer must hold for a node to connect and find the namespace. */
function checkNvmeAnswer(info: PublishInfo, exchange: Exchange): void {
  ensure(info.access_protocol === 'nvmetcp', `publish answers access_protocol ${info.access_protocol}`, exchange);
  ensure(
    info.target_names.length === 1 && /^nqn\.\d{4}-\d{2}\.\S+$/.test(info.target_names[0] as string),
    `target_names ${JSON.stringify(info.target_names)} is not one subsystem NQN`,
    exchange,
  );
  ensure(info.lun_id >= 1, `lun_id ${info.lun_id} is not an NVMe namespace id (1 or more)`, exchange);
  ensure(
    /^[0-9a-f]{32}$/i.test(info.serial_number),
    `serial_number ${info.serial_number} is not a namespace NGUID (32 hex digits, no dashes)`,
    exchange,
  );
  const bad = info.discovery_ips.filter((p) => !portalPattern.test(p));
  ensure(bad.length === 0, `discovery_ips ${JSON.stringify(bad)} are not ip or ip:port`, exchange);
}

async function registerNvmeHost(ctx: CaseContext, extra: Partial<HostRequest> = {}) {
  const request = ctx.make.nvmeHostRequest(extra);
  const answer = await ctx.api.upsertHost(request);
  return { request, host: expectBody<Host>(answer, 'register a host with an NQN'), answer };
}

export const nvmeCases: ConformanceCase[] = [
  {
    id: 'nvme.publish',
    area: 'nvme',
    title:
      'a volume created for nvmetcp, published to a host with an NQN, answers the subsystem NQN, namespace id, NGUID and portals',
    protocol: 'nvmetcp',
    async run(ctx) {
      const created = await ctx.api.createVolume({ name: ctx.name('vol'), size: ctx.size, access_protocol: 'nvmetcp' });
      const volume = expectBody<Volume>(created, 'create a volume for nvmetcp');
      ensure(
        volume.access_protocol === undefined || volume.access_protocol === 'nvmetcp',
        `the volume says access_protocol ${volume.access_protocol}`,
        created,
      );
      const { request, host, answer } = await registerNvmeHost(ctx);
      ensure(
        JSON.stringify(host.nqns ?? []) === JSON.stringify(request.nqns),
        `POST /hosts answers nqns ${JSON.stringify(host.nqns)}, not the registered ${JSON.stringify(request.nqns)}`,
        answer,
      );
      const published = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: 'nvmetcp' });
      const info = expectBody<PublishInfo>(published, 'publish over nvmetcp');
      checkNvmeAnswer(info, published);
      const after = await getVolume(ctx, volume.id, 'get the published volume');
      ensure(after.published === true, 'GET /volumes/{id} says published: false after a publish');
      if (after.serial_number) {
        ensure(
          after.serial_number.toLowerCase() === info.serial_number.toLowerCase(),
          `publish answers serial ${info.serial_number}, the volume says ${after.serial_number}`,
          published,
        );
      }
    },
    async unclaimed(ctx) {
      const name = ctx.name('vol');
      const create = await ctx.api.createVolume({ name, size: ctx.size, access_protocol: 'nvmetcp' });
      expectBadRequest(create, 'create a volume for nvmetcp, which the CSP does not list', 'access_protocol');
      await expectNoVolumeNamed(ctx, name, 'after refusing nvmetcp');
      const volume = await ctx.make.volume();
      const { host } = await ctx.make.host();
      const publish = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: 'nvmetcp' });
      expectBadRequest(publish, 'publish over nvmetcp, which the CSP does not list', 'access_protocol');
      const after = await getVolume(ctx, volume.id, 'get the volume after the refused publish');
      ensure(after.published !== true, 'the refused nvmetcp publish published the volume');
      ctx.note('nvmetcp is refused with 400 naming access_protocol');
    },
  },
  {
    id: 'nvme.publish-twice',
    area: 'nvme',
    title: 'publishing over nvmetcp to a host that already has access answers 200 with the same attachment',
    protocol: 'nvmetcp',
    async run(ctx) {
      const { volume, host, info } = await ctx.make.nvmePublished();
      const again = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: 'nvmetcp' });
      const second = expectBody<PublishInfo>(again, 'publish over nvmetcp again');
      ensure(
        attachmentKey(info) === attachmentKey(second),
        'the second publish answers a different subsystem, namespace, NGUID or portal',
        again,
      );
    },
  },
  {
    id: 'nvme.unpublish',
    area: 'nvme',
    title: 'unpublishing an nvmetcp volume answers 204 (also again) and the volume is no longer published',
    protocol: 'nvmetcp',
    async run(ctx) {
      const { volume, host } = await ctx.make.nvmePublished();
      expectNoContent(await ctx.api.unpublish(volume.id, { host_uuid: host.uuid }), 'unpublish the volume');
      const after = await getVolume(ctx, volume.id, 'get the unpublished volume');
      ensure(after.published === false, 'the volume is still published after the unpublish');
      expectNoContent(await ctx.api.unpublish(volume.id, { host_uuid: host.uuid }), 'unpublish it again');
    },
  },
  {
    id: 'nvme.host-without-nqn',
    area: 'nvme',
    title: 'publishing over nvmetcp to a host registered without an NQN answers 400 and publishes nothing',
    protocol: 'nvmetcp',
    async run(ctx) {
      const volume = expectBody<Volume>(
        await ctx.api.createVolume({ name: ctx.name('vol'), size: ctx.size, access_protocol: 'nvmetcp' }),
        'create a volume for nvmetcp',
      );
      const { host } = await ctx.make.host();
      const answer = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: 'nvmetcp' });
      expectBadRequest(answer, 'publish over nvmetcp to a host without nqns', 'host_uuid');
      const after = await getVolume(ctx, volume.id, 'get the volume after the refused publish');
      ensure(after.published !== true, 'the refused publish published the volume');
    },
  },
  {
    id: 'nvme.dhchap',
    area: 'nvme',
    title:
      'DH-CHAP keys are never returned, publish answers bidirectional, re-registering without keys turns DH-CHAP off',
    protocol: 'nvmetcp',
    feature: 'dhchap',
    async run(ctx) {
      const key = ctx.secret(dhchapKey());
      const ctrl = ctx.secret(dhchapKey());
      const { request, host, answer } = await registerNvmeHost(ctx, { dhchap_key: key, dhchap_ctrl_key: ctrl });
      ensure(!JSON.stringify(answer.body).includes(key.slice(10, 40)), 'POST /hosts returns the DH-CHAP key', answer);
      const list = await ctx.api.listHosts();
      expectBody(list, 'GET /hosts');
      ensure(!JSON.stringify(list.body).includes(key.slice(10, 40)), 'GET /hosts returns the DH-CHAP key', list);
      const volume = await ctx.make.volume({ access_protocol: 'nvmetcp' });
      const first = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: 'nvmetcp' });
      const info = expectBody<PublishInfo>(first, 'publish to the host with DH-CHAP');
      ensure(info.dhchap === 'bidirectional', `publish answers dhchap ${info.dhchap}, not bidirectional`, first);
      const { dhchap_key: _key, dhchap_ctrl_key: _ctrl, ...withoutKeys } = request;
      expectBody<Host>(await ctx.api.upsertHost(withoutKeys), 'register the host again without DH-CHAP');
      const second = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: 'nvmetcp' });
      const plain = expectBody<PublishInfo>(second, 'publish after DH-CHAP was removed');
      ensure(
        plain.dhchap === undefined || plain.dhchap === 'none',
        `publish still answers dhchap ${plain.dhchap} after the host was registered without keys`,
        second,
      );
    },
    async unclaimed(ctx) {
      const request = ctx.make.nvmeHostRequest({ dhchap_key: ctx.secret(dhchapKey()) });
      const answer = await ctx.api.upsertHost(request);
      expectBadRequest(answer, 'register a host with a DH-CHAP key the CSP cannot honour', 'dhchap_key');
      ctx.note('DH-CHAP keys are refused with 400 naming dhchap_key');
    },
  },
  {
    id: 'nvme.invalid',
    area: 'nvme',
    title: 'a malformed NQN or DH-CHAP key, or a controller key without a host key, answers 400 naming the field',
    protocol: 'nvmetcp',
    async run(ctx) {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['a malformed NQN', { nqns: ['not an nqn'] }, 'nqns'],
        ['a malformed DH-CHAP key', { dhchap_key: 'DHHC-1:00:not base64!:' }, 'dhchap_key'],
      ];
      if (ctx.features?.dhchap) {
        cases.push([
          'a controller key without a host key',
          { dhchap_ctrl_key: ctx.secret(dhchapKey()) },
          'dhchap_ctrl_key',
        ]);
      }
      for (const [what, extra, field] of cases) {
        const body = { ...ctx.make.nvmeHostRequest(), ...extra };
        const answer = await ctx.api.send({ operation: 'upsertHost', method: 'POST', path: '/hosts', body });
        expectBadRequest(answer, `register a host with ${what}`, field);
      }
    },
  },
];
