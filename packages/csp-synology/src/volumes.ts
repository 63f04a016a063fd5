// Volumes: one LUN each, named from the CSI name (volume-names.ts). Create (blank, from a snapshot,
// as a clone of another volume), look up, list, expand, edit and delete, each in a bounded number
// of DSM calls. A LUN carries the volume's name only once it is complete: a blank LUN is made in
// one call, a clone is finished under a temporary name (Naming.creatingName) and renamed last, so a
// clone that was interrupted or whose removal failed is found by that name and finished by the
// next create.
import type { Volume, VolumeCreateRequest, VolumeUpdateRequest } from '@opencsp/csp-spec';
import { CspProblem, notFound, type Page, type PageRequest, paginate } from '@opencsp/csp-spec/server';
import { createLunCall, orRemove, removeLun } from './cleanup.js';
import { parseConfig, type VolumeConfig } from './config.js';
import { attribChanges, configEdit, type LunEdit } from './config-edit.js';
import { problemContext, type SessionContext, snapshotIndex } from './context.js';
import { lunFields } from './dsm/api.js';
import { describing } from './dsm/problems.js';
import type { DsmLun } from './dsm/types.js';
import { parseSnapshotId, parseVolumeId } from './ids.js';
import { lunSize, ourVolume, planLun, toVolume } from './luns.js';
import { resolveLocation } from './placement.js';
import type { PublishService } from './publish.js';
import { withLunRecord, withPublishedNodes } from './published-nodes.js';
import {
  composeDescription,
  isVolumeLun,
  lunNameOf,
  readDescription,
  volumeNameOf,
  writeDescription,
} from './volume-names.js';
import { lunGone, unlockedLun } from './waits.js';

export class VolumeService {
  readonly #ctx: SessionContext;
  readonly #publish: PublishService;

  constructor(ctx: SessionContext, publish: PublishService) {
    this.#ctx = ctx;
    this.#publish = publish;
  }

  /** This CSP's LUN behind a volume id, or NOT_FOUND (unknown ids, other owners' LUNs, deletes). */
  async lunOf(id: string, additional: string[] = lunFields): Promise<DsmLun> {
    const { api, naming, nas } = this.#ctx;
    const uuid = parseVolumeId(id, nas.serial);
    const lun = uuid === undefined ? undefined : await api.lun(uuid, additional);
    if (!lun || !isVolumeLun(naming, lun.name) || lun.status === 'deleting') {
      throw notFound(`volume ${id}`);
    }
    return lun;
  }

  /** The description to give a LUN: the user's text, and the CSI name when the LUN name cannot carry it. */
  #description(text: string, lunName: string, csiName: string): string {
    return writeDescription(this.#ctx.naming, text, lunName, csiName);
  }

