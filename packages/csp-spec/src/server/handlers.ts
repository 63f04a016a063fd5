// One handler per contract operation. Handlers receive already-validated input, call the array
// session and shape the answer; they hold no HTTP framework types.

import { isObjectName } from '../names.js';
import type {
  HostRequest,
  PublishOptions,
  SnapshotCreateRequest,
  SnapshotGroupCreateRequest,
  UnpublishOptions,
  VolumeCreateRequest,
  VolumeGroupCreateRequest,
  VolumeUpdateRequest,
} from '../types.js';
import { CspProblem, notFound, notImplemented } from './errors.js';
import type { KeyedMutex } from './locks.js';
import type { ArraySession, PageRequest } from './provider.js';

export interface HandlerInput {
  session: ArraySession;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  locks: KeyedMutex;
}

export interface HandlerResult {
  status: 200 | 204;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (input: HandlerInput) => Promise<HandlerResult>;

const ok = (body: unknown, headers?: Record<string, string>): HandlerResult =>
  headers ? { status: 200, body, headers } : { status: 200, body };
const noContent: HandlerResult = { status: 204 };

function page(query: Record<string, unknown>): PageRequest {
  return {
    limit: typeof query.limit === 'number' ? query.limit : undefined,
    startingToken: typeof query.starting_token === 'string' ? query.starting_token : undefined,
  };
}

function pageHeaders(nextToken: string | undefined): Record<string, string> | undefined {
  return nextToken ? { 'x-opencsp-next-token': nextToken } : undefined;
}

/** Runs `work` under the array-scoped lock of one object, so concurrent edits never interleave. */
function locked<T>(input: HandlerInput, key: string, work: () => Promise<T>): Promise<T> {
  return input.locks.run(`${input.session.arrayAddress}|${key}`, work);
}

/** A volume group named to a CSP without volume groups: 400, before the array is asked anything. */
function requireGroups(session: ArraySession, field: string): void {
  if (typeof session.createVolumeGroup !== 'function') {
    throw new CspProblem('INVALID_INPUT', `${field}: this CSP has no volume groups`, { field });
  }
}

/** Refuses a volume name outside ObjectName unless the provider claims `any_volume_name`. */
async function checkVolumeName(session: ArraySession, name: string, field: string): Promise<void> {
  if (isObjectName(name) || (await session.capabilities()).features.any_volume_name === true) {
    return;
  }
  throw new CspProblem(
    'INVALID_INPUT',
    `${field}: this CSP takes volume names of letters, digits, '.', '_', ':' and '-' starting with a letter or digit (it does not claim any_volume_name)`,
    { field },
  );
}

function optional<K extends keyof ArraySession>(session: ArraySession, method: K, what: string) {
  const fn = session[method];
  if (typeof fn !== 'function') {
    throw notImplemented(what);
  }
  return (fn as (...args: unknown[]) => unknown).bind(session) as NonNullable<ArraySession[K]>;
}

const hostHandlers: Record<string, Handler> = {
  listHosts: async ({ session }) => ok(await session.listHosts()),
  upsertHost: async (input) => {
    const host = input.body as HostRequest;
    if (!host.iqns?.length && !host.wwpns?.length && !host.nqns?.length) {
      throw new CspProblem('INVALID_INPUT', 'body.iqns: a host needs iqns, wwpns or nqns', { field: 'body.iqns' });
    }
    return ok(await locked(input, `host:${host.uuid}`, () => input.session.upsertHost(host)));
  },
  deleteHost: async (input) => {
    await locked(input, `hostid:${input.params.id}`, () => input.session.deleteHost(String(input.params.id)));
    return noContent;
  },
  deleteHostByUuid: async (input) => {
    const uuid = String(input.query.uuid);
    await locked(input, `host:${uuid}`, () => input.session.deleteHostByUuid(uuid));
    return noContent;
  },
};

const volumeHandlers: Record<string, Handler> = {
  listVolumes: async ({ session, query }) => {
    if (typeof query.name === 'string') {
      await checkVolumeName(session, query.name, 'query.name');
      const group = typeof query.volume_group_id === 'string' ? query.volume_group_id : undefined;
      if (group !== undefined) {
        requireGroups(session, 'query.volume_group_id');
      }
      const volume = await (group === undefined
        ? session.findVolumeByName(query.name)
        : session.findVolumeByName(query.name, group));
      if (!volume) {
        throw notFound(`volume named ${query.name}${group === undefined ? '' : ` in volume group ${group}`}`);
      }
      return ok([volume]);
    }
    const result = await session.listVolumes(page(query));
    return ok(result.items, pageHeaders(result.nextToken));
  },
  createVolume: async (input) => {
    const request = input.body as VolumeCreateRequest;
    if (request.encrypted) {
      throw new CspProblem('INVALID_INPUT', 'body.encrypted: array-side encryption is not supported', {
        field: 'body.encrypted',
      });
    }
    const cloning = Boolean(request.base_snapshot_id);
    if (cloning && request.clone !== true) {
      throw new CspProblem('INVALID_INPUT', 'body.clone: must be true when base_snapshot_id is set', {
        field: 'body.clone',
      });
    }
    if (!cloning && request.size === undefined) {
      throw new CspProblem('INVALID_INPUT', 'body.size: is required unless cloning from a snapshot', {
        field: 'body.size',
      });
    }
    if (request.volume_group_id) {
      requireGroups(input.session, 'body.volume_group_id');
    }
    await checkVolumeName(input.session, request.name, 'body.name');
    return ok(await locked(input, `volname:${request.name}`, () => input.session.createVolume(request)));
  },
  getVolume: async ({ session, params }) => ok(await session.getVolume(String(params.id))),
  updateVolume: async (input) => {
    const id = String(input.params.id);
    const request = input.body as VolumeUpdateRequest;
    if (request.id !== undefined && request.id !== '' && request.id !== id) {
      throw new CspProblem('INVALID_INPUT', 'body.id: does not match the volume id in the path', { field: 'body.id' });
    }
    return ok(await locked(input, `vol:${id}`, () => input.session.updateVolume(id, request)));
  },
  deleteVolume: async (input) => {
    const id = String(input.params.id);
    const force = input.query.force === true;
    await locked(input, `vol:${id}`, () => input.session.deleteVolume(id, { force }));
    return noContent;
  },
  publishVolume: async (input) => {
    const id = String(input.params.id);
    const options = input.body as PublishOptions;
    const publish = () => input.session.publishVolume(id, options);
    // With a limit, publishes to one host run one at a time, so the provider's count stays true.
    const limited =
      options.host_volume_limit === undefined ? publish : () => locked(input, `host:${options.host_uuid}`, publish);
    return ok(await locked(input, `vol:${id}`, limited));
  },
  unpublishVolume: async (input) => {
    const id = String(input.params.id);
    const options = input.body as UnpublishOptions;
    await locked(input, `vol:${id}`, () => input.session.unpublishVolume(id, options));
    return noContent;
  },
};

const snapshotHandlers: Record<string, Handler> = {
  listSnapshots: async ({ session, query }) => {
    const filter = {
      volumeId: typeof query.volume_id === 'string' ? query.volume_id : undefined,
      name: typeof query.name === 'string' ? query.name : undefined,
      existsOnly: query.mode === 'exists',
    };
    const result = await session.listSnapshots(filter, page(query));
    if (filter.name !== undefined && result.items.length === 0) {
      throw notFound(`snapshot named ${filter.name}`);
    }
    return ok(result.items, pageHeaders(result.nextToken));
  },
  createSnapshot: async (input) => {
    const request = input.body as SnapshotCreateRequest;
    return ok(await locked(input, `vol:${request.volume_id}`, () => input.session.createSnapshot(request)));
  },
  getSnapshot: async ({ session, params }) => ok(await session.getSnapshot(String(params.id))),
  deleteSnapshot: async (input) => {
    const id = String(input.params.id);
    await locked(input, `snap:${id}`, () => input.session.deleteSnapshot(id));
    return noContent;
  },
};

const groupHandlers: Record<string, Handler> = {
  listVolumeGroups: async ({ session, query }) => {
    const name = typeof query.name === 'string' ? query.name : undefined;
    const groups = await optional(session, 'listVolumeGroups', 'volume groups')(name);
    if (name !== undefined && groups.length === 0) {
      throw notFound(`volume group named ${name}`);
    }
    return ok(groups);
  },
  createVolumeGroup: async ({ session, body }) =>
    ok(await optional(session, 'createVolumeGroup', 'volume groups')(body as VolumeGroupCreateRequest)),
  getVolumeGroup: async ({ session, params }) =>
    ok(await optional(session, 'getVolumeGroup', 'volume groups')(String(params.id))),
  deleteVolumeGroup: async ({ session, params }) => {
    await optional(session, 'deleteVolumeGroup', 'volume groups')(String(params.id));
    return noContent;
  },
  listSnapshotGroups: async ({ session, query }) => {
    const list = optional(session, 'listSnapshotGroups', 'snapshot groups');
    const group = String(query.volume_group_id);
    if (typeof query.name !== 'string') {
      return ok(await list(group));
    }
    const found = await list(group, query.name);
    if (found.length === 0) {
      throw notFound(`snapshot group named ${query.name} in volume group ${group}`);
    }
    return ok(found);
  },
  createSnapshotGroup: async ({ session, body }) =>
    ok(await optional(session, 'createSnapshotGroup', 'snapshot groups')(body as SnapshotGroupCreateRequest)),
  getSnapshotGroup: async ({ session, params }) =>
    ok(await optional(session, 'getSnapshotGroup', 'snapshot groups')(String(params.id))),
  deleteSnapshotGroup: async ({ session, params }) => {
    await optional(session, 'deleteSnapshotGroup', 'snapshot groups')(String(params.id));
    return noContent;
  },
  listReplicationPartners: async ({ session, query }) => {
    const partners = session.listReplicationPartners ? await session.listReplicationPartners() : [];
    if (typeof query.name === 'string') {
      const match = partners.filter((p) => p.name === query.name);
      if (match.length === 0) {
        throw notFound(`replication partner named ${query.name}`);
      }
      return ok(match);
    }
    return ok(partners);
  },
};

const extensionHandlers: Record<string, Handler> = {
  getCapabilities: async ({ session }) => ok(await session.capabilities()),
  queryCapacity: async ({ session, body }) => {
    const config = (body as { config?: Record<string, string | number | boolean> }).config ?? {};
    return ok(await optional(session, 'queryCapacity', 'capacity')(config));
  },
};

/** Handlers for every operation that needs a session (tokens are handled by the app itself). */
export const sessionHandlers: Readonly<Record<string, Handler>> = {
  ...hostHandlers,
  ...volumeHandlers,
  ...snapshotHandlers,
  ...groupHandlers,
  ...extensionHandlers,
};
