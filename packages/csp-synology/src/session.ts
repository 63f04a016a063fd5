// One authenticated session with one NAS, as the CSP kit sees it. Delegates to the volume,
// snapshot and publish services; hosts live in the process-wide registry per NAS serial.
import type {
  Capabilities,
  Capacity,
  Config,
  Host,
  HostRequest,
  PublishInfo,
  PublishOptions,
  Snapshot,
  SnapshotCreateRequest,
  UnpublishOptions,
  Volume,
  VolumeCreateRequest,
  VolumeUpdateRequest,
} from '@opencsp/csp-spec';
import {
  type ArraySession,
  describeCapabilities,
  notFound,
  type Page,
  type PageRequest,
  type SnapshotFilter,
} from '@opencsp/csp-spec/server';
import { configKeys, mutableConfigKeys } from './config.js';
import type { SessionContext } from './context.js';
import { MiB, minLunSize } from './luns.js';
import { queryCapacity } from './placement.js';
import { refuseNvmeAuth, requireIscsi } from './protocols.js';
import { PublishService } from './publish.js';
import { SnapshotService } from './snapshots.js';
import { cspVersion } from './version.js';
import { VolumeService } from './volumes.js';

export class SynologySession implements ArraySession {
  readonly arrayAddress: string;
  readonly #ctx: SessionContext;
  readonly #volumes: VolumeService;
  readonly #snapshots: SnapshotService;
  readonly #publish: PublishService;
  readonly #onClose: () => Promise<void>;

  constructor(ctx: SessionContext, onClose: () => Promise<void>) {
    this.#ctx = ctx;
    this.arrayAddress = ctx.nas.serial;
    this.#publish = new PublishService(ctx);
    this.#volumes = new VolumeService(ctx, this.#publish);
    this.#snapshots = new SnapshotService(ctx, this.#volumes);
    this.#onClose = onClose;
  }

  async capabilities(): Promise<Capabilities> {
    const { nas } = this.#ctx;
    const limits: NonNullable<Capabilities['limits']> = { min_volume_size: minLunSize, size_granularity: MiB };
    if (nas.limits.luns !== undefined) {
      limits.max_volumes = nas.limits.luns;
    }
    if (nas.limits.snapshotsPerLun !== undefined) {
      limits.max_snapshots_per_volume = nas.limits.snapshotsPerLun;
    }
    return describeCapabilities({
      provider: { name: 'synology', version: cspVersion, array_model: nas.model, array_version: nas.firmware },
      claims: [
        'capacity',
        'volume_health',
        'list_pagination',
        'list_all_snapshots',
        'chap',
        'expand_online',
        'host_volume_limit',
        'any_volume_name',
        // Each publish's node id is kept on the LUN (published-nodes.ts); reads report it.
        'published_nodes',
        // DSM clones are LUNs of their own (Btrfs copies): a snapshot goes while its clones live.
        'snapshot_delete_with_clones',
        // Host masking keeps each node's ro/rw per LUN on the NAS: it enforces and records it.
        ...(this.#publish.enforcesReadOnly ? (['read_only_publish', 'read_only_per_host'] as const) : []),
      ],
      limits: limits,
      configKeys: configKeys,
      mutableConfigKeys,
    });
  }

  close(): Promise<void> {
    return this.#onClose();
  }

  async listHosts(): Promise<Host[]> {
    return this.#ctx.shared.hosts.list(this.#ctx.nas.serial);
  }
  async upsertHost(request: HostRequest): Promise<Host> {
    refuseNvmeAuth(request);
    return this.#ctx.shared.hosts.upsert(this.#ctx.nas.serial, request);
  }
  async deleteHost(id: string): Promise<void> {
    const host = this.#ctx.shared.hosts.byId(this.#ctx.nas.serial, id);
    if (!host) {
      throw notFound(`host ${id}`);
    }
    await this.#publish.removeHost(host.host.uuid);
  }
  deleteHostByUuid(uuid: string): Promise<void> {
    return this.#publish.removeHost(uuid);
  }

  findVolumeByName(name: string): Promise<Volume | undefined> {
    return this.#volumes.findByName(name);
  }
  listVolumes(page: PageRequest): Promise<Page<Volume>> {
    return this.#volumes.list(page);
  }
  async createVolume(request: VolumeCreateRequest): Promise<Volume> {
    requireIscsi(request.access_protocol);
    return this.#volumes.create(request);
  }
  getVolume(id: string): Promise<Volume> {
    return this.#volumes.get(id);
  }
  updateVolume(id: string, request: VolumeUpdateRequest): Promise<Volume> {
    return this.#volumes.update(id, request);
  }
  deleteVolume(id: string, options: { force: boolean }): Promise<void> {
    return this.#volumes.delete(id, options);
  }
  async publishVolume(id: string, options: PublishOptions): Promise<PublishInfo> {
    requireIscsi(options.access_protocol);
    return this.#publish.publish(id, options);
  }
  unpublishVolume(id: string, options: UnpublishOptions): Promise<void> {
    return this.#publish.unpublish(id, options);
  }

  listSnapshots(filter: SnapshotFilter, page: PageRequest): Promise<Page<Snapshot>> {
    return this.#snapshots.list(filter, page);
  }
  createSnapshot(request: SnapshotCreateRequest): Promise<Snapshot> {
    return this.#snapshots.create(request);
  }
  getSnapshot(id: string): Promise<Snapshot> {
    return this.#snapshots.get(id);
  }
  deleteSnapshot(id: string): Promise<void> {
    return this.#snapshots.delete(id);
  }

  queryCapacity(config: Config): Promise<Capacity> {
    return queryCapacity(this.#ctx, config);
  }
}
