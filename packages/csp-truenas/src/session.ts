// One array session (one session token): the contract's operations, each delegated to its module
// and with every TrueNAS failure turned into a contract problem in one place.

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
  SnapshotGroup,
  SnapshotGroupCreateRequest,
  UnpublishOptions,
  Volume,
  VolumeCreateRequest,
  VolumeGroup,
  VolumeGroupCreateRequest,
  VolumeUpdateRequest,
} from '@opencsp/csp-spec';
import type { ArraySession, Page, PageRequest, SnapshotFilter } from '@opencsp/csp-spec/server';
import { capabilities, queryCapacity } from './capacity.js';
import type { SessionContext } from './context.js';
import { deleteHost, listHosts, upsertHost } from './hosts.js';
import { publishVolume, unpublishVolume } from './publish.js';
import { createSnapshotGroup, deleteSnapshotGroup, getSnapshotGroup, listSnapshotGroups } from './snapshot-groups.js';
import { createSnapshot, deleteSnapshot, getSnapshot, listSnapshots } from './snapshots.js';
import { asProblem } from './truenas/problems.js';
import { createVolume } from './volume-create.js';
import { createVolumeGroup, deleteVolumeGroup, getVolumeGroup, listVolumeGroups } from './volume-groups.js';
import { deleteVolume, updateVolume } from './volume-modify.js';
import { findByName, getManagedEntry, listPage, toVolume } from './volume-read.js';

export class TrueNasSession implements ArraySession {
  readonly arrayAddress: string;
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
    this.arrayAddress = ctx.address;
  }

  /** TrueNAS calls made by this session so far (for logs and tests). */
  get arrayCalls(): number {
    return this.#ctx.client.callCount;
  }

  async capabilities(): Promise<Capabilities> {
    return capabilities(this.#ctx);
  }

  async close(): Promise<void> {
    await this.#ctx.client.close();
  }

  listHosts(): Promise<Host[]> {
    return asProblem(() => listHosts(this.#ctx));
  }

  upsertHost(host: HostRequest): Promise<Host> {
    return asProblem(() => upsertHost(this.#ctx, host));
  }

  deleteHost(id: string): Promise<void> {
    return asProblem(() => deleteHost(this.#ctx, id, true));
  }

  deleteHostByUuid(uuid: string): Promise<void> {
    return asProblem(() => deleteHost(this.#ctx, uuid, false));
  }

  findVolumeByName(name: string, volumeGroupId?: string): Promise<Volume | undefined> {
    return asProblem(() => findByName(this.#ctx, name, volumeGroupId));
  }

  listVolumes(page: PageRequest): Promise<Page<Volume>> {
    return asProblem(() => listPage(this.#ctx, page));
  }

  createVolume(request: VolumeCreateRequest): Promise<Volume> {
    return asProblem(() => createVolume(this.#ctx, request));
  }

  getVolume(id: string): Promise<Volume> {
    return asProblem(async () => toVolume(this.#ctx, await getManagedEntry(this.#ctx, id)));
  }

  updateVolume(id: string, request: VolumeUpdateRequest): Promise<Volume> {
    return asProblem(() => updateVolume(this.#ctx, id, request));
  }

  deleteVolume(id: string, options: { force: boolean }): Promise<void> {
    return asProblem(() => deleteVolume(this.#ctx, id, options));
  }

  publishVolume(id: string, options: PublishOptions): Promise<PublishInfo> {
    return asProblem(() => publishVolume(this.#ctx, id, options));
  }

  unpublishVolume(id: string, options: UnpublishOptions): Promise<void> {
    return asProblem(() => unpublishVolume(this.#ctx, id, options));
  }

  listSnapshots(filter: SnapshotFilter, page: PageRequest): Promise<Page<Snapshot>> {
    return asProblem(() => listSnapshots(this.#ctx, filter, page));
  }

  createSnapshot(request: SnapshotCreateRequest): Promise<Snapshot> {
    return asProblem(() => createSnapshot(this.#ctx, request));
  }

  getSnapshot(id: string): Promise<Snapshot> {
    return asProblem(() => getSnapshot(this.#ctx, id));
  }

  deleteSnapshot(id: string): Promise<void> {
    return asProblem(() => deleteSnapshot(this.#ctx, id));
  }

  queryCapacity(config: Config): Promise<Capacity> {
    return asProblem(() => queryCapacity(this.#ctx, config));
  }

  listVolumeGroups(name: string | undefined): Promise<VolumeGroup[]> {
    return asProblem(() => listVolumeGroups(this.#ctx, name));
  }

  createVolumeGroup(request: VolumeGroupCreateRequest): Promise<VolumeGroup> {
    return asProblem(() => createVolumeGroup(this.#ctx, request));
  }

  getVolumeGroup(id: string): Promise<VolumeGroup> {
    return asProblem(() => getVolumeGroup(this.#ctx, id));
  }

  deleteVolumeGroup(id: string): Promise<void> {
    return asProblem(() => deleteVolumeGroup(this.#ctx, id));
  }

  listSnapshotGroups(volumeGroupId: string, name?: string): Promise<SnapshotGroup[]> {
    return asProblem(() => listSnapshotGroups(this.#ctx, volumeGroupId, name));
  }

  createSnapshotGroup(request: SnapshotGroupCreateRequest): Promise<SnapshotGroup> {
    return asProblem(() => createSnapshotGroup(this.#ctx, request));
  }

  getSnapshotGroup(id: string): Promise<SnapshotGroup> {
    return asProblem(() => getSnapshotGroup(this.#ctx, id));
  }

  deleteSnapshotGroup(id: string): Promise<void> {
    return asProblem(() => deleteSnapshotGroup(this.#ctx, id));
  }
}
