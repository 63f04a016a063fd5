// Bad input: every malformed or out-of-range request answers 400 with a message naming the field,
// and changes nothing (no volume appears, sizes stay as they were).

import { isVolumeName } from '../../names.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBadRequest, expectError } from '../expect.js';
import type { Method } from '../probe.js';
import type { ConformanceCase } from '../types.js';
import { expectNoVolumeNamed, getVolume } from './lookups.js';

const enc = encodeURIComponent;
const unknownField = 'cspconf_unknown_field';
const unknownConfigKey = 'cspconf_unknown_key';

/** POST /volumes with `body`, which must be refused with a 400 naming `field`; nothing may be created. */
async function refuseVolume(ctx: CaseContext, what: string, body: Record<string, unknown>, field: string) {
  const answer = await ctx.api.send({ operation: 'createVolume', method: 'POST', path: '/volumes', body });
  expectBadRequest(answer, `create a volume with ${what}`, field);
  if (typeof body.name === 'string' && isVolumeName(body.name)) {
    await expectNoVolumeNamed(ctx, body.name, `after refusing ${what}`);
  }
}

async function send(ctx: CaseContext, operation: string, method: Method, path: string, body: unknown) {
  return ctx.api.send({ operation, method, path, body });
}

export const validationCases: ConformanceCase[] = [
  {
    id: 'validation.size-range',
    area: 'validation',
    title: 'a negative, zero, fractional or too large size answers 400 on create and expand, changing nothing',
    async run(ctx) {
      for (const size of [-1, 0, 1.5, 2 ** 53]) {
        await refuseVolume(ctx, `size ${size}`, { name: ctx.name('vol'), size }, 'size');
      }
      const volume = await ctx.make.volume();
      expectBadRequest(
        await send(ctx, 'updateVolume', 'PUT', `/volumes/${enc(volume.id)}`, { size: -1 }),
        'expand to -1',
        'size',
      );
      const after = await getVolume(ctx, volume.id, 'get the volume after the refused expand');
      ensure(after.size === volume.size, `a refused expand changed the size to ${after.size}`);
    },
  },
  {
    id: 'validation.wrong-types',
    area: 'validation',
    title: 'fields of the wrong JSON type answer 400 naming the field',
    async run(ctx) {
      await refuseVolume(ctx, 'size as a string', { name: ctx.name('vol'), size: String(ctx.size) }, 'size');
      await refuseVolume(ctx, 'name as a number', { name: 12345, size: ctx.size }, 'name');
      await refuseVolume(
        ctx,
        'description as an object',
        { name: ctx.name('vol'), size: ctx.size, description: {} },
        'description',
      );
      const host = ctx.make.hostRequest();
      const iqns = await send(ctx, 'upsertHost', 'POST', '/hosts', { ...host, iqns: host.iqns?.[0] });
      expectBadRequest(iqns, 'register a host with iqns as a string', 'iqns');
      const volume = await ctx.make.volume();
      const publish = await send(ctx, 'publishVolume', 'PUT', `/volumes/${enc(volume.id)}/actions/publish`, {
        host_uuid: 42,
      });
      expectBadRequest(publish, 'publish with host_uuid as a number', 'host_uuid');
    },
  },
  {
    id: 'validation.unknown-fields',
    area: 'validation',
    title: 'fields the contract does not define answer 400 naming the field, on every request body that forbids them',
    async run(ctx) {
      const extra = { [unknownField]: true };
      const login = await ctx.api.send({
        operation: 'createToken',
        method: 'POST',
        path: '/tokens',
        body: { username: ctx.username, password: ctx.password, ...extra },
        auth: 'none',
        arrayIp: null,
      });
      expectBadRequest(login, 'log in with an unknown field', unknownField);
      const host = ctx.make.hostRequest();
      expectBadRequest(
        await send(ctx, 'upsertHost', 'POST', '/hosts', { ...host, ...extra }),
        'register a host with an unknown field',
        unknownField,
      );
      await refuseVolume(ctx, 'an unknown field', { name: ctx.name('vol'), size: ctx.size, ...extra }, unknownField);
      const volume = await ctx.make.volume();
      const path = `/volumes/${enc(volume.id)}`;
      const checks: Array<[string, string, Method, string, unknown]> = [
        ['expand', 'updateVolume', 'PUT', path, { size: volume.size, ...extra }],
        ['publish', 'publishVolume', 'PUT', `${path}/actions/publish`, { host_uuid: host.uuid, ...extra }],
        ['unpublish', 'unpublishVolume', 'PUT', `${path}/actions/unpublish`, { host_uuid: host.uuid, ...extra }],
        [
          'snapshot',
          'createSnapshot',
          'POST',
          '/snapshots',
          { name: ctx.name('snap'), volume_id: volume.id, ...extra },
        ],
      ];
      for (const [what, operation, method, target, body] of checks) {
        expectBadRequest(
          await send(ctx, operation, method, target, body),
          `${what} with an unknown field`,
          unknownField,
        );
      }
    },
  },
  {
    id: 'validation.bad-names',
    area: 'validation',
    title:
      'an empty volume name, one over 128 characters or with a control character, or a snapshot name with a space answers 400',
    async run(ctx) {
      const names: Array<[string, string]> = [
        ['an empty name', ''],
        ['a name of 129 characters', `a${'b'.repeat(128)}`],
        ['a name with a control character', `${ctx.name('vol')}\u0001`],
      ];
      for (const [what, name] of names) {
        await refuseVolume(ctx, what, { name, size: ctx.size }, 'name');
      }
      const volume = await ctx.make.volume();
      const snapshot = await send(ctx, 'createSnapshot', 'POST', '/snapshots', {
        name: 'bad name',
        volume_id: volume.id,
      });
      expectBadRequest(snapshot, 'snapshot with the name "bad name"', 'name');
    },
  },
  {
    id: 'validation.bad-ids',
    area: 'validation',
    title: "ids that break the contract's id pattern answer 400, not 404 or 500",
    async run(ctx) {
      for (const id of ['bad id!', '-leading-dash', `a${'b'.repeat(255)}`]) {
        const shown = id.length > 20 ? `${id.slice(0, 12)}...` : id;
        expectError(await ctx.api.getVolume(id), 400, `get volume ${JSON.stringify(shown)}`);
        expectError(await ctx.api.deleteVolume(id), 400, `delete volume ${JSON.stringify(shown)}`);
        expectError(await ctx.api.getSnapshot(id), 400, `get snapshot ${JSON.stringify(shown)}`);
      }
    },
  },
  {
    id: 'validation.malformed-json',
    area: 'validation',
    title: 'a body that is not JSON answers 400',
    async run(ctx) {
      const name = ctx.name('vol');
      const create = await ctx.api.send({
        operation: 'createVolume',
        method: 'POST',
        path: '/volumes',
        rawBody: `{"name": "${name}", "size": `,
      });
      expectError(create, 400, 'create a volume with truncated JSON');
      await expectNoVolumeNamed(ctx, name, 'after the truncated JSON');
      const host = await ctx.api.send({ operation: 'upsertHost', method: 'POST', path: '/hosts', rawBody: 'not json' });
      expectError(host, 400, 'register a host with a body that is not JSON');
    },
  },
  {
    id: 'validation.missing-fields',
    area: 'validation',
    title: 'a request without a required field answers 400 naming it',
    async run(ctx) {
      await refuseVolume(ctx, 'no name', { size: ctx.size }, 'name');
      await refuseVolume(ctx, 'no size and no snapshot to clone', { name: ctx.name('vol') }, 'size');
      const login = await ctx.api.send({
        operation: 'createToken',
        method: 'POST',
        path: '/tokens',
        body: { username: ctx.username },
        auth: 'none',
        arrayIp: null,
      });
      expectBadRequest(login, 'log in without a password', 'password');
      const volume = await ctx.make.volume();
      const path = `/volumes/${enc(volume.id)}`;
      expectBadRequest(
        await send(ctx, 'createSnapshot', 'POST', '/snapshots', { name: ctx.name('snap') }),
        'snapshot without volume_id',
        'volume_id',
      );
      expectBadRequest(
        await send(ctx, 'publishVolume', 'PUT', `${path}/actions/publish`, {}),
        'publish without host_uuid',
        'host_uuid',
      );
      expectBadRequest(
        await send(ctx, 'unpublishVolume', 'PUT', `${path}/actions/unpublish`, {}),
        'unpublish without host_uuid',
        'host_uuid',
      );
    },
  },
  {
    id: 'validation.empty-update',
    area: 'validation',
    title: 'PUT /volumes/{id} with an empty object answers 400',
    async run(ctx) {
      const volume = await ctx.make.volume();
      expectError(await send(ctx, 'updateVolume', 'PUT', `/volumes/${enc(volume.id)}`, {}), 400, 'update with {}');
    },
  },
  {
    id: 'validation.unknown-config-key',
    area: 'validation',
    title: 'a config key the CSP does not know answers 400 naming the key, on create and on update',
    async run(ctx) {
      const config = { [unknownConfigKey]: 'x' };
      await refuseVolume(
        ctx,
        'an unknown config key',
        { name: ctx.name('vol'), size: ctx.size, config },
        unknownConfigKey,
      );
      const volume = await ctx.make.volume();
      const update = await send(ctx, 'updateVolume', 'PUT', `/volumes/${enc(volume.id)}`, { config });
      expectBadRequest(update, 'update with an unknown config key', unknownConfigKey);
    },
  },
  {
    id: 'validation.bad-query',
    area: 'validation',
    title: 'query parameters of the wrong type or value (force=maybe, mode=all) answer 400',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const force = await ctx.api.send({
        operation: 'deleteVolume',
        method: 'DELETE',
        path: `/volumes/${enc(volume.id)}`,
        query: { force: 'maybe' },
      });
      expectBadRequest(force, 'delete with force=maybe', 'force');
      await getVolume(ctx, volume.id, 'get the volume after the refused delete');
      const mode = await ctx.api.listSnapshots({ volume_id: volume.id, mode: 'all' });
      expectBadRequest(mode, 'list snapshots with mode=all', 'mode');
    },
  },
  {
    id: 'validation.clone-flag',
    area: 'validation',
    title: 'base_snapshot_id without clone: true answers 400 and creates nothing',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const snapshot = await ctx.make.snapshot(volume.id);
      await refuseVolume(
        ctx,
        'base_snapshot_id but no clone flag',
        { name: ctx.name('clone'), base_snapshot_id: snapshot.id },
        'clone',
      );
    },
  },
  {
    id: 'validation.id-mismatch',
    area: 'validation',
    title: 'PUT /volumes/{id} whose body names another id answers 400 and changes nothing',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const body = { id: ctx.name('other'), size: volume.size * 2 };
      expectBadRequest(
        await send(ctx, 'updateVolume', 'PUT', `/volumes/${enc(volume.id)}`, body),
        'update naming another id',
        'id',
      );
      const after = await getVolume(ctx, volume.id, 'get the volume after the refused update');
      ensure(after.size === volume.size, `the refused update changed the size to ${after.size}`);
    },
  },
  {
    id: 'validation.encrypted',
    area: 'validation',
    title: 'encrypted: true (reserved) answers 400 and creates nothing',
    async run(ctx) {
      await refuseVolume(
        ctx,
        'encrypted: true',
        { name: ctx.name('vol'), size: ctx.size, encrypted: true },
        'encrypted',
      );
    },
  },
];
