// Config edits of an existing LUN (`PUT /volumes/{id}` with `config`): the keys DSM's LUN `set`
// can change (mutableConfigKeys) become `dev_attribs`; any other known key may only repeat the
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

/** Whether SCSI UNMAP is on (`emulate_tpu`), when DSM reported the LUN's dev_attribs. */
export function spaceReclamationOf(lun: DsmLun): boolean | undefined {
  const flag = lun.dev_attribs?.find((a) => a.dev_attrib === 'emulate_tpu')?.enable;
  return flag === undefined ? undefined : flag === 1;
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
  dev_attribs?: { dev_attrib: string; enable: number }[];
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
  const reclaim = parsed.spaceReclamation;
  if (reclaim === undefined || reclaim === spaceReclamationOf(lun)) {
    return {};
  }
  return { dev_attribs: [{ dev_attrib: 'emulate_tpu', enable: reclaim ? 1 : 0 }] };
}
