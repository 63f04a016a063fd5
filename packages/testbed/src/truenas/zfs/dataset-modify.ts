// pool.dataset.update and pool.dataset.delete (do_update / do_delete in plugins/pool_/dataset.py).
import { deleteZvolAttachments } from '../iscsi/attachments.js';
import { deleteZvolNamespaces } from '../nvmet/index.js';
import { callError, errno, type FieldError, validationError, validationErrors } from '../rpc/errors.js';
import { check } from '../rpc/schema.js';
import type { SimCore } from '../state/core.js';
import { getDataset } from './dataset-query.js';
import { rawValue, updateSchema } from './dataset-schema.js';
import type { Dataset } from './model.js';

const schemaName = 'pool_dataset_update';

const nativeKeys: Record<string, string> = {
  compression: 'compression',
  sync: 'sync',
  deduplication: 'dedup',
  readonly: 'readonly',
  checksum: 'checksum',
  snapdev: 'snapdev',
  copies: 'copies',
};

function validateVolsize(sim: SimCore, ds: Dataset, data: Record<string, unknown>, verrors: FieldError[]): void {
  const volsize = data.volsize as number;
  const available = sim.zfs.poolFree(ds.pool) + sim.zfs.used(ds);
  if (volsize > available * 0.8 && data.force_size !== true) {
    verrors.push([
      `${schemaName}.volsize`,
      'It is not recommended to use more than 80% of your available space for VOLUME',
      22,
    ]);
  }
  if (volsize % ds.volblocksize !== 0) {
    verrors.push([`${schemaName}.volsize`, 'Volume size should be a multiple of volume block size', 22]);
  }
  if (volsize < ds.volsize) {
    verrors.push([`${schemaName}.volsize`, 'You cannot shrink a zvol from GUI, this may lead to data loss.', 22]);
  }
}

function validateUserProps(data: Record<string, unknown>, verrors: FieldError[]): void {
  const updates = (data.user_properties_update as Array<Record<string, unknown>> | undefined) ?? [];
  updates.forEach((prop, i) => {
    const at = `${schemaName}.user_properties_update.${i}`;
    if ('value' in prop && prop.remove) {
      verrors.push([`${at}.remove`, 'When "value" is specified, this cannot be set', 22]);
    } else if (!('value' in prop) && !('remove' in prop)) {
      verrors.push([`${at}.value`, 'Either "value" or "remove" must be specified', 22]);
    }
    if (typeof prop.key === 'string' && !prop.key.includes(':')) {
      verrors.push([`data.user_properties_update.${i}.key`, "String should match pattern '.*:.*'", 22]);
    }
  });
}

function applyUpdate(ds: Dataset, data: Record<string, unknown>): void {
  for (const [api, key] of Object.entries(nativeKeys)) {
    if (api in data) {
      const raw = rawValue(data[api]);
      if (raw === undefined) {
        ds.local.delete(key);
      } else {
        ds.local.set(key, raw);
      }
    }
  }
  if (typeof data.comments === 'string') {
    if (data.comments === 'INHERIT') {
      ds.user.delete('org.freenas:description');
    } else {
      ds.user.set('org.freenas:description', data.comments);
    }
  }
  for (const prop of (data.user_properties_update as Array<Record<string, unknown>> | undefined) ?? []) {
    if (prop.remove) {
      ds.user.delete(prop.key as string);
    } else {
      ds.user.set(prop.key as string, prop.value as string);
    }
  }
}

/**
 * The volsize part of do_update's one `zfs.dataset.update` call: ZFS sets all properties or none,
 * so a grow that fails (no space for a thick zvol's refreservation, or the backing file) leaves
 * the zvol as it was, and the other properties of the call unset.
 */
async function growZvol(sim: SimCore, ds: Dataset, volsize: number): Promise<void> {
  const thick = ds.refreservation > 0;
  if (thick && volsize - ds.refreservation > sim.zfs.poolFree(ds.pool)) {
    throw validationError('pool.dataset.update', 'Failed to update properties: out of space');
  }
  try {
    await sim.backing.grow(ds, volsize);
  } catch (err) {
    throw callError(`Failed to update dataset properties: ${(err as Error).message}`);
  }
  ds.volsize = volsize;
  if (thick) {
    sim.zfs.setRefreservation(ds, volsize);
  }
}

export async function updateDataset(sim: SimCore, id: string, input: unknown): Promise<Record<string, unknown>> {
  const problems: FieldError[] = [];
  const data = check(input, updateSchema, 'data', problems) as Record<string, unknown>;
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  const ds = sim.zfs.datasets.get(id);
  const verrors: FieldError[] = [];
  if (!ds) {
    throw validationErrors([['id', `${id} does not exist`, errno.ENOENT]]);
  }
  if (ds.type === 'VOLUME' && data.volsize !== undefined) {
    validateVolsize(sim, ds, data, verrors);
  }
  if (ds.type === 'FILESYSTEM') {
    for (const field of ['force_size', 'volsize']) {
      if (field in data) {
        verrors.push([`${schemaName}.${field}`, 'This field is not valid for FILESYSTEM', 22]);
      }
    }
  }
  validateUserProps(data, verrors);
  if (verrors.length > 0) {
    throw validationErrors(verrors);
  }
  const grow = ds.type === 'VOLUME' && typeof data.volsize === 'number' && data.volsize > ds.volsize;
  if (grow) {
    await growZvol(sim, ds, data.volsize as number);
  }
  applyUpdate(ds, data);
  return getDataset(sim, id);
}

/**
 * do_delete: children need `recursive` (CallError ENOTEMPTY), a missing dataset is
 * InstanceNotFound, the iSCSI and NVMe-oF attachment delegates run (even if the destroy is then
 * refused), and the release's own ZFS destroy decides the rest.
 */
export async function deleteDataset(sim: SimCore, id: string, options: { recursive: boolean }): Promise<true> {
  const ds = sim.zfs.datasets.get(id);
  if (ds && !options.recursive && sim.zfs.children(id).length > 0) {
    throw callError(`Failed to delete dataset: cannot destroy '${id}': filesystem has children`, errno.ENOTEMPTY);
  }
  if (!ds) {
    throw validationError(null, `PoolDataset ${id} does not exist`, errno.ENOENT);
  }
  deleteZvolAttachments(sim, id);
  deleteZvolNamespaces(sim, id);
  await sim.personality.destroyDataset(sim, id, options.recursive);
  return true;
}