  #volume(lun: DsmLun, name?: string): Volume {
    const { naming, nas } = this.#ctx;
    return ourVolume(lun, naming, nas.serial) ?? toVolume(lun, name ?? lun.name, nas.serial);
  }

  #doing(what: string) {
    return problemContext(this.#ctx, what);
  }

  /**
   * The volume of a name: the LUN of its derived name, when the name it stores is this one (a
   * hashed LUN that lost its description, an interrupted clone, is taken as this name's: the
   * hash binds the two).
   */
  async findByName(name: string): Promise<Volume | undefined> {
    return describing(this.#doing(`looking up volume ${name}`), async () => {
      const lunName = lunNameOf(this.#ctx.naming, name);
      const lun = await this.#ctx.api.lun(lunName);
      if (lun?.name !== lunName || lun.status === 'deleting') {
        return undefined;
      }
      const stored = volumeNameOf(this.#ctx.naming, lun);
      return stored === undefined || stored === name ? this.#volume(lun, name) : undefined;
    });
  }

  async list(page: PageRequest): Promise<Page<Volume>> {
    return describing(this.#doing('listing volumes'), async () => {
      const luns = await this.#ctx.api.luns(lunFields);
      const ours = luns
        .filter((l) => l.status !== 'deleting')
        .map((lun) => ({ lun, volume: ourVolume(lun, this.#ctx.naming, this.#ctx.nas.serial) }))
        .filter((o): o is { lun: DsmLun; volume: Volume } => o.volume !== undefined)
        .sort((a, b) => a.volume.name.localeCompare(b.volume.name));
      const shown = paginate(
        ours.map((o) => o.volume),
        page,
      );
      const onPage = new Set(shown.items);
      const kept = ours.filter((o) => onPage.has(o.volume));
      await withPublishedNodes(
        this.#ctx,
        kept.map((o) => o.lun),
        kept.map((o) => o.volume),
      );
      return shown;
    });
  }

  async get(id: string): Promise<Volume> {
    return describing(this.#doing(`reading volume ${id}`), async () => {
      const lun = await this.lunOf(id);
      const volume = this.#volume(lun);
      await withPublishedNodes(this.#ctx, [lun], [volume]);
      return volume;
    });
  }

  async create(request: VolumeCreateRequest): Promise<Volume> {
    const config = parseConfig(request.config);
    const lunName = lunNameOf(this.#ctx.naming, request.name);
    return describing(this.#doing(`creating volume ${request.name}`), async () => {
      const existing = await this.#ctx.api.lun(lunName, ['status']);
      if (existing?.name === lunName) {
        const holder = volumeNameOf(this.#ctx.naming, existing);
        const by = holder === undefined || holder === request.name ? '' : ` (LUN ${lunName} holds volume ${holder})`;
        throw new CspProblem('NAME_TAKEN', `a volume named ${request.name} exists${by}`);
      }
      if (request.base_snapshot_id) {
        return this.#fromSnapshot(request, config, lunName, request.base_snapshot_id);
      }
      if (config.cloneOf) {
        return this.#fromVolume(request, config, lunName, config.cloneOf);
      }
      return this.#blank(request, config, lunName);
    });
  }

  async #blank(request: VolumeCreateRequest, config: VolumeConfig, lunName: string): Promise<Volume> {
    const { api } = this.#ctx;
    const target = await resolveLocation(this.#ctx, config.location);
    const plan = planLun(target.fs_type, config, target.volume_path);
    const uuid = await createLunCall(this.#ctx, lunName, () =>
      api.createLun({
        name: lunName,
        size: lunSize(request.size ?? 0),
        type: plan.type,
        location: target.volume_path,
        description: this.#description(request.description ?? '', lunName, request.name),
        devAttribs: plan.devAttribs,
      }),
    );
    return orRemove(this.#ctx, uuid, async () => this.#volume(await unlockedLun(api, uuid, this.#ctx.settings)));
  }

  async #fromSnapshot(request: VolumeCreateRequest, config: VolumeConfig, lunName: string, base: string) {
    const { api, nas, naming } = this.#ctx;
    const ids = parseSnapshotId(base, nas.serial);
    const snapshot = ids ? await api.snapshot(ids.snapshotUuid) : undefined;
    if (!ids || !snapshot || snapshot.parent_uuid !== ids.lunUuid || naming.csiName(snapshot.name) === undefined) {
      throw notFound(`snapshot ${base}`);
    }
    if (config.location && snapshot.root_path && config.location !== snapshot.root_path) {
      throw new CspProblem(
        'INVALID_INPUT',
        `config.location: a clone of a snapshot lives on the snapshot's storage volume ${snapshot.root_path}`,
        { field: 'config.location' },
      );
    }
    const size = this.#cloneSize(request, snapshot.total_size, 'snapshot');
    return this.#clone(
      request,
      config,
      lunName,
      size,
      (lun) => lun.family_config?.parent_snapshot_uuid === ids.snapshotUuid,
      (temp) => api.cloneSnapshot(ids.lunUuid, ids.snapshotUuid, temp),
    );
  }

  async #fromVolume(request: VolumeCreateRequest, config: VolumeConfig, lunName: string, sourceId: string) {
    const { api, settings } = this.#ctx;
    const source = await this.lunOf(sourceId).catch(() => {
      throw new CspProblem('NOT_FOUND', `config.clone_of: volume ${sourceId} not found`, { field: 'config.clone_of' });
    });
    const size = this.#cloneSize(request, source.size, 'source volume');
    await unlockedLun(api, source.uuid, settings, source);
    return this.#clone(
      request,
      config,
      lunName,
      size,
      (lun) => lun.family_config?.parent_lun_uuid === source.uuid && !lun.family_config?.parent_snapshot_uuid,
      (temp) => api.cloneLun(source.uuid, temp, config.location ?? source.location),
    );
  }

  /**
   * A clone made (or found, when an earlier attempt of this name left it) under the temporary name,
   * grown and described, then renamed to the volume's name. Any failure removes it (best effort;
   * what is left is finished by the next attempt).
   */
  async #clone(
    request: VolumeCreateRequest,
    config: VolumeConfig,
    lunName: string,
    size: number,
    sameSource: (lun: DsmLun) => boolean,
    clone: (tempName: string) => Promise<string>,
  ): Promise<Volume> {
    const { api, naming, settings } = this.#ctx;
    const tempName = naming.creatingName(lunName);
    const left = await api.lun(tempName);
    let uuid: string;
    if (left?.name === tempName && left.status !== 'deleting' && sameSource(left)) {
      this.#ctx.logger.info({ lun: tempName }, 'finishing a clone an earlier attempt left');
      uuid = left.uuid;
    } else {
      if (left?.name === tempName && left.status !== 'deleting') {
        await removeLun(this.#ctx, left.uuid, 'an earlier clone of this name came from another source');
      }
      uuid = await createLunCall(this.#ctx, tempName, () => clone(tempName));
    }
    return orRemove(this.#ctx, uuid, async () => {
      await this.#finishClone(uuid, size, request, config, lunName);
      await api.setLun(uuid, { new_name: lunName });
      return this.#volume(await unlockedLun(api, uuid, settings), request.name);
    });
  }

  #cloneSize(request: VolumeCreateRequest, sourceSize: number, what: string): number {
    if (request.size === undefined) {
      return sourceSize;
    }
    // Compare what was asked for, not the rounded size: a request below the source is refused
    // even when DSM's 1 GiB minimum would round it up to the source's size.
    if (request.size < sourceSize) {
      throw new CspProblem('INVALID_INPUT', `body.size: ${request.size} is smaller than the ${what} (${sourceSize})`, {
        field: 'body.size',
      });
    }
    return lunSize(request.size);
  }

  /**
   * A clone is as large as its source and has its description and device attributes: grow it to
   * the requested size, set the description (with the CSI name when the LUN name is hashed) and
   * the attributes the config names (space_reclamation, fua_sync_cache; unnamed ones stay the source's).
   */
  async #finishClone(
    uuid: string,
    size: number,
    request: VolumeCreateRequest,
    config: VolumeConfig,
    lunName: string,
  ): Promise<void> {
    const { api, settings } = this.#ctx;
    const lun = await unlockedLun(api, uuid, settings);
    const changes: { new_size?: number; description?: string } & LunEdit = {};
    const attribs = attribChanges(lun, config);
    if (attribs.length > 0) {
      changes.dev_attribs = attribs;
    }
    if (size > lun.size) {
      changes.new_size = size;
    }
    const description = this.#description(request.description ?? '', lunName, request.name);
    if (description !== (lun.description ?? '')) {
      changes.description = description;
    }
    if (Object.keys(changes).length > 0) {
      await api.setLun(uuid, changes);
      await unlockedLun(api, uuid, settings);
    }
  }

  async update(id: string, request: VolumeUpdateRequest): Promise<Volume> {
    parseConfig(request.config, 'body.config');
    const uuid = parseVolumeId(id, this.#ctx.nas.serial) ?? id;
    // The description keeps the published nodes: no publish may change them meanwhile.
    return withLunRecord(this.#ctx, uuid, () => this.#update(id, request));
  }

  async #update(id: string, request: VolumeUpdateRequest): Promise<Volume> {
    return describing(this.#doing(`updating volume ${id}`), async () => {
      const { api, settings, nas } = this.#ctx;
      const lun = await this.lunOf(id);
      const changes: { new_size?: number; description?: string } & LunEdit = configEdit(
        lun,
        nas.serial,
        request.config,
      );
      if (request.size !== undefined) {
        const size = lunSize(request.size);
        if (request.size < lun.size) {
          throw new CspProblem('INVALID_INPUT', `body.size: volumes cannot shrink (now ${lun.size} bytes)`, {
            field: 'body.size',
          });
        }
        if (size > lun.size) {
          changes.new_size = size;
        }
      }
      const stored = readDescription(lun.description);
      if (request.description !== undefined && request.description !== stored.text) {
        // The CSI name and the published nodes (published-nodes.ts) stay on their lines.
        changes.description = composeDescription({ ...stored, text: request.description });
      }
      if (Object.keys(changes).length === 0) {
        return this.#volume(lun);
      }
      await unlockedLun(api, lun.uuid, settings, lun);
      await api.setLun(lun.uuid, changes);
      return this.#volume(await unlockedLun(api, lun.uuid, settings));
    });
  }

  async delete(id: string, options: { force: boolean }): Promise<void> {
    await describing(this.#doing(`deleting volume ${id}`), async () => {
      const { api, settings } = this.#ctx;
      const lun = await this.lunOf(id, ['is_mapped', 'is_action_locked', 'status']);
      const snapshots = await api.snapshots(lun.uuid);
      if (snapshots.length > 0) {
        throw new CspProblem('HAS_DEPENDENTS', `volume ${id} has ${snapshots.length} snapshot(s); delete them first`);
      }
      if (lun.is_mapped) {
        if (!options.force) {
          throw new CspProblem('PUBLISHED', `volume ${id} is published; unpublish it first`);
        }
        await this.#publish.detachEverywhere(lun.uuid);
      }
      await unlockedLun(api, lun.uuid, settings, lun);
      await api.deleteLun(lun.uuid);
      snapshotIndex(this.#ctx).removeLun(lun.uuid);
      await lunGone(api, lun.uuid, settings);
    });
  }
}
