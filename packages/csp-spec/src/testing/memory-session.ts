// The memory CSP's array and session (memory-provider.ts builds them): the contract's full
// semantics (names, idempotency, dependencies, publish, capacity, pagination) kept in memory.
// Nothing is persisted and no data path exists. Sizes round up to 1 MiB.

import {
  type ArraySession,
  CspProblem,
  describeCapabilities,
  notFound,
  type Page,
  type PageRequest,
  paginate,
} from '../server/index.js';
import type {
  Capabilities,
  FeatureName,
  Host,
  HostRequest,
  PublishInfo,
  PublishOptions,
  Snapshot,
  Volume,
  VolumeCreateRequest,
  VolumeUpdateRequest,
} from '../types.js';
import { MemoryGroups } from './memory-groups.js';
import { nvmeInfo, type StoredHost, shownHost } from './memory-hosts.js';

const MiB = 1024 * 1024;
export const memoryCapacity = 100 * 1024 * MiB;

interface StoredVolume extends Volume {
  /** Host uuid → whether its access is read-only, and the node id its publish named (the uuid when none). */
  hosts: Map<string, { readOnly: boolean; nodeId: string }>;
  /** NVMe/TCP volumes: the namespace UUID published with the NGUID (`serial_number`). */
  namespaceUuid?: string;
}

export class MemoryArray {
  readonly hosts = new Map<string, StoredHost>();
  readonly volumes = new Map<string, StoredVolume>();
  readonly snapshots = new Map<string, Snapshot>();
  readonly groups = new MemoryGroups();
  nextId = 1;
  loginCount = 0;
  openSessions = 0;

  /** A snapshot of one volume (NAME_TAKEN when the volume has one of that name). */
  takeSnapshot(volumeId: string, name: string, description = ''): Snapshot {
    const volume = this.volumes.get(volumeId);
    if (!volume) {
      throw notFound(`volume ${volumeId}`);
    }
    const taken = [...this.snapshots.values()].some((s) => s.volume_id === volume.id && s.name === name);
    if (taken) {
      throw new CspProblem('NAME_TAKEN', `volume ${volume.id} has a snapshot named ${name}`);
    }
    const snapshot: Snapshot = {
      id: `${volume.id}@${name}`,
      name,
      volume_id: volume.id,
      volume_name: volume.name,
      size: volume.size,
      creation_time: Math.floor(Date.now() / 1000),
      ready_to_use: true,
      in_use: false,
      description,
    };
    this.snapshots.set(snapshot.id, snapshot);
    return snapshot;
  }

  isCloned(snapshotId: string): boolean {
    return [...this.volumes.values()].some((v) => v.base_snapshot_id === snapshotId);
  }

  used(): number {
    let total = 0;
    for (const v of this.volumes.values()) {
      total += v.size;
    }
    return total;
  }
}

const round = (size: number) => Math.ceil(size / MiB) * MiB;

/**
 * The memory array knows two config keys: `tier` (changes on an existing volume) and `layout`
 * (fixed at create). Anything else is refused, on create and update.
 */
const configKeys = ['tier', 'layout'];
const mutableConfigKeys = ['tier'];

function checkConfig(config: Record<string, unknown> | undefined, field: string): void {
  for (const key of Object.keys(config ?? {})) {
    if (!configKeys.includes(key)) {
      throw new CspProblem('INVALID_INPUT', `${field}.${key}: is not a known config key`, { field: `${field}.${key}` });
    }
  }
}

/** Config edits: unknown keys and changed immutable keys are refused before anything changes. */
function checkConfigUpdate(volume: StoredVolume, config: Record<string, unknown>): void {
  checkConfig(config, 'body.config');
  for (const [key, value] of Object.entries(config)) {
    const current = volume.config?.[key];
    if (!mutableConfigKeys.includes(key) && String(value) !== String(current ?? '')) {
      throw new CspProblem('INVALID_INPUT', `body.config.${key}: cannot change after creation (it is ${current})`, {
        field: `body.config.${key}`,
      });
    }
  }
}

