// StorageClass parameters this CSP understands (they arrive as `config`, keys in snake_case,
// values as strings). Unknown keys and bad values are refused with the key named.

import type { Config } from '@opencsp/csp-spec';
import { CspProblem } from '@opencsp/csp-spec/server';

export const lunTypeNames = ['BLUN', 'BLUN_THICK', 'ADV', 'FILE', 'THIN'] as const;
export type LunTypeName = (typeof lunTypeNames)[number];

export interface VolumeConfig {
  /** `/volume1`... (default: the CSP's configured location, else the best-suited volume). */
  location: string | undefined;
  provisioning: 'thin' | 'thick';
  lunType: LunTypeName | undefined;
  /** SCSI UNMAP (`emulate_tpu`): discards free blocks on thin LUNs (default on for thin). */
  spaceReclamation: boolean | undefined;
  /**
   * The LUN honours FUA writes and SYNCHRONIZE CACHE (`emulate_fua_write` + `emulate_sync_cache`):
   * writes the initiator marks durable reach stable storage before they are acknowledged (DSM's
   * default is off for both: DSM acknowledges them from its cache).
   */
  fuaSyncCache: boolean | undefined;
  /** Volume id to clone (a full LUN clone instead of an empty LUN). */
  cloneOf: string | undefined;
}

export const configKeys = [
  'location',
  'provisioning',
  'lun_type',
  'space_reclamation',
  'fua_sync_cache',
  'clone_of',
] as const;

/**
 * Keys that may change on an existing volume: what DSM's `SYNO.Core.ISCSI.LUN` `set` changes on a
 * live LUN and this CSP maps to config (`dev_attribs`: `emulate_tpu`; `emulate_fua_write` and
 * `emulate_sync_cache` together, as synology-csi's `enableFuaSyncCache` sets them). `set` also takes `new_size`
 * (the contract's `size`) and `new_name` (names are immutable in the contract); `new_type` and
 * `new_location` are not dependable on a live LUN, so lun_type, provisioning and location stay fixed.
 */
export const mutableConfigKeys: readonly string[] = ['space_reclamation', 'fua_sync_cache'];

/** Where a refused key is named: `config.<key>` on create, `body.config.<key>` on update. */
export type ConfigField = 'config' | 'body.config';

function bad(key: string, message: string, prefix: ConfigField = 'config'): CspProblem {
  return new CspProblem('INVALID_INPUT', `${prefix}.${key}: ${message}`, { field: `${prefix}.${key}` });
}

function bool(key: string, value: string | number | boolean, prefix: ConfigField = 'config'): boolean {
  const text = String(value).toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(text)) {
    return true;
  }
  if (['false', 'no', '0', 'off'].includes(text)) {
    return false;
  }
  throw bad(key, 'must be true or false', prefix);
}

export function normalizeLocation(value: string, key = 'location', prefix: ConfigField = 'config'): string {
  const match = /^\/?(volume\d+)$/.exec(value.trim());
  if (!match) {
    throw bad(key, 'must name a storage volume such as /volume1', prefix);
  }
  return `/${match[1]}`;
}

export function parseConfig(config: Config | undefined, prefix: ConfigField = 'config'): VolumeConfig {
  const result: VolumeConfig = {
    location: undefined,
    provisioning: 'thin',
    lunType: undefined,
    spaceReclamation: undefined,
    fuaSyncCache: undefined,
    cloneOf: undefined,
  };
  for (const [key, value] of Object.entries(config ?? {})) {
    const text = String(value);
    switch (key) {
      case 'location':
        result.location = normalizeLocation(text, key, prefix);
        break;
      case 'provisioning':
        if (text !== 'thin' && text !== 'thick') {
          throw bad(key, 'must be thin or thick', prefix);
        }
        result.provisioning = text;
        break;
      case 'lun_type': {
        const upper = text.toUpperCase();
        if (!(lunTypeNames as readonly string[]).includes(upper)) {
          throw bad(key, `must be one of ${lunTypeNames.join(', ')}`, prefix);
        }
        result.lunType = upper as LunTypeName;
        break;
      }
      case 'space_reclamation':
        result.spaceReclamation = bool(key, value, prefix);
        break;
      case 'fua_sync_cache':
        result.fuaSyncCache = bool(key, value, prefix);
        break;
      case 'clone_of':
        result.cloneOf = text === '' ? undefined : text;
        break;
      default:
        throw bad(key, `is not a setting of the Synology CSP (known: ${configKeys.join(', ')})`, prefix);
    }
  }
  return result;
}
