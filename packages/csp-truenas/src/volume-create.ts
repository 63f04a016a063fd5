// CreateVolume: one lookup (candidate paths, parent and clone source in a single filtered query),
// the zvol (created or cloned), its iSCSI or NVMe/TCP exposure (the request's access_protocol:
// TrueNAS cannot export one zvol both ways), and one update recording the ids. A failure undoes
// everything made so far, the zvol last: while any iSCSI object may be left, the zvol stays as the
// record that the next create of the same name resumes from (adopting what it finds by name), so a
// rollback that fails half-way never strands objects nobody can find.

import type { Volume, VolumeCreateRequest } from '@opencsp/csp-spec';
import { CspProblem, invalidInput } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { exposeZvol, type IscsiObjects, removeIscsiObjects } from './iscsi-objects.js';
import {
  createNvmeObjects,
  ensureNvmeObjects,
  type NvmeObjects,
  nvmePorts,
  removeNvmeObjects,
} from './nvme-objects.js';
import {
  type DatasetEntry,
  localSnapshotProp,
  localUserProp,
  numberProp,
  prop,
  protocolOf,
  type SnapshotEntry,
} from './props.js';
import { RpcFailure } from './truenas/errors.js';
import { parseVolumeConfig, type VolumeConfig } from './volume-config.js';
import { isComplete, isGroupDataset, isManaged, queryDatasets, toVolume } from './volume-read.js';

/**
 * The zvol size for a requested `body.size`: rounded up to a multiple of the block size. A size
 * whose rounding would pass the contract's largest size (2^53 - 1, the largest exact JSON integer)
 * is refused, so no inexact number ever reaches the array or an answer.
 */
export function volsizeOf(size: number, unit: number): number {
  const volsize = Math.max(unit, Math.ceil(size / unit) * unit);
  if (volsize > Number.MAX_SAFE_INTEGER) {
    throw invalidInput(
      'body.size',
      `rounded up to a multiple of the block size (${unit}) it exceeds ${Number.MAX_SAFE_INTEGER} bytes`,
    );
  }
  return volsize;
}

/** Thick zvols reserve their size: refuse what the pool cannot hold (and the 80% rule). */
function checkSpace(ctx: SessionContext, cfg: VolumeConfig, volsize: number, parent: DatasetEntry): void {
  if (cfg.sparse) {
    return;
  }
  const available = numberProp(parent, 'available') ?? 0;
  if (volsize > available) {
    throw new CspProblem('OUT_OF_SPACE', `${parent.id} has ${available} bytes available, ${volsize} requested`);
  }
  if (volsize > available * 0.8 && !ctx.config.forceSize) {
    throw new CspProblem(
      'OUT_OF_SPACE',
      `${volsize} bytes is more than 80% of the ${available} bytes available in ${parent.id}; TrueNAS refuses that for thick volumes unless TRUENAS_FORCE_SIZE is set`,
    );
  }
}

function description(ctx: SessionContext, req: VolumeCreateRequest, cfg: VolumeConfig): string {
  return req.description ?? cfg.description ?? ctx.config.volumeDefaults.description.replaceAll('{name}', req.name);
}

function arrayRefusedSize(err: unknown): CspProblem | undefined {
  if (
    err instanceof RpcFailure &&
    (err.hasProblemAt('pool_dataset_create.volsize') || err.hasProblemAt('pool_dataset_update.volsize'))
  ) {
    return new CspProblem('OUT_OF_SPACE', `TrueNAS refused the size: ${err.reason}`, { cause: err });
  }
  return undefined;
}

type Protocol = 'iscsi' | 'nvmetcp';

/** The protocol a create asks for; 400 for one this array does not serve. */
function requestedProtocol(ctx: SessionContext, req: VolumeCreateRequest): Protocol {
  const protocol = req.access_protocol ?? 'iscsi';
  if (protocol === 'nvmetcp') {
    nvmePorts(ctx);
    return protocol;
  }
  if (protocol !== 'iscsi') {
    throw invalidInput('body.access_protocol', `${protocol} is not served by the TrueNAS CSP (iscsi, nvmetcp)`);
  }
  return protocol;
}

