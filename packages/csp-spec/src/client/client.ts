// A typed client for the CSP contract. One method per operation, contract shapes in and out.
// Authentication is delegated to a TokenSource, so a caller can log in lazily and have a refused
// token (401) replaced once per call.
import type {
  Capabilities,
  Capacity,
  Config,
  Host,
  HostRequest,
  PublishInfo,
  PublishOptions,
  ReplicationPartner,
  Snapshot,
  SnapshotCreateRequest,
  SnapshotGroup,
  SnapshotGroupCreateRequest,
  Token,
  TokenRequest,
  UnpublishOptions,
  Volume,
  VolumeCreateRequest,
  VolumeGroup,
  VolumeGroupCreateRequest,
  VolumeUpdateRequest,
} from '../types.js';
import { CspHttpError, CspProtocolError } from './errors.js';
import { CspHttp, type HttpOptions, type HttpRequest, type QueryValue } from './http.js';

export interface TokenSource {
  /** A session token; logs in when none is held. */
  get(): Promise<string>;
  /** The CSP refused `token` (401): forget it so the next get() logs in again. */
  refused(token: string): void;
}

/** A fixed token, for tests and the conformance suite. */
export class StaticToken implements TokenSource {
  constructor(private readonly token: string) {}
  async get(): Promise<string> {
    return this.token;
  }
  refused(): void {}
}

export interface CspClientOptions extends HttpOptions {
  /** Sent as `x-array-ip` on every call (service mode). */
  arrayIp?: string;
}

export interface ListPage<T> {
  items: T[];
  nextToken: string | undefined;
}

export interface PageOptions {
  limit?: number;
  startingToken?: string;
}

const enc = encodeURIComponent;

/** Accepts `lun_id` as a numeric string and `target_names` as one CSV element, as HPE CSPs send them. */
export function normalizePublishInfo(info: PublishInfo): PublishInfo {
  const lun = (info as { lun_id: unknown }).lun_id;
  const lunId = typeof lun === 'string' && /^\d+$/.test(lun) ? Number(lun) : (lun ?? 0);
  const targets = (info.target_names ?? []).flatMap((name) => name.split(',').map((s) => s.trim())).filter(Boolean);
  return { ...info, lun_id: lunId as number, target_names: targets };
}

export class CspClient {
  readonly http: CspHttp;
  readonly #arrayIp: string | undefined;
  #tokens: TokenSource | undefined;

  constructor(options: CspClientOptions, tokens?: TokenSource) {
    this.http = new CspHttp(options);
    this.#arrayIp = options.arrayIp;
    this.#tokens = tokens;
  }

  /** Sets how this client authenticates (for clients created before their token source). */
  useTokens(tokens: TokenSource): void {
    this.#tokens = tokens;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  async login(request: TokenRequest): Promise<Token> {
    const response = await this.http.expectOk({
      operation: 'createToken',
      method: 'POST',
      path: '/tokens',
      body: request,
      idempotent: false,
    });
    const token = response.body as Token | undefined;
    if (response.status !== 200 || typeof token?.session_token !== 'string' || token.session_token === '') {
      throw new CspProtocolError(`createToken: expected 200 with a session_token, got ${response.status}`);
    }
    return token;
  }

  async logout(id: string): Promise<void> {
    await this.#call({ operation: 'deleteToken', method: 'DELETE', path: `/tokens/${enc(id)}`, idempotent: true });
  }