const baseClaims: FeatureName[] = [
  'capacity',
  'volume_health',
  'list_pagination',
  'list_all_snapshots',
  'chap',
  'expand_online',
  'dhchap',
  'read_only_per_host',
  'host_volume_limit',
  'any_volume_name',
  'published_nodes',
];

export class MemorySession implements ArraySession {
  readonly arrayAddress: string;
  constructor(
    private readonly array: MemoryArray,
    address: string,
  ) {
    this.arrayAddress = address;
  }

  /** Features a subclass adds to the memory CSP's claims. */
  protected extraClaims(): FeatureName[] {
    return [];
  }

  async capabilities(): Promise<Capabilities> {
    return describeCapabilities({
      provider: { name: 'memory', version: '0.0.0' },
      claims: [...baseClaims, ...this.extraClaims()],
      accessProtocols: ['iscsi', 'nvmetcp'],
      limits: { size_granularity: MiB, min_volume_size: MiB },
      configKeys,
      mutableConfigKeys,
    });
  }
  async close(): Promise<void> {
    this.array.openSessions--;
  }

  async listHosts(): Promise<Host[]> {
    return [...this.array.hosts.values()].map(shownHost);
  }
  async upsertHost(request: HostRequest): Promise<Host> {
    const existing = this.array.hosts.get(request.uuid);
    if (request.dhchap_ctrl_key && !request.dhchap_key) {
      throw new CspProblem('INVALID_INPUT', 'dhchap_ctrl_key: needs dhchap_key', { field: 'body.dhchap_ctrl_key' });
    }
    const host: StoredHost = {
      id: existing?.id ?? `host-${this.array.nextId++}`,
      uuid: request.uuid,
      name: request.name ?? request.uuid,
      iqns: request.iqns ?? [],
      networks: request.networks ?? [],
    };
    if (request.nqns?.length) {
      host.nqns = [...request.nqns];
    }
    if (request.chap_user) {
      host.chap_user = request.chap_user;
      host.chap_password = request.chap_password ?? '';
    }
    if (request.dhchap_key) {
      host.dhchapKey = request.dhchap_key;
      if (request.dhchap_ctrl_key) {
        host.dhchapCtrlKey = request.dhchap_ctrl_key;
      }
    }
    this.array.hosts.set(request.uuid, host);
    return shownHost(host);
  }
  async deleteHost(id: string): Promise<void> {
    const host = [...this.array.hosts.values()].find((h) => h.id === id);
    if (!host) {
      throw notFound(`host ${id}`);
    }
    await this.deleteHostByUuid(host.uuid);
  }
  async deleteHostByUuid(uuid: string): Promise<void> {
    for (const volume of this.array.volumes.values()) {
      if (volume.hosts.has(uuid)) {
        throw new CspProblem('HAS_DEPENDENTS', `host ${uuid} still has volume ${volume.name} published`);
      }
    }
    this.array.hosts.delete(uuid);
  }