/** The user property marking an NVMe/TCP zvol, set when the zvol is made (a resume must know it). */
function protocolProps(protocol: Protocol): Array<{ key: string; value: string }> {
  return protocol === 'nvmetcp' ? [{ key: prop.protocol, value: protocol }] : [];
}

async function createZvol(
  ctx: SessionContext,
  req: VolumeCreateRequest,
  cfg: VolumeConfig,
  path: string,
  parent: DatasetEntry,
  protocol: Protocol,
) {
  const volsize = volsizeOf(req.size as number, cfg.volblocksizeBytes);
  checkSpace(ctx, cfg, volsize, parent);
  await call(ctx, 'pool.dataset.create', [
    {
      name: path,
      type: 'VOLUME',
      volsize,
      volblocksize: cfg.volblocksize,
      sparse: cfg.sparse,
      force_size: cfg.sparse || ctx.config.forceSize,
      comments: description(ctx, req, cfg),
      compression: cfg.compression,
      deduplication: cfg.dedup,
      sync: cfg.sync,
      user_properties: [
        { key: prop.volumeName, value: req.name },
        { key: prop.destroyOnDelete, value: String(cfg.destroyOnDelete) },
        ...protocolProps(protocol),
      ],
    },
  ]).catch((err: unknown) => {
    throw arrayRefusedSize(err) ?? err;
  });
}

/**
 * A clone the array refused, looked at again: the releases word a vanished snapshot or a taken
 * destination differently (25.10: CallError EFAULT "Failed to clone snapshot: ...", 26: a plain
 * exception with EINVAL), so the CSP asks the array what changed instead of reading the text.
 */
async function cloneRefused(
  ctx: SessionContext,
  req: VolumeCreateRequest,
  path: string,
  snapshot: string,
  err: unknown,
) {
  const [taken] = await queryDatasets(ctx, [['id', '=', path]]);
  if (taken) {
    return new CspProblem('NAME_TAKEN', `dataset ${path} was created meanwhile`, { cause: err });
  }
  const [snap] = await read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [[['id', '=', snapshot]]]);
  if (!snap) {
    return new CspProblem('NOT_FOUND', `snapshot ${req.base_snapshot_id} not found`, { cause: err });
  }
  return err;
}

async function cloneZvol(
  ctx: SessionContext,
  req: VolumeCreateRequest,
  cfg: VolumeConfig,
  path: string,
  source: { snapshot: string; dataset: DatasetEntry | undefined; parent: DatasetEntry },
  protocol: Protocol,
) {
  const [snap] = await read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [
    [['id', '=', source.snapshot]],
    { extra: { properties: ['volsize', prop.snapshotName] } },
  ]);
  if (!snap || !localSnapshotProp(snap, prop.snapshotName) || !source.dataset) {
    throw new CspProblem('NOT_FOUND', `snapshot ${req.base_snapshot_id} not found`);
  }
  const snapSize = Number(snap.properties.volsize?.rawvalue ?? 0);
  const vbs = numberProp(source.dataset, 'volblocksize') ?? cfg.volblocksizeBytes;
  if (req.config?.volblocksize !== undefined && vbs !== cfg.volblocksizeBytes) {
    throw invalidInput('config.volblocksize', `a clone keeps the block size of its snapshot (${vbs} bytes)`);
  }
  const requested = req.size ?? snapSize;
  if (requested < snapSize) {
    throw invalidInput('body.size', `is smaller than the snapshot (${snapSize} bytes)`);
  }
  const volsize = volsizeOf(requested, vbs);
  checkSpace(ctx, cfg, volsize, source.parent);
  const properties: Record<string, string> = {
    [prop.volumeName]: req.name,
    [prop.destroyOnDelete]: String(cfg.destroyOnDelete),
    [prop.baseSnapshot]: req.base_snapshot_id as string,
    'org.freenas:description': description(ctx, req, cfg),
    refreservation: cfg.sparse ? 'none' : String(snapSize),
    ...Object.fromEntries(protocolProps(protocol).map((p) => [p.key, p.value])),
  };
  for (const [key, value] of [
    ['compression', cfg.compression],
    ['dedup', cfg.dedup],
    ['sync', cfg.sync],
  ] as const) {
    if (value !== 'INHERIT') {
      properties[key] = value.toLowerCase();
    }
  }
  await call(ctx, 'pool.snapshot.clone', [
    { snapshot: source.snapshot, dataset_dst: path, dataset_properties: properties },
  ]).catch(async (err: unknown) => {
    throw await cloneRefused(ctx, req, path, source.snapshot, err);
  });
  if (volsize > snapSize) {
    await call(ctx, 'pool.dataset.update', [path, { volsize, force_size: cfg.sparse || ctx.config.forceSize }]).catch(
      async (err: unknown) => {
        await call(ctx, 'pool.dataset.delete', [path, { recursive: false }]).catch(() => undefined);
        throw arrayRefusedSize(err) ?? err;
      },
    );
  }
}

