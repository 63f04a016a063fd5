// Changing a volume's settings after creation (`PUT /volumes/{id}` with `config`, stated by
// `mutable_config_keys`; backs CSI ControllerModifyVolume) and reporting who a volume is published
// to (`published_nodes`; backs CSI ListVolumes' published node ids).
import type { Capabilities, Volume } from '../../types.js';
import type { CaseContext } from '../context.js';
import { ensure, expectBadRequest, expectBody, NotClaimed } from '../expect.js';
import type { Exchange } from '../probe.js';
import type { ConformanceCase } from '../types.js';
import { getVolume } from './lookups.js';

const same = (a: unknown, b: unknown) => String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();

/** The answer's config holds `edit` (values compared without case: arrays spell them their own way). */
function ensureReports(volume: Volume, edit: Record<string, string>, what: string, exchange?: Exchange): void {
  for (const [key, value] of Object.entries(edit)) {
    ensure(
      same(volume.config?.[key], value),
      `${what}: config.${key} is ${JSON.stringify(volume.config?.[key])}, not ${JSON.stringify(value)}`,
      exchange,
    );
  }
}

function unchanged(before: Volume, after: Volume, keys: string[], what: string, exchange?: Exchange): void {
  for (const key of keys) {
    ensure(
      same(after.config?.[key], before.config?.[key]),
      `${what}: config.${key} changed from ${JSON.stringify(before.config?.[key])} to ${JSON.stringify(after.config?.[key])}`,
      exchange,
    );
  }
}

async function refusals(ctx: CaseContext, volume: Volume, mutable: string[], configKeys: string[]): Promise<void> {
  const unknownKey = `${ctx.prefix.replace(/[^a-z0-9]/g, '_')}_no_such_key`;
  const unknown = await ctx.api.updateVolume(volume.id, { config: { [unknownKey]: 'x' } });
  expectBadRequest(unknown, 'edit an unknown config key', `body.config.${unknownKey}`);
  const immutable = configKeys.find((k) => !mutable.includes(k));
  if (immutable === undefined) {
    ctx.note('every config key is mutable: no immutable-key refusal to check');
    return;
  }
  const edit = { ...(ctx.modifyConfig ?? {}), [immutable]: `${volume.config?.[immutable] ?? ''}-changed` };
  const refused = await ctx.api.updateVolume(volume.id, { config: edit });
  expectBadRequest(refused, `change the immutable key ${immutable} (with the valid edits)`, `body.config.${immutable}`);
  unchanged(volume, await getVolume(ctx, volume.id), mutable, 'a refused edit changed the volume', refused);
}

async function modifyVolume(ctx: CaseContext): Promise<void> {
  const mutable = ctx.capabilities?.mutable_config_keys;
  if (!mutable) {
    throw new NotClaimed('GET /capabilities names no mutable_config_keys');
  }
  const asked = await ctx.api.capabilities();
  const configKeys = expectBody<Capabilities>(asked, 'read the capabilities').config_keys ?? [];
  const strays = mutable.filter((k) => configKeys.length > 0 && !configKeys.includes(k));
  ensure(strays.length === 0, `mutable_config_keys names keys missing from config_keys: ${strays.join(', ')}`, asked);
  const volume = await ctx.make.volume();
  await refusals(ctx, volume, mutable, configKeys);
  const current = Object.fromEntries(
    mutable.filter((k) => volume.config?.[k] !== undefined).map((k) => [k, String(volume.config?.[k])]),
  );
  const noop = await ctx.api.updateVolume(volume.id, { config: current });
  ensureReports(expectBody<Volume>(noop, "repeat the volume's current mutable settings"), current, 'no-op edit', noop);
  const edit = ctx.modifyConfig;
  if (!edit) {
    ctx.note('no modifyConfig given (--modify-config): the change itself was not tried');
    return;
  }
  const badKeys = Object.keys(edit).filter((k) => !mutable.includes(k));
  ensure(badKeys.length === 0, `modifyConfig names keys outside mutable_config_keys: ${badKeys.join(', ')}`);
  const changed = await ctx.api.updateVolume(volume.id, { config: edit });
  ensureReports(expectBody<Volume>(changed, 'apply the config edit'), edit, 'the edit answer', changed);
  const again = await ctx.api.updateVolume(volume.id, { config: edit });
  ensureReports(expectBody<Volume>(again, 'apply the same edit again'), edit, 'the repeated edit', again);
  ensureReports(await getVolume(ctx, volume.id), edit, 'GET after the edit');
}

async function listed(ctx: CaseContext, id: string): Promise<Volume | undefined> {
  let token: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await ctx.api.listVolumes(
      token === undefined ? { limit: 1000 } : { limit: 1000, starting_token: token },
    );
    const found = expectBody<Volume[]>(page, 'list the volumes').find((v) => v.id === id);
    const next = page.headers['x-opencsp-next-token'];
    if (found || typeof next !== 'string' || next === '') {
      return found;
    }
    token = next;
  }
  return undefined;
}

function ensureNodes(volume: Volume | undefined, nodes: string[], what: string): void {
  ensure(volume !== undefined, `${what}: the volume is missing`);
  const reported = volume.published_nodes;
  ensure(
    Array.isArray(reported) && reported.length === nodes.length && nodes.every((n) => reported.includes(n)),
    `${what}: published_nodes is ${JSON.stringify(reported)}, not ${JSON.stringify(nodes)}`,
  );
}

async function publishedNodes(ctx: CaseContext): Promise<void> {
  const volume = await ctx.make.volume();
  ensureNodes(await getVolume(ctx, volume.id), [], 'a new volume');
  const { host } = await ctx.make.host();
  const nodeId = `${host.uuid};iqn.2024-01.io.opencsp.conformance:${host.uuid};192.0.2.10/24`;
  const publish = await ctx.api.publish(volume.id, {
    host_uuid: host.uuid,
    node_id: nodeId,
    access_protocol: ctx.accessProtocol,
  });
  expectBody(publish, 'publish with a node_id');
  ensureNodes(await getVolume(ctx, volume.id), [nodeId], 'GET after the publish');
  ensureNodes(await listed(ctx, volume.id), [nodeId], 'the volume list after the publish');
  const unpublish = await ctx.api.unpublish(volume.id, { host_uuid: host.uuid });
  ensure(unpublish.status === 204, `unpublish: expected 204, got ${unpublish.status}`, unpublish);
  ensureNodes(await getVolume(ctx, volume.id), [], 'GET after the unpublish');
  await ctx.make.publish(volume.id, host.uuid);
  ensureNodes(await getVolume(ctx, volume.id), [host.uuid], 'a publish without node_id');
}

export const modifyCases: ConformanceCase[] = [
  {
    id: 'extensions.modify-volume',
    area: 'extensions',
    title:
      'PUT /volumes/{id} config: mutable_config_keys change idempotently; unknown or immutable keys are 400 and change nothing',
    run: modifyVolume,
  },
  {
    id: 'extensions.published-nodes',
    area: 'extensions',
    title: "volumes report published_nodes: each publish's node_id (else the host uuid), gone after unpublish",
    feature: 'published_nodes',
    run: publishedNodes,
  },
];
