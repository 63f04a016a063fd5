// How LUNs are made and shown: the LUN type from the storage volume's filesystem and the config,
// the device attributes, and the contract's Volume view of a DSM LUN.

import type { Volume } from '@opencsp/csp-spec';
import { CspProblem } from '@opencsp/csp-spec/server';
import type { LunTypeName, VolumeConfig } from './config.js';
import {
  type DevAttribEdit,
  devAttribOf,
  fuaSyncCacheAttribsFor,
  fuaSyncCacheOf,
  provisioningOf,
  spaceReclamationOf,
} from './config-edit.js';
import { type DsmLun, lunTypeName } from './dsm/types.js';
import { lunSerialNumber, type Naming, snapshotId, volumeId } from './ids.js';
import { publishedNodesOf } from './published-nodes.js';
import { readDescription, volumeNameOf } from './volume-names.js';

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;
/** DSM's documented minimum LUN size. */
export const minLunSize = GiB;

/** Rounds a requested size up to whole MiB and at least DSM's 1 GiB minimum. */
export function lunSize(requested: number): number {
  const size = Math.max(minLunSize, Math.ceil(requested / MiB) * MiB);
  if (size > Number.MAX_SAFE_INTEGER) {
    // The contract's largest size is the largest exact JSON integer: no inexact number goes out.
    throw new CspProblem('INVALID_INPUT', `body.size: rounded up to whole MiB it exceeds ${Number.MAX_SAFE_INTEGER}`, {
      field: 'body.size',
    });
  }
  return size;
}

const fsOfType: Record<LunTypeName, string[]> = {
  BLUN: ['btrfs'],
  BLUN_THICK: ['btrfs'],
  ADV: ['ext4'],
  FILE: ['ext4'],
  THIN: ['btrfs', 'ext4'],
};

const thinTypes = new Set<string>(['BLUN', 'ADV', 'THIN']);
const snapshotTypes = new Set<string>(['BLUN', 'BLUN_THICK']);

export interface LunPlan {
  type: LunTypeName;
  devAttribs: DevAttribEdit[];
}

/** Btrfs: BLUN (thin) or BLUN_THICK; ext4: ADV (thin) or FILE (thick); `lun_type` overrides. */
export function planLun(fsType: string, config: VolumeConfig, location: string): LunPlan {
  const thick = config.provisioning === 'thick';
  let type: LunTypeName;
  if (config.lunType) {
    type = config.lunType;
    if (!fsOfType[type].includes(fsType)) {
      throw new CspProblem(
        'INVALID_INPUT',
        `config.lun_type: ${type} LUNs cannot live on ${location}, a ${fsType} volume (${fsType === 'btrfs' ? 'BLUN, BLUN_THICK or THIN' : 'ADV, FILE or THIN'} can)`,
        { field: 'config.lun_type' },
      );
    }
  } else if (fsType === 'btrfs') {
    type = thick ? 'BLUN_THICK' : 'BLUN';
  } else if (fsType === 'ext4') {
    type = thick ? 'FILE' : 'ADV';
  } else {
    throw new CspProblem('INVALID_INPUT', `config.location: ${location} has filesystem ${fsType}, not btrfs or ext4`, {
      field: 'config.location',
    });
  }
  const reclaim = config.spaceReclamation ?? thinTypes.has(type);
  return {
    type,
    devAttribs: [
      { dev_attrib: 'emulate_tpu', enable: reclaim ? 1 : 0 },
      { dev_attrib: 'can_snapshot', enable: snapshotTypes.has(type) ? 1 : 0 },
      ...fuaSyncCacheAttribsFor(config.fuaSyncCache ?? false),
    ],
  };
}

export function canSnapshot(lun: DsmLun): boolean {
  const flag = devAttribOf(lun, 'can_snapshot');
  return snapshotTypes.has(lunTypeName(lun)) && flag !== 0;
}

/** The config a volume reports: where and how the LUN was made, and its changeable settings. */
function reportedConfig(lun: DsmLun): Volume['config'] {
  const reclaim = spaceReclamationOf(lun);
  const fua = fuaSyncCacheOf(lun);
  return {
    location: lun.location,
    lun_type: lunTypeName(lun),
    provisioning: provisioningOf(lun),
    ...(reclaim === undefined ? {} : { space_reclamation: String(reclaim) }),
    ...(fua === undefined ? {} : { fua_sync_cache: String(fua) }),
  };
}

export function toVolume(lun: DsmLun, name: string, serial: string): Volume {
  const status = lun.status ?? 'normal';
  const volume: Volume = {
    id: volumeId(serial, lun.uuid),
    name,
    size: lun.size,
    description: readDescription(lun.description).text,
    published: lun.is_mapped === true,
    published_nodes: publishedNodesOf(lun),
    serial_number: lunSerialNumber(lun.uuid),
    access_protocol: 'iscsi',
    config: reportedConfig(lun),
    health: {
      abnormal: status !== 'normal',
      message: status === 'normal' ? 'ok' : `DSM reports the LUN as ${status}`,
    },
  };
  if (lun.allocated_size !== undefined) {
    volume.used_bytes = lun.allocated_size;
    volume.free_bytes = Math.max(0, lun.size - lun.allocated_size);
  }
  const family = lun.family_config;
  if (family?.parent_snapshot_uuid) {
    volume.clone = true;
    volume.base_snapshot_id = snapshotId(serial, family.parent_lun_uuid, family.parent_snapshot_uuid);
  } else if (family?.parent_lun_uuid) {
    volume.clone = true;
  }
  return volume;
}

/** The Volume for a LUN when it is this CSP's (named with the prefix), else undefined. */
export function ourVolume(lun: DsmLun, naming: Naming, serial: string): Volume | undefined {
  const name = volumeNameOf(naming, lun);
  return name === undefined ? undefined : toVolume(lun, name, serial);
}
