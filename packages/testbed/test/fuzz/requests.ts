// Contract requests for the CSP fuzz test: every route of the contract, with path, query, headers
// and body drawn from plausible values (names from a small pool, ids the CSP handed out, so
// requests reach deep into the CSP and collide with each other) and then mutated: missing or
// retyped fields, unknown fields, boundary numbers, nasty strings, bodies that are not JSON.
import { contractRoutes } from '@opencsp/csp-spec/server';
import { nastyString, nastyValue, type Rng, wellFormed } from './random.js';

export interface FuzzState {
  /** A session token the CSP issued (renewed when the CSP refuses it). */
  token: string;
  credentials: { username: string; password: string };
  /** array_ip / x-array-ip values a login may use (the array under test first). */
  arrayIps: string[];
  volumes: string[];
  snapshots: string[];
  hosts: string[];
  /** Config keys this CSP knows, with plausible values. */
  config: Record<string, Array<string | number | boolean>>;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  operationId: string;
}

const routes = contractRoutes();
const MiB = 1024 * 1024;
const chapSecret = 'fuzz-chap-1234';

/** Secrets the fuzz sends; no answer may contain them. */
export const fuzzSecrets = [chapSecret, 'fuzz-mutual-987'];

function namePool(rng: Rng, prefix: string, size: number): string {
  return rng.chance(0.9) ? `${prefix}${rng.int(size)}` : nastyString(rng);
}

function idFrom(rng: Rng, known: string[]): string {
  if (known.length > 0 && rng.chance(0.75)) {
    return rng.pick(known);
  }
  return rng.pick([nastyString(rng), 'tank~k8s~fz-1', '0000~00000000-0000-0000-0000-000000000000', 'x'.repeat(300)]);
}

function config(rng: Rng, state: FuzzState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(state.config)) {
    if (rng.chance(0.3)) {
      out[key] = rng.chance(0.85) ? rng.pick(values) : nastyValue(rng);
    }
  }
  if (rng.chance(0.1)) {
    out[nastyString(rng).slice(0, 30)] = nastyValue(rng);
  }
  return out;
}

function size(rng: Rng): unknown {
  return rng.chance(0.85)
    ? rng.pick([1, MiB, 16 * MiB, 64 * MiB, 1024 * MiB, 2048 * MiB])
    : rng.pick([0, -1, 1.5, 2 ** 50, 2 ** 63, '1Gi', null]);
}

/** A plausible body for an operation, before mutation. */
function body(rng: Rng, operationId: string, state: FuzzState): Record<string, unknown> | undefined {
  switch (operationId) {
    case 'createToken':
      return {
        username: rng.chance(0.9) ? state.credentials.username : nastyString(rng),
        password: rng.chance(0.7) ? state.credentials.password : nastyString(rng),
        ...(rng.chance(0.5) ? { array_ip: rng.pick(state.arrayIps) } : {}),
      };
    case 'upsertHost': {
      const uuid = namePool(rng, 'fz-host-', 4);
      const host: Record<string, unknown> = { uuid, name: uuid, iqns: [`iqn.2024-01.io.opencsp.fuzz:${rng.int(4)}`] };
      if (rng.chance(0.3)) {
        host.chap_user = `fz-chap-${rng.int(3)}`;
        host.chap_password = chapSecret;
      }
      if (rng.chance(0.1)) {
        host.chap_mutual_user = 'fz-mutual';
        host.chap_mutual_password = 'fuzz-mutual-987';
      }
      if (rng.chance(0.2)) {
        host.networks = [rng.pick(['10.0.0.0/8', '192.0.2.0/24', 'fd00::/8', 'not-a-cidr'])];
      }
      return host;
    }
    case 'createVolume': {
      const volume: Record<string, unknown> = { name: namePool(rng, 'fz-', 12), size: size(rng) };
      if (rng.chance(0.3)) {
        volume.description = nastyString(rng);
      }
      if (rng.chance(0.4)) {
        volume.config = config(rng, state);
      }
      if (rng.chance(0.15)) {
        volume.base_snapshot_id = idFrom(rng, state.snapshots);
        volume.clone = rng.chance(0.9);
      }
      return volume;
    }
    case 'updateVolume':
      return {
        ...(rng.chance(0.5) ? { size: size(rng) } : {}),
        ...(rng.chance(0.3) ? { description: nastyString(rng) } : {}),
        ...(rng.chance(0.3) ? { config: config(rng, state) } : {}),
      };
    case 'publishVolume':
      return {
        host_uuid: namePool(rng, 'fz-host-', 4),
        ...(rng.chance(0.2) ? { read_only: rng.chance(0.5) } : {}),
        ...(rng.chance(0.1) ? { access_protocol: rng.pick(['iscsi', 'fc', 'nvmetcp', 'nfs', 'smb']) } : {}),
      };
    case 'unpublishVolume':
      return { host_uuid: namePool(rng, 'fz-host-', 4) };
    case 'createSnapshot':
      return {
        volume_id: idFrom(rng, state.volumes),
        name: namePool(rng, 'fz-snap-', 6),
        ...(rng.chance(0.3) ? { description: nastyString(rng) } : {}),
      };
    case 'createVolumeGroup':
      return { name: namePool(rng, 'fz-group-', 3) };
    case 'createSnapshotGroup':
      return { name: namePool(rng, 'fz-sg-', 3), volume_group_id: nastyString(rng) };
    case 'queryCapacity':
      return { config: config(rng, state) };
    default:
      return undefined;
  }
}