/** Records the iSCSI ids on the zvol; returns the zvol's final entry. */
function recordIscsi(ctx: SessionContext, path: string, iscsi: IscsiObjects): Promise<DatasetEntry> {
  return call<DatasetEntry>(ctx, 'pool.dataset.update', [
    path,
    {
      user_properties_update: [
        { key: prop.targetId, value: String(iscsi.targetId) },
        { key: prop.extentId, value: String(iscsi.extentId) },
        { key: prop.targetExtentId, value: String(iscsi.targetExtentId) },
        { key: prop.naa, value: iscsi.naa },
      ],
    },
  ]);
}

/** Records the NVMe ids on the zvol; returns the zvol's final entry. */
function recordNvme(ctx: SessionContext, path: string, nvme: NvmeObjects): Promise<DatasetEntry> {
  return call<DatasetEntry>(ctx, 'pool.dataset.update', [
    path,
    {
      user_properties_update: [
        { key: prop.subsysId, value: String(nvme.subsysId) },
        { key: prop.namespaceId, value: String(nvme.namespaceId) },
        { key: prop.subnqn, value: nvme.subnqn },
        { key: prop.nsid, value: String(nvme.nsid) },
        { key: prop.nguid, value: nvme.nguid },
        { key: prop.nsUuid, value: nvme.uuid },
      ],
    },
  ]);
}

const recordedIds = [prop.targetId, prop.extentId, prop.targetExtentId, prop.naa];

/**
 * Removes what a failed create made: iSCSI objects by name first, the zvol only once they are
 * gone. When the record of the ids may have been written (its answer lost), it is taken back
 * first, so a zvol that a failing undo leaves behind is resumed, never taken for a complete volume.
 */
async function undoCreate(ctx: SessionContext, path: string, mayBeRecorded: boolean): Promise<void> {
  if (mayBeRecorded) {
    await call(ctx, 'pool.dataset.update', [
      path,
      { user_properties_update: recordedIds.map((key) => ({ key, remove: true })) },
    ]);
  }
  await removeIscsiObjects(ctx, path, true);
  await call(ctx, 'pool.dataset.delete', [path, { recursive: false }]);
}

async function exposeNvme(ctx: SessionContext, path: string): Promise<DatasetEntry> {
  let nvme: NvmeObjects | undefined;
  try {
    nvme = await createNvmeObjects(ctx, path);
    return await recordNvme(ctx, path, nvme);
  } catch (err) {
    const undo = async () => {
      if (nvme) {
        await removeNvmeObjects(ctx, path, nvme.subsysId, true);
      }
      await call(ctx, 'pool.dataset.delete', [path, { recursive: false }]);
    };
    await undo().catch((cleanup: unknown) =>
      ctx.logger.error({ err: cleanup, path }, 'could not undo a failed volume create'),
    );
    throw err;
  }
}

