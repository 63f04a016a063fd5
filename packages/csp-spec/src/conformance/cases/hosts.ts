// Hosts: POST /hosts is an upsert keyed by uuid, CHAP secrets are never returned, and deletes by
// id (404 when unknown) and by uuid (204 when unknown) behave as the contract says.
import { randomBytes } from 'node:crypto';
import type { Host } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBadRequest, expectBody, expectError, expectNoContent } from '../expect.js';
import type { ConformanceCase } from '../types.js';

async function hostsWithUuid(ctx: CaseContext, uuid: string): Promise<Host[]> {
  const list = await ctx.api.listHosts();
  return expectBody<Host[]>(list, 'GET /hosts').filter((h) => h.uuid === uuid);
}

export const hostCases: ConformanceCase[] = [
  {
    id: 'hosts.upsert',
    area: 'hosts',
    title: 'POST /hosts registers a host and answers 200 with its id, uuid and initiators',
    async run(ctx) {
      const request = ctx.make.hostRequest();
      const answer = await ctx.api.upsertHost(request);
      const host = expectBody<Host>(answer, 'register a host');
      ensure(host.uuid === request.uuid, `the host's uuid is ${host.uuid}, not ${request.uuid}`, answer);
      ensure(host.id !== '', 'the host has an empty id', answer);
      if (host.iqns) {
        ensure(host.iqns.includes(request.iqns?.[0] as string), 'the answer lacks the registered IQN', answer);
      }
    },
  },
  {
    id: 'hosts.upsert-again',
    area: 'hosts',
    title: 'POST /hosts with a known uuid updates that host (same id, new initiators), never adds one',
    async run(ctx) {
      const { host, request } = await ctx.make.host();
      const iqn = `iqn.2024-01.io.opencsp.conformance:${ctx.name('iqn')}`;
      const again = await ctx.api.upsertHost({ ...request, iqns: [iqn] });
      const updated = expectBody<Host>(again, 'register the same uuid again');
      ensure(updated.id === host.id, `the second upsert changed the id from ${host.id} to ${updated.id}`, again);
      if (updated.iqns) {
        ensure(
          updated.iqns.length === 1 && updated.iqns[0] === iqn,
          'the second upsert did not replace the IQNs',
          again,
        );
      }
      const matches = await hostsWithUuid(ctx, request.uuid);
      ensure(matches.length === 1, `GET /hosts lists ${matches.length} hosts with uuid ${request.uuid}, not 1`);
    },
  },
  {
    id: 'hosts.list',
    area: 'hosts',
    title: 'GET /hosts answers 200 with every registered host',
    async run(ctx) {
      const { request } = await ctx.make.host();
      const matches = await hostsWithUuid(ctx, request.uuid);
      ensure(matches.length === 1, `GET /hosts does not list the host ${request.uuid}`);
    },
  },
  {
    id: 'hosts.chap-hidden',
    area: 'hosts',
    title: 'CHAP secrets given to POST /hosts are never returned',
    async run(ctx) {
      const secret = ctx.secret(`Cc${randomBytes(7).toString('hex')}`);
      const answer = await ctx.api.upsertHost(
        ctx.make.hostRequest({ chap_user: 'cspconf-chap', chap_password: secret }),
      );
      const host = expectBody<Host>(answer, 'register a host with CHAP');
      ensure(!JSON.stringify(answer.body).includes(secret), 'POST /hosts returns the CHAP secret', answer);
      const list = await ctx.api.listHosts();
      expectBody(list, 'GET /hosts');
      ensure(!JSON.stringify(list.body).includes(secret), 'GET /hosts returns the CHAP secret', list);
      ensure(host.uuid !== '', 'the host has no uuid', answer);
    },
  },
  {
    id: 'hosts.delete-by-id',
    area: 'hosts',
    title: 'DELETE /hosts/{id} answers 204, then 404 for the same id',
    async run(ctx) {
      const { host, request } = await ctx.make.host();
      expectNoContent(await ctx.api.deleteHost(host.id), 'delete the host by id');
      ensure((await hostsWithUuid(ctx, request.uuid)).length === 0, 'GET /hosts still lists the deleted host');
      expectError(await ctx.api.deleteHost(host.id), 404, 'delete the same host id again');
    },
  },
  {
    id: 'hosts.delete-by-uuid',
    area: 'hosts',
    title: 'DELETE /hosts?uuid= answers 204, also again and for a uuid never registered',
    async run(ctx) {
      const { request } = await ctx.make.host();
      expectNoContent(await ctx.api.deleteHostByUuid(request.uuid), 'delete the host by uuid');
      ensure((await hostsWithUuid(ctx, request.uuid)).length === 0, 'GET /hosts still lists the deleted host');
      expectNoContent(await ctx.api.deleteHostByUuid(request.uuid), 'delete the same uuid again');
      expectNoContent(await ctx.api.deleteHostByUuid(ctx.name('nohost')), 'delete a uuid never registered');
    },
  },
  {
    id: 'hosts.invalid',
    area: 'hosts',
    title: 'POST /hosts without initiators, with a bad IQN or CIDR, or without uuid answers 400 and registers nothing',
    async run(ctx) {
      const base = ctx.make.hostRequest();
      const cases: Array<[string, unknown, string]> = [
        ['no initiators', { uuid: base.uuid, iqns: [] }, 'iqns'],
        ['a malformed IQN', { ...base, iqns: ['not an iqn'] }, 'iqns'],
        ['a malformed CIDR', { ...base, networks: ['10.0.0.5'] }, 'networks'],
        ['no uuid', { iqns: base.iqns }, 'uuid'],
      ];
      for (const [what, body, field] of cases) {
        const answer = await ctx.api.send({ operation: 'upsertHost', method: 'POST', path: '/hosts', body });
        expectBadRequest(answer, `register a host with ${what}`, field);
      }
      ensure((await hostsWithUuid(ctx, base.uuid)).length === 0, 'a rejected host was registered anyway');
    },
  },
];