  async listHosts(): Promise<Host[]> {
    return this.#json({ operation: 'listHosts', method: 'GET', path: '/hosts', idempotent: true });
  }
  async upsertHost(host: HostRequest): Promise<Host> {
    return this.#json({ operation: 'upsertHost', method: 'POST', path: '/hosts', body: host, idempotent: true });
  }
  async deleteHost(id: string): Promise<void> {
    await this.#call({ operation: 'deleteHost', method: 'DELETE', path: `/hosts/${enc(id)}`, idempotent: true });
  }
  async deleteHostByUuid(uuid: string): Promise<void> {
    await this.#call({
      operation: 'deleteHostByUuid',
      method: 'DELETE',
      path: '/hosts',
      query: { uuid },
      idempotent: true,
    });
  }

  /** The volume of that name (in `volumeGroupId`, opencsp `volume_groups`), or undefined (404). */
  async findVolumeByName(name: string, volumeGroupId?: string): Promise<Volume | undefined> {
    const found = await this.#orUndefined<Volume[]>({
      operation: 'listVolumes',
      method: 'GET',
      path: '/volumes',
      query: { name, volume_group_id: volumeGroupId },
      idempotent: true,
    });
    return found?.[0];
  }
  async listVolumes(page: PageOptions = {}): Promise<ListPage<Volume>> {
    return this.#page({
      operation: 'listVolumes',
      method: 'GET',
      path: '/volumes',
      query: { limit: page.limit, starting_token: page.startingToken },
      idempotent: true,
    });
  }
  async createVolume(request: VolumeCreateRequest): Promise<Volume> {
    return this.#json({
      operation: 'createVolume',
      method: 'POST',
      path: '/volumes',
      body: request,
      idempotent: false,
    });
  }
  async getVolume(id: string): Promise<Volume> {
    return this.#json({ operation: 'getVolume', method: 'GET', path: `/volumes/${enc(id)}`, idempotent: true });
  }
  async updateVolume(id: string, request: VolumeUpdateRequest): Promise<Volume> {
    return this.#json({
      operation: 'updateVolume',
      method: 'PUT',
      path: `/volumes/${enc(id)}`,
      body: request,
      idempotent: true,
    });
  }
  async deleteVolume(id: string, options: { force?: boolean } = {}): Promise<void> {
    await this.#call({
      operation: 'deleteVolume',
      method: 'DELETE',
      path: `/volumes/${enc(id)}`,
      query: { force: options.force ?? false },
      idempotent: true,
    });
  }
  async publishVolume(id: string, options: PublishOptions): Promise<PublishInfo> {
    const info = await this.#json<PublishInfo>({
      operation: 'publishVolume',
      method: 'PUT',
      path: `/volumes/${enc(id)}/actions/publish`,
      body: options,
      idempotent: true,
    });
    return normalizePublishInfo(info);
  }
  async unpublishVolume(id: string, options: UnpublishOptions): Promise<void> {
    await this.#call({
      operation: 'unpublishVolume',
      method: 'PUT',
      path: `/volumes/${enc(id)}/actions/unpublish`,
      body: options,
      idempotent: true,
    });
  }

  async listSnapshots(
    filter: { volumeId?: string; name?: string; existsOnly?: boolean } = {},
    page: PageOptions = {},
  ): Promise<ListPage<Snapshot>> {
    return this.#page({
      operation: 'listSnapshots',
      method: 'GET',
      path: '/snapshots',
      query: {
        volume_id: filter.volumeId,
        name: filter.name,
        mode: filter.existsOnly ? 'exists' : undefined,
        limit: page.limit,
        starting_token: page.startingToken,
      },
      idempotent: true,
    });
  }
  /** The snapshot of that name on that volume, or undefined. */
  async findSnapshot(volumeId: string, name: string): Promise<Snapshot | undefined> {
    const found = await this.#orUndefined<Snapshot[]>({
      operation: 'listSnapshots',
      method: 'GET',
      path: '/snapshots',
      query: { volume_id: volumeId, name },
      idempotent: true,
    });
    return found?.[0];
  }
  /** Whether the volume has any snapshot (`mode=exists`). */
  async hasSnapshots(volumeId: string): Promise<boolean> {
    const page = await this.listSnapshots({ volumeId, existsOnly: true });
    return page.items.length > 0;
  }
  async createSnapshot(request: SnapshotCreateRequest): Promise<Snapshot> {
    return this.#json({
      operation: 'createSnapshot',
      method: 'POST',
      path: '/snapshots',
      body: request,
      idempotent: false,
    });
  }
  async getSnapshot(id: string): Promise<Snapshot> {
    return this.#json({ operation: 'getSnapshot', method: 'GET', path: `/snapshots/${enc(id)}`, idempotent: true });
  }
  async deleteSnapshot(id: string): Promise<void> {
    await this.#call({
      operation: 'deleteSnapshot',
      method: 'DELETE',
      path: `/snapshots/${enc(id)}`,
      idempotent: true,
    });
  }

  /** The CSP's opencsp capabilities, or undefined for a plain HPE-style CSP (404). */
  async capabilities(): Promise<Capabilities | undefined> {
    return this.#orUndefined({ operation: 'getCapabilities', method: 'GET', path: '/capabilities', idempotent: true });
  }
  async queryCapacity(config: Config): Promise<Capacity> {
    return this.#json({
      operation: 'queryCapacity',
      method: 'POST',
      path: '/capacity',
      body: { config },
      idempotent: true,
    });
  }

  async listVolumeGroups(name?: string): Promise<VolumeGroup[]> {
    return this.#json({
      operation: 'listVolumeGroups',
      method: 'GET',
      path: '/volume_groups',
      query: { name },
      idempotent: true,
    });
  }
  async createVolumeGroup(request: VolumeGroupCreateRequest): Promise<VolumeGroup> {
    return this.#json({
      operation: 'createVolumeGroup',
      method: 'POST',
      path: '/volume_groups',
      body: request,
      idempotent: false,
    });
  }
  async getVolumeGroup(id: string): Promise<VolumeGroup> {
    return this.#json({
      operation: 'getVolumeGroup',
      method: 'GET',
      path: `/volume_groups/${enc(id)}`,
      idempotent: true,
    });
  }
  async deleteVolumeGroup(id: string): Promise<void> {
    await this.#call({
      operation: 'deleteVolumeGroup',
      method: 'DELETE',
      path: `/volume_groups/${enc(id)}`,
      idempotent: true,
    });
  }
  async listSnapshotGroups(volumeGroupId: string): Promise<SnapshotGroup[]> {
    return this.#json({
      operation: 'listSnapshotGroups',
      method: 'GET',
      path: '/snapshot_groups',
      query: { volume_group_id: volumeGroupId },
      idempotent: true,
    });
  }
  /** The volume group's snapshot group of that name (opencsp `snapshot_groups`), or undefined (404). */
  async findSnapshotGroup(volumeGroupId: string, name: string): Promise<SnapshotGroup | undefined> {
    const found = await this.#orUndefined<SnapshotGroup[]>({
      operation: 'listSnapshotGroups',
      method: 'GET',
      path: '/snapshot_groups',
      query: { volume_group_id: volumeGroupId, name },
      idempotent: true,
    });
    return found?.[0];
  }
  async createSnapshotGroup(request: SnapshotGroupCreateRequest): Promise<SnapshotGroup> {
    return this.#json({
      operation: 'createSnapshotGroup',
      method: 'POST',
      path: '/snapshot_groups',
      body: request,
      idempotent: false,
    });
  }
  async getSnapshotGroup(id: string): Promise<SnapshotGroup> {
    return this.#json({
      operation: 'getSnapshotGroup',
      method: 'GET',
      path: `/snapshot_groups/${enc(id)}`,
      idempotent: true,
    });
  }
  async deleteSnapshotGroup(id: string): Promise<void> {
    await this.#call({
      operation: 'deleteSnapshotGroup',
      method: 'DELETE',
      path: `/snapshot_groups/${enc(id)}`,
      idempotent: true,
    });
  }
  async listReplicationPartners(name?: string): Promise<ReplicationPartner[]> {
    return this.#json({
      operation: 'listReplicationPartners',
      method: 'GET',
      path: '/replication_partners',
      query: { name },
      idempotent: true,
    });
  }

  async #call(request: HttpRequest & { query?: Record<string, QueryValue> }) {
    if (!this.#tokens) {
      throw new Error(`${request.operation}: the CSP client has no token source`);
    }
    for (let attempt = 0; ; attempt++) {
      const token = await this.#tokens.get();
      const headers: Record<string, string> = { 'x-auth-token': token };
      if (this.#arrayIp) {
        headers['x-array-ip'] = this.#arrayIp;
      }
      try {
        return await this.http.expectOk({ ...request, headers: { ...headers, ...request.headers } });
      } catch (err) {
        if (err instanceof CspHttpError && err.status === 401 && attempt === 0) {
          this.#tokens.refused(token);
          continue;
        }
        throw err;
      }
    }
  }

  async #json<T>(request: HttpRequest): Promise<T> {
    const response = await this.#call(request);
    if (response.body === undefined) {
      throw new CspProtocolError(
        `${request.operation}: expected a JSON body, got status ${response.status} without one`,
      );
    }
    return response.body as T;
  }

  async #orUndefined<T>(request: HttpRequest): Promise<T | undefined> {
    try {
      return await this.#json<T>(request);
    } catch (err) {
      if (err instanceof CspHttpError && err.status === 404) {
        return undefined;
      }
      throw err;
    }
  }

  async #page<T>(request: HttpRequest): Promise<ListPage<T>> {
    const response = await this.#call(request);
    const next = response.headers['x-opencsp-next-token'];
    return {
      items: (response.body ?? []) as T[],
      nextToken: typeof next === 'string' && next !== '' ? next : undefined,
    };
  }
}