async function expose(ctx: SessionContext, path: string, protocol: Protocol): Promise<DatasetEntry> {
  if (protocol === 'nvmetcp') {
    return exposeNvme(ctx, path);
  }
  let recording = false;
  try {
    const iscsi = await exposeZvol(ctx, path);
    recording = true;
    return await recordIscsi(ctx, path, iscsi);
  } catch (err) {
    await undoCreate(ctx, path, recording).catch((cleanup: unknown) =>
      ctx.logger.error(
        { err: cleanup, path },
        'could not undo a failed volume create; the next create of this name resumes it',
      ),
    );
    throw err;
  }
}

/** Finishes a create that stopped after its zvol existed: the size (a clone grows after cloning) and the exposure. */
async function resume(ctx: SessionContext, req: VolumeCreateRequest, existing: DatasetEntry): Promise<Volume> {
  ctx.logger.info({ path: existing.id }, 'resuming an interrupted volume create');
  const volsize = numberProp(existing, 'volsize') ?? 0;
  const wanted = req.size === undefined ? 0 : volsizeOf(req.size, numberProp(existing, 'volblocksize') ?? 16_384);
  if (wanted > volsize) {
    const sparse = numberProp(existing, 'refreservation') === 0;
    await call(ctx, 'pool.dataset.update', [
      existing.id,
      { volsize: wanted, force_size: sparse || ctx.config.forceSize },
    ]);
  }
  if (protocolOf(existing) === 'nvmetcp') {
    return toVolume(ctx, await recordNvme(ctx, existing.id, await ensureNvmeObjects(ctx, existing.id)));
  }
  return toVolume(ctx, await recordIscsi(ctx, existing.id, await exposeZvol(ctx, existing.id)));
}

export async function createVolume(ctx: SessionContext, req: VolumeCreateRequest): Promise<Volume> {
  const protocol = requestedProtocol(ctx, req);
  const cfg = parseVolumeConfig(req.config, ctx.config.volumeDefaults, ctx.names.parents);
  const group = req.volume_group_id ? ctx.names.groupPathOf(req.volume_group_id) : undefined;
  const candidates = group ? [ctx.names.memberPath(group, req.name)] : ctx.names.candidatePaths(req.name);
  const home = group ?? cfg.parent;
  const snapshot = req.base_snapshot_id ? ctx.names.snapshotPath(req.base_snapshot_id) : undefined;
  const sourcePath = snapshot?.slice(0, snapshot.indexOf('@'));
  const ids = [...new Set([...candidates, home, ...(sourcePath ? [sourcePath] : [])])];
  const entries = await queryDatasets(ctx, [['id', 'in', ids]]);
  if (group && !entries.some((e) => e.id === group && isGroupDataset(e))) {
    throw new CspProblem('NOT_FOUND', `volume group ${req.volume_group_id} not found`);
  }
  const existing = entries.find((e) => candidates.includes(e.id));
  if (existing) {
    if (isManaged(existing) && localUserProp(existing, prop.volumeName) === req.name && !isComplete(existing)) {
      return resume(ctx, req, existing);
    }
    throw new CspProblem(
      'NAME_TAKEN',
      isManaged(existing) && localUserProp(existing, prop.volumeName) === req.name
        ? `a volume named ${req.name} exists`
        : `dataset ${existing.id} exists on the array and is not a volume of this CSP`,
    );
  }
  const parent = entries.find((e) => e.id === home);
  if (parent?.type !== 'FILESYSTEM') {
    throw new CspProblem('INTERNAL', `parent dataset ${home} does not exist on the array or is not a filesystem`);
  }
  const path = group ? ctx.names.memberPath(group, req.name) : `${cfg.parent}/${ctx.names.leaf(req.name)}`;
  if (snapshot) {
    const source = { snapshot, dataset: entries.find((e) => e.id === sourcePath), parent };
    await cloneZvol(ctx, req, cfg, path, source, protocol);
  } else {
    await createZvol(ctx, req, cfg, path, parent, protocol);
  }
  return toVolume(ctx, await expose(ctx, path, protocol));
}
