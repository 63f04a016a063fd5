// The `config` keys this CSP accepts (StorageClass parameters in snake_case), their validation and
// defaults, and the config a volume reports back. Unknown keys are refused with the key named.

import type { Config } from '@opencsp/csp-spec';
import { invalidInput } from '@opencsp/csp-spec/server';
import type { DatasetEntry } from './props.js';
import { localUserProp, numberProp, prop, valueProp } from './props.js';

export interface VolumeDefaults {
  volblocksize: string;
  sparse: boolean;
  compression: string;
  dedup: string;
  sync: string;
  destroyOnDelete: boolean;
  /** Template for the zvol comment when the request has no description; `{name}` is the volume name. */
  description: string;
}

export interface VolumeConfig {
  parent: string;
  /** API spelling (`16K`). */
  volblocksize: string;
  volblocksizeBytes: number;
  sparse: boolean;
  compression: string;
  dedup: string;
  sync: string;
  destroyOnDelete: boolean;
  description: string | undefined;
}

export const configKeys = [
  'parent_dataset',
  'volblocksize',
  'sparse',
  'compression',
  'dedup',
  'sync',
  'description',
  'destroy_on_delete',
] as const;

/**
 * The keys PUT /volumes/{id} changes on a live zvol (ZFS applies them to new writes; the CSP's
 * own delete policy and the zvol comment are records). volblocksize, sparse (refreservation
 * policy) and parent_dataset are fixed at create: another value is 400 naming the key.
 */
export const mutableConfigKeys = ['compression', 'dedup', 'sync', 'description', 'destroy_on_delete'] as const;

/** Accepted spellings of keys (HPE's TrueNAS CSP names). */
const aliases: Record<string, (typeof configKeys)[number]> = { root: 'parent_dataset', deduplication: 'dedup' };

export const compressionChoices = [
  'ON',
  'OFF',
  'LZ4',
  'GZIP',
  'GZIP-1',
  'GZIP-9',
  'ZSTD',
  'ZSTD-FAST',
  'ZLE',
  'LZJB',
  'INHERIT',
  ...Array.from({ length: 19 }, (_, i) => `ZSTD-${i + 1}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 500, 1000].map((n) => `ZSTD-FAST-${n}`),
];
export const dedupChoices = ['ON', 'OFF', 'VERIFY', 'INHERIT'];
export const syncChoices = ['STANDARD', 'ALWAYS', 'DISABLED', 'INHERIT'];

/** `16K`, `16k`, `16KiB`, `16384` → `16K`; 512 bytes → `512`. Undefined when invalid. */
export function normalizeVolblocksize(raw: string | number): { choice: string; bytes: number } | undefined {
  const text = String(raw).trim().toUpperCase().replace(/I?B$/, '');
  const match = /^(\d+)(K?)$/.exec(text);
  if (!match) {
    return undefined;
  }
  const bytes = Number(match[1]) * (match[2] === 'K' ? 1024 : 1);
  const valid = [512, 1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072];
  if (!valid.includes(bytes)) {
    return undefined;
  }
  return { choice: bytes === 512 ? '512' : `${bytes / 1024}K`, bytes };
}

export function parseBool(raw: string | number | boolean, field: string): boolean {
  const text = String(raw).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(text)) {
    return false;
  }
  throw invalidInput(field, 'must be true or false');
}

function choice(raw: string | number | boolean, choices: string[], field: string): string {
  const value = String(raw).trim().toUpperCase();
  if (!choices.includes(value)) {
    throw invalidInput(field, `must be one of ${choices.join(', ')}`);
  }
  return value;
}

/** Canonical key for a config key, or a 400 naming it. */
export function configKey(key: string, field = `config.${key}`): (typeof configKeys)[number] {
  const canonical = aliases[key] ?? key;
  if (!(configKeys as readonly string[]).includes(canonical)) {
    throw invalidInput(field, `is not a config key of the TrueNAS CSP (known: ${configKeys.join(', ')})`);
  }
  return canonical as (typeof configKeys)[number];
}

export function parseVolumeConfig(
  config: Config | undefined,
  defaults: VolumeDefaults,
  parents: readonly string[],
): VolumeConfig {
  const out: VolumeConfig = {
    parent: parents[0] as string,
    volblocksize: '',
    volblocksizeBytes: 0,
    sparse: defaults.sparse,
    compression: defaults.compression,
    dedup: defaults.dedup,
    sync: defaults.sync,
    destroyOnDelete: defaults.destroyOnDelete,
    description: undefined,
  };
  let volblocksize: string | number = defaults.volblocksize;
  for (const [key, raw] of Object.entries(config ?? {})) {
    const field = `config.${key}`;
    switch (configKey(key)) {
      case 'parent_dataset':
        if (!parents.includes(String(raw))) {
          throw invalidInput(field, `must be one of the parent datasets this CSP manages: ${parents.join(', ')}`);
        }
        out.parent = String(raw);
        break;
      case 'volblocksize':
        volblocksize = typeof raw === 'boolean' ? '' : raw;
        if (!normalizeVolblocksize(volblocksize)) {
          throw invalidInput(field, 'must be a power of two from 512 to 128K (e.g. 16K)');
        }
        break;
      case 'sparse':
        out.sparse = parseBool(raw, field);
        break;
      case 'compression':
        out.compression = choice(raw, compressionChoices, field);
        break;
      case 'dedup':
        out.dedup = choice(raw, dedupChoices, field);
        break;
      case 'sync':
        out.sync = choice(raw, syncChoices, field);
        break;
      case 'description':
        out.description = String(raw);
        break;
      case 'destroy_on_delete':
        out.destroyOnDelete = parseBool(raw, field);
        break;
    }
  }
  const vbs = normalizeVolblocksize(volblocksize) as { choice: string; bytes: number };
  out.volblocksize = vbs.choice;
  out.volblocksizeBytes = vbs.bytes;
  return out;
}

/** The config a volume reports: what the array holds, in the keys a create accepts. */
export function reportedConfig(entry: DatasetEntry, parent: string): Record<string, string> {
  const vbs = numberProp(entry, 'volblocksize');
  const out: Record<string, string> = { parent_dataset: parent };
  if (vbs) {
    out.volblocksize = vbs === 512 ? '512' : `${vbs / 1024}K`;
  }
  out.sparse = String(numberProp(entry, 'refreservation') === 0);
  for (const [key, property] of [
    ['compression', 'compression'],
    ['dedup', 'deduplication'],
    ['sync', 'sync'],
  ] as const) {
    const value = valueProp(entry, property);
    if (value) {
      out[key] = value;
    }
  }
  out.destroy_on_delete = localUserProp(entry, prop.destroyOnDelete) ?? 'true';
  return out;
}
