// Config edits of an existing LUN (`PUT /volumes/{id}` with `config`): the keys DSM's LUN `set`
// can change (mutableConfigKeys) become the `dev_attribs` entries that differ from the LUN's; any other known key may only repeat the
// LUN's current value (a no-op), else it is refused naming `body.config.<key>` before anything
// changes. The current values are what toVolume reports, read from the LUN itself.
import type { Config } from '@opencsp/csp-spec';
import { CspProblem } from '@opencsp/csp-spec/server';
import { mutableConfigKeys, parseConfig, type VolumeConfig } from './config.js';
import { type DsmLun, lunTypeName } from './dsm/types.js';
import { volumeId } from './ids.js';

const thinTypes = new Set<string>(['BLUN', 'ADV', 'THIN']);

/** thin or thick, from the LUN's type. */
export function provisioningOf(lun: DsmLun): 'thin' | 'thick' {
  return thinTypes.has(lunTypeName(lun)) ? 'thin' : 'thick';
}

export interface DevAttribEdit {
  dev_attrib: string;
  enable: number;
}

/** One device attribute's flag (0 or 1), undefined when DSM did not report it. */
export function devAttribOf(lun: DsmLun, name: string): number | undefined {
  return lun.dev_attribs?.find((a) => a.dev_attrib === name)?.enable;
}

/** Whether SCSI UNMAP is on (`emulate_tpu`), when DSM reported the LUN's dev_attribs. */
export function spaceReclamationOf(lun: DsmLun): boolean | undefined {
  const flag = devAttribOf(lun, 'emulate_tpu');
  return flag === undefined ? undefined : flag === 1;
}

/** The two attributes `fua_sync_cache` sets together. */
export const fuaSyncCacheAttribs = ['emulate_fua_write', 'emulate_sync_cache'] as const;

/** `fua_sync_cache` as the LUN has it: on only when both attributes are; undefined when DSM reported neither. */
export function fuaSyncCacheOf(lun: DsmLun): boolean | undefined {
  const flags = fuaSyncCacheAttribs.map((name) => devAttribOf(lun, name));
  return flags.every((f) => f === undefined) ? undefined : flags.every((f) => f === 1);
}

/** The attribute entries that give `fua_sync_cache` the value `on`. */
export function fuaSyncCacheAttribsFor(on: boolean): DevAttribEdit[] {
  return fuaSyncCacheAttribs.map((name) => ({ dev_attrib: name, enable: on ? 1 : 0 }));
}

/** The volume id the LUN was cloned from ('' when it is no clone of a volume). */
function cloneOf(lun: DsmLun, serial: string): string {
  const parent = lun.family_config?.parent_lun_uuid;
  return parent && !lun.family_config?.parent_snapshot_uuid ? volumeId(serial, parent) : '';
}

function currentValue(key: string, lun: DsmLun, serial: string): string {
  switch (key) {
    case 'location':
      return lun.location;
    case 'lun_type':
      return lunTypeName(lun);
    case 'provisioning':
      return provisioningOf(lun);
    default:
      return cloneOf(lun, serial);
  }
}

function requestedValue(key: string, parsed: VolumeConfig): string {
  switch (key) {
    case 'location':
      return parsed.location ?? '';
    case 'lun_type':
      return parsed.lunType ?? '';
    case 'provisioning':
      return parsed.provisioning;
    default:
      return parsed.cloneOf ?? '';
  }
}

export interface LunEdit {
  dev_attribs?: DevAttribEdit[];
}

/**
 * The attribute entries of the mutable keys `parsed` gives that differ from what the LUN has (each
 * attribute set on its own); also how a clone, which starts with its source's attributes, gets
 * the ones its StorageClass asks for.
 */
export function attribChanges(lun: DsmLun, parsed: VolumeConfig): DevAttribEdit[] {
  const wanted: DevAttribEdit[] = [];
  if (parsed.spaceReclamation !== undefined) {
    wanted.push({ dev_attrib: 'emulate_tpu', enable: parsed.spaceReclamation ? 1 : 0 });
  }
  if (parsed.fuaSyncCache !== undefined) {
    wanted.push(...fuaSyncCacheAttribsFor(parsed.fuaSyncCache));
  }
  return wanted.filter((a) => devAttribOf(lun, a.dev_attrib) !== a.enable);
}

/** The LUN `set` changes a config edit needs (none for a repeat); 400 naming the key otherwise. */
export function configEdit(lun: DsmLun, serial: string, config: Config | undefined): LunEdit {
  const parsed = parseConfig(config, 'body.config');
  for (const key of Object.keys(config ?? {})) {
    if (mutableConfigKeys.includes(key)) {
      continue;
    }
    const current = currentValue(key, lun, serial);
    if (requestedValue(key, parsed) !== current) {
      throw new CspProblem(
        'INVALID_INPUT',
        `body.config.${key}: cannot change on an existing volume (it is ${JSON.stringify(current)}; changeable: ${mutableConfigKeys.join(', ')})`,
        { field: `body.config.${key}` },
      );
    }
  }
  const changes = attribChanges(lun, parsed);
  return changes.length === 0 ? {} : { dev_attribs: changes };
}
