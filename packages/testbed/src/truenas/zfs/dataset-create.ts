// pool.dataset.create, following do_create and __common_validation in plugins/pool_/dataset.py:
// full names only, parent must exist and be a filesystem, default volblocksize 16K, volsize a
// multiple of volblocksize, the 80% rule unless force_size, thick zvols reserve their size.
import { callError, type FieldError, validationErrors } from '../rpc/errors.js';
import { check } from '../rpc/schema.js';
import type { SimCore } from '../state/core.js';
import { getDataset } from './dataset-query.js';
import {
  createFilesystemSchema,
  createVolumeSchema,
  rawValue,
  validDatasetName,
  volblocksizeBytes,
} from './dataset-schema.js';
import type { Dataset } from './model.js';
import { parentName } from './model.js';

const schemaName = 'pool_dataset_create';

function parseArgs(data: unknown): Record<string, unknown> {
  const problems: FieldError[] = [];
  const type = (data as { type?: unknown } | null)?.type;
  const schema = type === 'VOLUME' ? createVolumeSchema : createFilesystemSchema;
  const value = check(data, schema, 'data', problems) as Record<string, unknown>;
  if (typeof value?.name === 'string' && !validDatasetName(value.name)) {
    problems.push(['data.name', 'Value error, Please provide a valid dataset name according to ZFS standards', 22]);
  }
  for (const [i, prop] of ((value?.user_properties as Array<{ key: string }>) ?? []).entries()) {
    if (typeof prop?.key === 'string' && !prop.key.includes(':')) {
      problems.push([`data.user_properties.${i}.key`, "String should match pattern '.*:.*'", 22]);
    }
  }
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  return value;
}

/** The pre-create checks of __common_validation for a parent that exists. */
function volumeChecks(sim: SimCore, data: Record<string, unknown>, parent: Dataset, verrors: FieldError[]): void {
  data.volblocksize ??= '16K';
  const volsize = data.volsize as number;
  const available = sim.zfs.poolFree(parent.pool);
  if (volsize > available * 0.8 && data.force_size !== true) {
    verrors.push([
      `${schemaName}.volsize`,
      'It is not recommended to use more than 80% of your available space for VOLUME',
      22,
    ]);
  }
  if (volsize % volblocksizeBytes(data.volblocksize as string) !== 0) {
    verrors.push([`${schemaName}.volsize`, 'Volume size should be a multiple of volume block size', 22]);
  }
}

function ensureAncestors(sim: SimCore, name: string): void {
  const missing: string[] = [];
  for (let p = parentName(name); p !== undefined && !sim.zfs.datasets.has(p); p = parentName(p)) {
    missing.unshift(p);
  }
  for (const p of missing) {
    sim.zfs.createDataset(p, 'FILESYSTEM', sim.now());
  }
}

function applyProperties(ds: Dataset, data: Record<string, unknown>): void {
  const native: Record<string, string> = {
    compression: 'compression',
    sync: 'sync',
    deduplication: 'dedup',
    readonly: 'readonly',
    checksum: 'checksum',
    snapdev: 'snapdev',
    copies: 'copies',
  };
  for (const [api, zfsKey] of Object.entries(native)) {
    const raw = rawValue(data[api]);
    if (raw !== undefined) {
      ds.local.set(zfsKey, raw);
    }
  }
  if (typeof data.comments === 'string' && data.comments !== 'INHERIT') {
    ds.user.set('org.freenas:description', data.comments);
  }
  for (const prop of data.user_properties as Array<{ key: string; value: string }>) {
    ds.user.set(prop.key, prop.value);
  }
}

export async function createDataset(sim: SimCore, input: unknown): Promise<Record<string, unknown>> {
  const data = parseArgs(input);
  const name = data.name as string;
  const verrors: FieldError[] = [];
  if (!name.includes('/')) {
    throw validationErrors([[`${schemaName}.name`, 'You need a full name, e.g. pool/newdataset']]);
  }
  if (name.endsWith(' ')) {
    throw validationErrors([[`${schemaName}.name`, 'Trailing spaces are not permitted in dataset names']]);
  }
  const parentPath = parentName(name) as string;
  const pool = name.split('/')[0] as string;
  let parent = sim.zfs.datasets.get(parentPath);
  if (!parent && data.create_ancestors === true) {
    if (!sim.zfs.pools.has(pool)) {
      throw validationErrors([
        [`${schemaName}.name`, 'Please specify a pool which exists for the dataset/volume to be created'],
      ]);
    }
  } else if (!parent) {
    const where = parentPath.includes('/')
      ? `Parent dataset (${parentPath}) does not exist.`
      : `zpool (${parentPath}) does not exist.`;
    throw validationErrors([[`${schemaName}.name`, where]]);
  }
  const reference = parent ?? (sim.zfs.datasets.get(pool) as Dataset);
  if (reference.type === 'FILESYSTEM' && sim.zfs.resolve(reference, 'readonly')[0] === 'on') {
    verrors.push([
      `${schemaName}.readonly`,
      `Turn off readonly mode on ${reference.name} to create ${name.split('/')[0]}`,
      22,
    ]);
  }
  if (data.type === 'VOLUME') {
    volumeChecks(sim, data, reference, verrors);
  }
  if (verrors.length > 0) {
    throw validationErrors(verrors);
  }
  if (parent?.type === 'VOLUME') {
    throw validationErrors([[`${schemaName}.name`, `${parent.name}: parent may not be a ZFS volume`]]);
  }
  if (sim.zfs.datasets.has(name)) {
    if (data.type !== 'VOLUME') {
      throw validationErrors([[`${schemaName}.name`, `Path /mnt/${name} already exists`]]);
    }
    throw callError(`Failed to create dataset ${name}: dataset already exists`);
  }
  const volsize = data.type === 'VOLUME' ? (data.volsize as number) : 0;
  const thick = data.type === 'VOLUME' && data.sparse !== true;
  if (thick && volsize > sim.zfs.poolFree(pool)) {
    throw callError(`Failed to create dataset ${name}: out of space`);
  }
  if (data.create_ancestors === true) {
    ensureAncestors(sim, name);
    parent = sim.zfs.datasets.get(parentPath);
  }
  const ds = sim.zfs.createDataset(name, data.type === 'VOLUME' ? 'VOLUME' : 'FILESYSTEM', sim.now(), {
    volsize,
    volblocksize: data.type === 'VOLUME' ? volblocksizeBytes(data.volblocksize as string) : 0,
    refreservation: thick ? volsize : 0,
  });
  applyProperties(ds, data);
  if (ds.type === 'VOLUME') {
    try {
      await sim.backing.createZvol(ds);
    } catch (err) {
      sim.zfs.removeDataset(name);
      throw callError(`Failed to create dataset ${name}: ${(err as Error).message}`);
    }
    sim.zvolDeviceReadyAt.set(name, Date.now() + sim.knobs.zvolDeviceDelayMs);
  }
  return getDataset(sim, name);
}
