// Snapshots of volumes: DSM LUN snapshots (Btrfs LUNs only), named from the CSI name, found by
// id with one `get_snapshot`, listed per volume with one `list_snapshot` or across the NAS with
// one LUN listing. A name is found across the NAS through the process-wide snapshot index
// (snapshot-index.ts) and one `get` per hit. A snapshot with clones is deleted like any other
// (snapshot_delete_with_clones): DSM clones are LUNs of their own.
import type { Snapshot, SnapshotCreateRequest } from '@opencsp/csp-spec';
import {
  CspProblem,
  notFound,
  type Page,
  type PageRequest,
  paginate,
  type SnapshotFilter,
} from '@opencsp/csp-spec/server';
import { mayHaveCreated } from './cleanup.js';
import { problemContext, type SessionContext, snapshotIndex } from './context.js';
import { describing } from './dsm/problems.js';
import { type DsmLun, type DsmSnapshot, lunTypeName, snapshotStatus } from './dsm/types.js';
import { parseSnapshotId, snapshotId, volumeId } from './ids.js';
import { canSnapshot } from './luns.js';
import type { VolumeService } from './volumes.js';
import { unlockedLun } from './waits.js';

export class SnapshotService {
  readonly #ctx: SessionContext;
  readonly #volumes: VolumeService;

  constructor(ctx: SessionContext, volumes: VolumeService) {
    this.#ctx = ctx;
    this.#volumes = volumes;
  }

  #view(snapshot: DsmSnapshot, lunUuid: string, lunName?: string): Snapshot | undefined {
    const { naming, nas } = this.#ctx;
    const name = naming.csiName(snapshot.name);
    if (name === undefined) {
      return undefined;
    }
    const view: Snapshot = {
      id: snapshotId(nas.serial, lunUuid, snapshot.uuid),
      name,
      volume_id: volumeId(nas.serial, lunUuid),
      size: snapshot.total_size,
      creation_time: snapshot.create_time,
      ready_to_use: snapshotStatus(snapshot) === 'Healthy',
      description: snapshot.description ?? '',
    };
    const volumeName = lunName === undefined ? undefined : naming.csiName(lunName);
    if (volumeName !== undefined) {
      view.volume_name = volumeName;
    }
    return view;
  }

  async create(request: SnapshotCreateRequest): Promise<Snapshot> {
    const { api, naming, settings } = this.#ctx;
    const dsmName = naming.dsmName(request.name);
    return describing(problemContext(this.#ctx, `snapshotting volume ${request.volume_id}`), async () => {
      const lun = await this.#volumes.lunOf(request.volume_id);
      if (!canSnapshot(lun)) {
        throw new CspProblem(
          'INVALID_INPUT',
          `volume ${request.volume_id} is a ${lunTypeName(lun)} LUN: DSM snapshots only Btrfs LUNs (BLUN, BLUN_THICK) created with snapshot support`,
          { field: 'body.volume_id' },
        );
      }
      if ((await api.snapshots(lun.uuid)).some((s) => s.name === dsmName)) {
        throw new CspProblem('NAME_TAKEN', `volume ${request.volume_id} has a snapshot named ${request.name}`);
      }
      await unlockedLun(api, lun.uuid, settings, lun);
      let uuid: string;
      try {
        uuid = await api.takeSnapshot(lun.uuid, dsmName, request.description ?? '');
      } catch (err) {
        if (mayHaveCreated(err)) {
          const stray = (await api.snapshots(lun.uuid).catch(() => [])).find((s) => s.name === dsmName);
          await (stray ? api.deleteSnapshot(stray.uuid).catch(() => undefined) : undefined);
        }
        throw err;
      }
      const snapshot = await api.snapshot(uuid);
      if (!snapshot) {
        throw new CspProblem('INTERNAL', `DSM lost snapshot ${uuid} right after taking it`);
      }
      snapshotIndex(this.#ctx).addSnapshot(dsmName, { lunUuid: lun.uuid, snapshotUuid: uuid });
      return this.#view(snapshot, lun.uuid, lun.name) as Snapshot;
    });
  }

  async #find(id: string): Promise<{ snapshot: DsmSnapshot; lunUuid: string }> {
    const { api, naming, nas } = this.#ctx;
    const ids = parseSnapshotId(id, nas.serial);
    const snapshot = ids ? await api.snapshot(ids.snapshotUuid) : undefined;
    if (!ids || !snapshot || snapshot.parent_uuid !== ids.lunUuid || naming.csiName(snapshot.name) === undefined) {
      throw notFound(`snapshot ${id}`);
    }
    return { snapshot, lunUuid: ids.lunUuid };
  }

  async get(id: string): Promise<Snapshot> {
    return describing(problemContext(this.#ctx, `reading snapshot ${id}`), async () => {
      const { snapshot, lunUuid } = await this.#find(id);
      return this.#view(snapshot, lunUuid) as Snapshot;
    });
  }

  async delete(id: string): Promise<void> {
    await describing(problemContext(this.#ctx, `deleting snapshot ${id}`), async () => {
      // Clones do not depend on their snapshot on DSM (snapshot_delete_with_clones): a clone is a
      // LUN of its own, and DSM deletes a snapshot that clones were made from.
      const { snapshot } = await this.#find(id);
      await this.#ctx.api.deleteSnapshot(snapshot.uuid);
      snapshotIndex(this.#ctx).removeSnapshot(snapshot.uuid);
    });
  }

  /** The snapshots of a name on any LUN: the index's candidates, each checked with a `get`. */
  async #named(name: string): Promise<Snapshot[]> {
    const { api, naming } = this.#ctx;
    let dsmName: string;
    try {
      dsmName = naming.dsmName(name, 'query.name');
    } catch {
      return []; // no DSM name can hold it, so no snapshot has it
    }
    const index = snapshotIndex(this.#ctx);
    await index.ready(api, naming);
    const found: Snapshot[] = [];
    for (const entry of index.named(dsmName)) {
      const snapshot = await api.snapshot(entry.snapshotUuid);
      const view =
        snapshot?.parent_uuid === entry.lunUuid && snapshot.name === dsmName && this.#view(snapshot, entry.lunUuid);
      if (view) {
        found.push(view);
      } else {
        index.removeSnapshot(entry.snapshotUuid);
      }
    }
    return found;
  }

  async list(filter: SnapshotFilter, page: PageRequest): Promise<Page<Snapshot>> {
    return describing(problemContext(this.#ctx, 'listing snapshots'), async () => {
      const { api, naming } = this.#ctx;
      let snapshots: Snapshot[];
      if (filter.volumeId !== undefined) {
        const lun = await this.#volumes.lunOf(filter.volumeId, ['status']);
        snapshots = (await api.snapshots(lun.uuid)).flatMap((s) => this.#view(s, lun.uuid, lun.name) ?? []);
      } else if (filter.name !== undefined) {
        snapshots = await this.#named(filter.name);
      } else {
        const luns: DsmLun[] = await api.luns(['snapshot_info', 'status']);
        snapshots = luns
          .filter((l) => naming.csiName(l.name) !== undefined && l.status !== 'deleting')
          .flatMap((l) => (l.snapshots ?? []).flatMap((s) => this.#view(s, l.uuid, l.name) ?? []));
      }
      const matching = snapshots
        .filter((s) => filter.name === undefined || s.name === filter.name)
        .sort((a, b) => a.creation_time - b.creation_time || a.name.localeCompare(b.name));
      return paginate(filter.existsOnly ? matching.slice(0, 1) : matching, page);
    });
  }
}