  #show(volume: StoredVolume): Volume {
    const { hosts, namespaceUuid: _uuid, ...rest } = volume;
    return {
      ...rest,
      published: hosts.size > 0,
      published_nodes: [...hosts.values()].map((h) => h.nodeId),
      health: { abnormal: false, message: 'ok' },
    };
  }
  #volume(id: string): StoredVolume {
    const volume = this.array.volumes.get(id);
    if (!volume) {
      throw notFound(`volume ${id}`);
    }
    return volume;
  }

  async findVolumeByName(name: string, volumeGroupId?: string): Promise<Volume | undefined> {
    if (volumeGroupId !== undefined) {
      this.array.groups.group(volumeGroupId, this.array);
    }
    const found = [...this.array.volumes.values()].find(
      (v) => v.name === name && (volumeGroupId === undefined || v.volume_group_id === volumeGroupId),
    );
    return found && this.#show(found);
  }
  async listVolumes(page: PageRequest): Promise<Page<Volume>> {
    return paginate(
      [...this.array.volumes.values()].map((v) => this.#show(v)),
      page,
    );
  }
  async createVolume(request: VolumeCreateRequest): Promise<Volume> {
    if (await this.findVolumeByName(request.name)) {
      throw new CspProblem('NAME_TAKEN', `a volume named ${request.name} exists`);
    }
    checkConfig(request.config, 'config');
    if (request.volume_group_id) {
      this.array.groups.group(request.volume_group_id, this.array);
    }
    const protocol = request.access_protocol ?? 'iscsi';
    if (protocol !== 'iscsi' && protocol !== 'nvmetcp') {
      throw new CspProblem('INVALID_INPUT', `access_protocol: ${protocol} is not served (iscsi, nvmetcp)`, {
        field: 'body.access_protocol',
      });
    }
    let size = request.size === undefined ? 0 : round(request.size);
    let base: Snapshot | undefined;
    if (request.base_snapshot_id) {
      base = this.array.snapshots.get(request.base_snapshot_id);
      if (!base) {
        throw notFound(`snapshot ${request.base_snapshot_id}`);
      }
      if (size !== 0 && size < base.size) {
        throw new CspProblem('INVALID_INPUT', 'size: is smaller than the snapshot', { field: 'body.size' });
      }
      size ||= base.size;
    }
    if (this.array.used() + size > memoryCapacity) {
      throw new CspProblem('OUT_OF_SPACE', `only ${memoryCapacity - this.array.used()} bytes free`);
    }
    const id = `vol-${this.array.nextId++}`;
    const digits = id.replace(/\D/g, '');
    const volume: StoredVolume = {
      id,
      name: request.name,
      size,
      description: request.description ?? '',
      published: false,
      config: request.config ?? {},
      serial_number:
        protocol === 'nvmetcp' ? `4e56${digits.padStart(28, '0')}` : `6589cfc000000${digits.padStart(19, '0')}`,
      access_protocol: protocol,
      creation_time: Math.floor(Date.now() / 1000),
      hosts: new Map(),
    };
    if (request.volume_group_id) {
      volume.volume_group_id = request.volume_group_id;
    }
    if (protocol === 'nvmetcp') {
      volume.namespaceUuid = `4e564d65-0000-4000-8000-${digits.padStart(12, '0')}`;
    }
    if (base) {
      volume.base_snapshot_id = base.id;
      volume.clone = true;
    }
    this.array.volumes.set(id, volume);
    return this.#show(volume);
  }
  async getVolume(id: string): Promise<Volume> {
    return this.#show(this.#volume(id));
  }
  async updateVolume(id: string, request: VolumeUpdateRequest): Promise<Volume> {
    const volume = this.#volume(id);
    checkConfigUpdate(volume, request.config ?? {});
    if (request.size !== undefined) {
      const size = round(request.size);
      if (size < volume.size) {
        throw new CspProblem('INVALID_INPUT', 'size: volumes cannot shrink', { field: 'body.size' });
      }
      volume.size = size;
    }
    if (request.description !== undefined) {
      volume.description = request.description;
    }
    if (request.config !== undefined) {
      volume.config = { ...volume.config, ...request.config };
    }
    return this.#show(volume);
  }
  async deleteVolume(id: string, options: { force: boolean }): Promise<void> {
    const volume = this.#volume(id);
    if (volume.hosts.size > 0 && !options.force) {
      throw new CspProblem('PUBLISHED', `volume ${id} is published`);
    }
    const dependents = [...this.array.snapshots.values()].some((s) => s.volume_id === id);
    if (dependents) {
      throw new CspProblem('HAS_DEPENDENTS', `volume ${id} has snapshots`);
    }
    this.array.volumes.delete(id);
  }
  async publishVolume(id: string, options: PublishOptions): Promise<PublishInfo> {
    const volume = this.#volume(id);
    const host = this.array.hosts.get(options.host_uuid);
    if (!host) {
      throw notFound(`host ${options.host_uuid}`);
    }
    const protocol = options.access_protocol ?? volume.access_protocol;
    if (protocol !== volume.access_protocol) {
      throw new CspProblem('INVALID_INPUT', `access_protocol: volume ${id} is served over ${volume.access_protocol}`, {
        field: 'body.access_protocol',
      });
    }
    if (protocol === 'nvmetcp' && !host.nqns?.length) {
      throw new CspProblem('INVALID_INPUT', `host_uuid: host ${host.uuid} has no NVMe host NQN`, {
        field: 'body.host_uuid',
      });
    }
    const readOnly = options.read_only === true;
    const current = volume.hosts.get(host.uuid);
    if (current && current.readOnly !== readOnly) {
      throw new CspProblem(
        'ACCESS_MISMATCH',
        `volume ${id} is published to host ${host.uuid} ${current.readOnly ? 'read-only' : 'read-write'} already`,
      );
    }
    const limit = options.host_volume_limit;
    if (!current && limit !== undefined && this.#hostVolumes(host.uuid) >= limit) {
      throw new CspProblem('LIMIT_EXCEEDED', `host ${host.uuid} has ${limit} volume(s) published, its limit`);
    }
    volume.hosts.set(host.uuid, { readOnly, nodeId: options.node_id ?? host.uuid });
    if (protocol === 'nvmetcp') {
      return nvmeInfo(volume, volume.namespaceUuid as string, host);
    }
    const info: PublishInfo = {
      serial_number: volume.serial_number as string,
      access_protocol: 'iscsi',
      lun_id: 0,
      target_names: [`iqn.2005-10.org.memory.ctl:${volume.name}`],
      discovery_ips: ['127.0.0.1'],
      target_scope: 'volume',
    };
    if (host.chap_user) {
      info.chap_user = host.chap_user;
    }
    return info;
  }
  #hostVolumes(uuid: string): number {
    return [...this.array.volumes.values()].filter((v) => v.hosts.has(uuid)).length;
  }
  async unpublishVolume(id: string, options: { host_uuid: string }): Promise<void> {
    this.#volume(id).hosts.delete(options.host_uuid);
  }

  async listSnapshots(
    filter: { volumeId: string | undefined; name: string | undefined; existsOnly: boolean },
    page: PageRequest,
  ): Promise<Page<Snapshot>> {
    if (filter.volumeId !== undefined) {
      this.#volume(filter.volumeId);
    }
    const items = [...this.array.snapshots.values()].filter(
      (s) =>
        (filter.volumeId === undefined || s.volume_id === filter.volumeId) &&
        (filter.name === undefined || s.name === filter.name),
    );
    return paginate(filter.existsOnly ? items.slice(0, 1) : items, page);
  }
  async createSnapshot(request: { name: string; volume_id: string; description?: string }): Promise<Snapshot> {
    return this.array.takeSnapshot(request.volume_id, request.name, request.description);
  }
  async getSnapshot(id: string): Promise<Snapshot> {
    const snapshot = this.array.snapshots.get(id);
    if (!snapshot) {
      throw notFound(`snapshot ${id}`);
    }
    return { ...snapshot, in_use: this.array.isCloned(id) };
  }
  async deleteSnapshot(id: string): Promise<void> {
    const snapshot = await this.getSnapshot(id);
    if (snapshot.in_use) {
      throw new CspProblem('HAS_DEPENDENTS', `snapshot ${id} has dependent clones`);
    }
    this.array.snapshots.delete(id);
  }
  async queryCapacity() {
    return { available_bytes: memoryCapacity - this.array.used(), total_bytes: memoryCapacity };
  }
}
