// The optional opencsp additions, each checked only when the CSP claims it in GET /capabilities.
// Where the contract says how an unclaimed feature is refused (501, 400), that is checked too.
import { randomBytes } from 'node:crypto';
import type { Capabilities, Capacity, PublishInfo, Snapshot, Volume } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBadRequest, expectBody, expectError, NotClaimed } from '../expect.js';
import type { ConformanceCase } from '../types.js';
import { getVolume } from './lookups.js';

const maxPages = 1000;

async function allVolumeIds(ctx: CaseContext): Promise<string[]> {
  const first = await ctx.api.listVolumes({ limit: 1 });
  const page = expectBody<Volume[]>(first, 'list one volume (limit=1)');
  ensure(page.length === 1, `limit=1 answered ${page.length} volumes`, first);
  let token = first.headers['x-opencsp-next-token'];
  ensure(typeof token === 'string' && token !== '', 'limit=1 with two volumes answered no x-opencsp-next-token', first);
  const ids = page.map((v) => v.id);
  for (let pages = 1; typeof token === 'string' && token !== ''; pages++) {
    ensure(pages < maxPages, `the volume list did not end after ${maxPages} pages`);
    const next = await ctx.api.listVolumes({ limit: 1000, starting_token: token });
    ids.push(...expectBody<Volume[]>(next, 'list the next page of volumes').map((v) => v.id));
    token = next.headers['x-opencsp-next-token'];
  }
  return ids;
}

export const extensionCases: ConformanceCase[] = [
  {
    id: 'extensions.capabilities',
    area: 'extensions',
    title: 'GET /capabilities answers 200 with valid capabilities, or 404 for a plain HPE-style CSP',
    async run(ctx) {
      const answer = await ctx.api.capabilities();
      if (answer.status === 404) {
        throw new NotClaimed('GET /capabilities answers 404: a plain HPE-style CSP, no opencsp feature is claimed');
      }
      const capabilities = expectBody<Capabilities>(answer, 'get the capabilities');
      ensure(
        /^1\./.test(capabilities.contract_version),
        `contract_version ${capabilities.contract_version} is not 1.x`,
        answer,
      );
      const limits = capabilities.limits ?? {};
      if (limits.min_volume_size !== undefined && limits.max_volume_size !== undefined) {
        ensure(limits.min_volume_size <= limits.max_volume_size, 'min_volume_size exceeds max_volume_size', answer);
      }
      const claimed = Object.entries(capabilities.features)
        .filter(([, on]) => on)
        .map(([name]) => name);
      ctx.note(`claims: ${claimed.join(', ') || 'nothing'}`);
    },
  },
  {
    id: 'extensions.capacity',
    area: 'extensions',
    title: 'POST /capacity answers 200 with available bytes (at most the total)',
    feature: 'capacity',
    async run(ctx) {
      const answer = await ctx.api.capacity({ config: {} });
      const capacity = expectBody<Capacity>(answer, 'query the capacity');
      if (capacity.total_bytes !== undefined) {
        ensure(capacity.available_bytes <= capacity.total_bytes, 'available_bytes exceeds total_bytes', answer);
      }
    },
    async unclaimed(ctx) {
      expectError(await ctx.api.capacity({ config: {} }), 501, 'query the capacity on a CSP without it');
      ctx.note('verified: POST /capacity answers 501');
    },
  },
  {
    id: 'extensions.volume-health',
    area: 'extensions',
    title: 'volumes carry health {abnormal, message}; a new volume is not abnormal',
    feature: 'volume_health',
    async run(ctx) {
      const created = await ctx.make.volume();
      const volume = await getVolume(ctx, created.id);
      ensure(volume.health !== undefined, 'GET /volumes/{id} answers no health');
      ensure(volume.health.abnormal === false, `a new volume is abnormal: ${volume.health.message}`);
    },
  },
  {
    id: 'extensions.list-pagination',
    area: 'extensions',
    title: 'GET /volumes?limit= pages with x-opencsp-next-token through every volume exactly once; limit=0 is 400',
    feature: 'list_pagination',
    async run(ctx) {
      const a = await ctx.make.volume();
      const b = await ctx.make.volume();
      const ids = await allVolumeIds(ctx);
      ensure(ids.includes(a.id) && ids.includes(b.id), 'paging through the volumes missed a new volume');
      ensure(new Set(ids).size === ids.length, 'paging through the volumes gave a volume twice');
      expectBadRequest(await ctx.api.listVolumes({ limit: 0 }), 'list with limit=0', 'limit');
    },
  },
  {
    id: 'extensions.list-all-snapshots',
    area: 'extensions',
    title: 'GET /snapshots without volume_id answers 200 with every snapshot',
    feature: 'list_all_snapshots',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const snapshot = await ctx.make.snapshot(volume.id);
      const answer = await ctx.api.listSnapshots();
      const all = expectBody<Snapshot[]>(answer, 'list every snapshot');
      ensure(
        all.some((s) => s.id === snapshot.id),
        `the list lacks snapshot ${snapshot.id}`,
        answer,
      );
    },
    async unclaimed(ctx) {
      expectError(await ctx.api.listSnapshots(), 400, 'list snapshots without volume_id on a CSP without the feature');
      ctx.note('verified: GET /snapshots without volume_id answers 400');
    },
  },
  {
    id: 'extensions.chap',
    area: 'extensions',
    title: 'publishing to a host registered with CHAP answers its chap_user',
    feature: 'chap',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const chapUser = 'cspconf-chap';
      const chapPassword = ctx.secret(`Cc${randomBytes(7).toString('hex')}`);
      const { host } = await ctx.make.host({ chap_user: chapUser, chap_password: chapPassword });
      const answer = await ctx.api.publish(volume.id, { host_uuid: host.uuid, access_protocol: ctx.accessProtocol });
      const info = expectBody<PublishInfo>(answer, 'publish to the CHAP host');
      ensure(info.chap_user === chapUser, `publish answers chap_user ${JSON.stringify(info.chap_user)}`, answer);
    },
  },
  {
    id: 'extensions.read-only-publish',
    area: 'extensions',
    title: 'publishing with read_only: true answers 200 with an attachment and the volume is published',
    feature: 'read_only_publish',
    async run(ctx) {
      const volume = await ctx.make.volume();
      const { host } = await ctx.make.host();
      const answer = await ctx.api.publish(volume.id, {
        host_uuid: host.uuid,
        access_protocol: ctx.accessProtocol,
        read_only: true,
      });
      expectBody<PublishInfo>(answer, 'publish read-only');
      const after = await getVolume(ctx, volume.id, 'get the read-only published volume');
      ensure(after.published === true, 'the volume is not published after a read-only publish');
    },
  },
];