/** Breaks a body the way careless or hostile clients do. */
function mutate(rng: Rng, value: Record<string, unknown> | undefined): unknown {
  const copy: Record<string, unknown> = { ...(value ?? {}) };
  const keys = Object.keys(copy);
  switch (rng.int(6)) {
    case 0:
      if (keys.length > 0) {
        delete copy[rng.pick(keys)];
      }
      return copy;
    case 1:
      if (keys.length > 0) {
        copy[rng.pick(keys)] = nastyValue(rng);
      }
      return copy;
    case 2:
      copy[nastyString(rng).slice(0, 40) || 'extra'] = nastyValue(rng);
      return copy;
    case 3:
      return nastyValue(rng);
    case 4:
      return JSON.parse(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}`);
    default:
      return copy;
  }
}

function optional(rng: Rng, p: number, key: string, value: () => string): Record<string, string> {
  return rng.chance(p) ? { [key]: value() } : {};
}

const queries: Record<string, (rng: Rng, state: FuzzState) => Record<string, string>> = {
  listVolumes: (rng) => ({
    ...(rng.chance(0.4) ? { name: namePool(rng, 'fz-', 12) } : {}),
    ...(rng.chance(0.3) ? { limit: String(rng.pick([0, 1, 5, 1000, -1, 1e9, 'x'])) } : {}),
    ...(rng.chance(0.2) ? { starting_token: nastyString(rng) } : {}),
  }),
  deleteVolume: (rng) => optional(rng, 0.5, 'force', () => rng.pick(['true', 'false', 'yes', '1', ''])),
  listSnapshots: (rng, state) => ({
    ...(rng.chance(0.6) ? { volume_id: idFrom(rng, state.volumes) } : {}),
    ...(rng.chance(0.3) ? { name: namePool(rng, 'fz-snap-', 6) } : {}),
    ...(rng.chance(0.2) ? { mode: rng.pick(['exists', 'all', '']) } : {}),
    ...(rng.chance(0.2) ? { limit: String(rng.pick([1, 3, 0, -5])) } : {}),
  }),
  deleteHostByUuid: (rng) => optional(rng, 0.9, 'uuid', () => namePool(rng, 'fz-host-', 4)),
  listVolumeGroups: (rng) => optional(rng, 0.5, 'name', () => nastyString(rng)),
  listSnapshotGroups: (rng) => optional(rng, 0.8, 'volume_group_id', () => nastyString(rng)),
  listReplicationPartners: (rng) => optional(rng, 0.5, 'name', () => nastyString(rng)),
};

function pathOf(rng: Rng, url: string, state: FuzzState, operationId: string): string {
  return url.replace(/:(\w+)/g, () => {
    const known = operationId.includes('Snapshot') && !operationId.includes('Group') ? state.snapshots : state.volumes;
    const id = operationId.includes('Host') ? idFrom(rng, state.hosts) : idFrom(rng, known);
    const text = wellFormed(id);
    return rng.chance(0.95) ? encodeURIComponent(text) : text.replace(/[^\x21-\x7e]/g, '_');
  });
}

function queryString(params: Record<string, string>, rng: Rng): string {
  const search = new URLSearchParams(params);
  if (rng.chance(0.05)) {
    search.append(nastyString(rng).slice(0, 20) || 'x', nastyString(rng).slice(0, 40));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** One contract request, plausible or broken, from the current state. */
export function contractRequest(rng: Rng, state: FuzzState): FuzzRequest {
  const route = rng.pick(routes);
  const headers: Record<string, string> = {};
  if (route.secured || rng.chance(0.1)) {
    const auth = rng.int(20);
    if (auth < 17) {
      headers['x-auth-token'] = state.token;
    } else if (auth === 17) {
      headers['x-auth-token'] = nastyString(rng).replace(/[^\x20-\x7e]/g, '') || 'x';
    }
  }
  if (rng.chance(0.2)) {
    headers['x-array-ip'] = rng.pick(state.arrayIps).replace(/[^\x20-\x7e]/g, '');
  }
  const query = queries[route.operationId]?.(rng, state) ?? {};
  const path = `${pathOf(rng, route.url, state, route.operationId)}${queryString(query, rng)}`;
  let payload: string | undefined;
  const plain = body(rng, route.operationId, state);
  if (plain !== undefined || rng.chance(0.05)) {
    const value = rng.chance(0.6) ? plain : mutate(rng, plain);
    const json = JSON.stringify(value ?? null);
    payload = rng.chance(0.03) ? json.slice(0, -1) : json;
    headers['content-type'] = rng.chance(0.95) ? 'application/json' : rng.pick(['text/plain', 'application/xml', '']);
  }
  return { method: route.method, path, headers, body: payload, operationId: route.operationId };
}
