// Reading volumes: one filtered pool.dataset.query per lookup (by id, or by the few candidate
// paths of a name), and the translation of a zvol entry into the contract's Volume.

import type { Volume } from '@opencsp/csp-spec';
import { CspProblem } from '@opencsp/csp-spec/server';
import { read, type SessionContext } from './context.js';
import {
  creationTime,
  type DatasetEntry,
  hostIds,
  idProp,
  localUserProp,
  numberProp,
  prop,
  propObject,
  protocolOf,
  publishedNodes,
  valueProp,
} from './props.js';
import { reportedConfig } from './volume-config.js';

/** Native properties a volume lookup asks for (user properties always come along). */
export const volumeProperties = [
  'volsize',
  'volblocksize',
  'refreservation',
  'compression',
  'deduplication',
  'sync',
  'comments',
  'origin',
  'creation',
  'readonly',
  'available',
  'used',
];

export function queryDatasets(ctx: SessionContext, filters: unknown[], options: Record<string, unknown> = {}) {
  return read<DatasetEntry[]>(ctx, 'pool.dataset.query', [
    filters,
    { extra: { retrieve_children: false, flat: true, properties: volumeProperties }, ...options },
  ]);
}

/** A zvol this CSP created (its name property is set on it, not inherited). */
export function isManaged(entry: DatasetEntry): boolean {
  return entry.type === 'VOLUME' && localUserProp(entry, prop.volumeName) !== undefined;
}

/** Creation finished: the zvol records its target, extent, LUN mapping and NAA (or subsystem and namespace). */
export function isComplete(entry: DatasetEntry): boolean {
  if (protocolOf(entry) === 'nvmetcp') {
    return (
      idProp(entry, prop.subsysId) !== undefined &&
      idProp(entry, prop.namespaceId) !== undefined &&
      localUserProp(entry, prop.nguid) !== undefined &&
      localUserProp(entry, prop.nsUuid) !== undefined &&
      localUserProp(entry, prop.subnqn) !== undefined
    );
  }
  return (
    idProp(entry, prop.targetId) !== undefined &&
    idProp(entry, prop.extentId) !== undefined &&
    idProp(entry, prop.targetExtentId) !== undefined &&
    localUserProp(entry, prop.naa) !== undefined
  );
}

export function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

export function serialNumber(entry: DatasetEntry): string | undefined {
  if (protocolOf(entry) === 'nvmetcp') {
    return localUserProp(entry, prop.nguid)?.replaceAll('-', '').toLowerCase();
  }
  const naa = localUserProp(entry, prop.naa);
  return naa?.toLowerCase().startsWith('0x') ? naa.slice(2) : naa;
}

function health(entry: DatasetEntry): Volume['health'] {
  if (!isComplete(entry)) {
    const missing = protocolOf(entry) === 'nvmetcp' ? 'NVMe subsystem or namespace' : 'iSCSI target or extent';
    return { abnormal: true, message: `creation did not finish: the ${missing} is missing` };
  }
  if (valueProp(entry, 'readonly') === 'ON') {
    return { abnormal: true, message: 'the zvol is read-only on the array' };
  }
  return { abnormal: false, message: 'ok' };
}

export function toVolume(ctx: SessionContext, entry: DatasetEntry): Volume {
  const comments = propObject(entry, 'comments');
  const volume: Volume = {
    id: ctx.names.volumeId(entry.id),
    name: localUserProp(entry, prop.volumeName) ?? entry.id,
    size: numberProp(entry, 'volsize') ?? 0,
    description: comments?.source === 'LOCAL' && typeof comments.value === 'string' ? comments.value : '',
    published: hostIds(entry).length > 0,
    published_nodes: publishedNodes(entry),
    access_protocol: protocolOf(entry),
    config: reportedConfig(entry, ctx.names.parentOf(entry.id)),
    creation_time: creationTime(entry),
    health: health(entry),
  };
  const serial = serialNumber(entry);
  if (serial) {
    volume.serial_number = serial;
  }
  const base = localUserProp(entry, prop.baseSnapshot);
  if (base) {
    volume.base_snapshot_id = base;
    volume.clone = true;
  }
  const group = ctx.names.groupOf(entry.id);
  if (group !== undefined) {
    volume.volume_group_id = ctx.names.volumeId(group);
  }
  return volume;
}

/** The managed zvol of a volume id, or NOT_FOUND. */
export async function getManagedEntry(ctx: SessionContext, id: string): Promise<DatasetEntry> {
  const path = ctx.names.volumePath(id);
  const [entry] = await queryDatasets(ctx, [['id', '=', path]]);
  if (!entry || !isManaged(entry)) {
    throw new CspProblem('NOT_FOUND', `volume ${id} not found`);
  }
  return entry;
}

/**
 * The volume of a name (complete ones only: an unfinished create is resumed by createVolume).
 * With a volume group: the name inside that group (one query for the group and the volume).
 */
export async function findByName(ctx: SessionContext, name: string, groupId?: string): Promise<Volume | undefined> {
  if (groupId === undefined) {
    const entries = await queryDatasets(ctx, [['id', 'in', ctx.names.candidatePaths(name)]]);
    return found(ctx, entries, name);
  }
  const group = ctx.names.groupPathOf(groupId);
  const entries = await queryDatasets(ctx, [['id', 'in', [group, ctx.names.memberPath(group, name)]]]);
  if (!entries.some((e) => e.id === group && isGroupDataset(e))) {
    throw new CspProblem('NOT_FOUND', `volume group ${groupId} not found`);
  }
  return found(ctx, entries, name);
}

function found(ctx: SessionContext, entries: DatasetEntry[], name: string): Volume | undefined {
  const entry = entries.find((e) => isManaged(e) && localUserProp(e, prop.volumeName) === name && isComplete(e));
  return entry && toVolume(ctx, entry);
}

/** A volume group dataset this CSP created (its group name property is set on it). */
export function isGroupDataset(entry: DatasetEntry): boolean {
  return entry.type === 'FILESYSTEM' && localUserProp(entry, prop.groupName) !== undefined;
}

/** One page of the volumes under the configured parents. */
export async function listPage(
  ctx: SessionContext,
  page: { limit: number | undefined; startingToken: string | undefined },
): Promise<{ items: Volume[]; nextToken: string | undefined }> {
  const offset = page.startingToken === undefined ? 0 : Number(page.startingToken);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new CspProblem('INVALID_INPUT', 'query.starting_token: is not a token this CSP issued', {
      field: 'query.starting_token',
    });
  }
  const under = ctx.names.parents.map((p) => ['id', '^', `${p}/`]);
  const filters = [
    ['type', '=', 'VOLUME'],
    ['OR', under],
    [`user_properties.${prop.volumeName}.source`, '=', 'LOCAL'],
  ];
  const limit = page.limit;
  const entries = await queryDatasets(ctx, filters, {
    order_by: ['id'],
    offset,
    ...(limit === undefined ? {} : { limit: limit + 1 }),
  });
  const items = (limit === undefined ? entries : entries.slice(0, limit)).map((e) => toVolume(ctx, e));
  const more = limit !== undefined && entries.length > limit;
  return { items, nextToken: more ? String(offset + limit) : undefined };
}
