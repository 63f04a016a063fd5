import { parseOptions } from '@opencsp/csp-spec/options';
import { describe, expect, it } from 'vitest';
import { normalizeLocation, parseConfig } from '../src/config.js';
import { configEdit } from '../src/config-edit.js';
import type { DsmLun } from '../src/dsm/types.js';
import { canSnapshot, lunSize, planLun, toVolume } from '../src/luns.js';
import { optionTable } from '../src/options.js';

const GiB = 1024 ** 3;

describe('StorageClass config', () => {
  it('parses known keys and names the unknown or bad one', () => {
    expect(
      parseConfig({ location: 'volume2', provisioning: 'thick', lun_type: 'blun_thick', space_reclamation: 'no' }),
    ).toEqual({
      location: '/volume2',
      provisioning: 'thick',
      lunType: 'BLUN_THICK',
      spaceReclamation: false,
      fuaSyncCache: undefined,
      cloneOf: undefined,
    });
    expect(parseConfig({ fua_sync_cache: 'true' }).fuaSyncCache).toBe(true);
    expect(() => parseConfig({ fua_sync_cache: 'sometimes' })).toThrow(/config\.fua_sync_cache: must be true or false/);
    expect(() => parseConfig({ compression: 'lz4' })).toThrow(/config\.compression: is not a setting/);
    expect(() => parseConfig({ location: '/mnt/x' })).toThrow(/config\.location/);
    expect(() => parseConfig({ lun_type: 'BLOCK' })).toThrow(/config\.lun_type/);
    expect(() => parseConfig({ space_reclamation: 'maybe' })).toThrow(/config\.space_reclamation/);
    expect(normalizeLocation('/volume10')).toBe('/volume10');
  });
});

describe('LUN planning', () => {
  const thin = parseConfig({});
  it('picks the LUN type from the filesystem and provisioning', () => {
    expect(planLun('btrfs', thin, '/volume1').type).toBe('BLUN');
    expect(planLun('btrfs', parseConfig({ provisioning: 'thick' }), '/volume1').type).toBe('BLUN_THICK');
    expect(planLun('ext4', thin, '/volume2').type).toBe('ADV');
    expect(planLun('ext4', parseConfig({ provisioning: 'thick' }), '/volume2').type).toBe('FILE');
    expect(() => planLun('ext4', parseConfig({ lun_type: 'BLUN' }), '/volume2')).toThrow(
      /cannot live on \/volume2, a ext4 volume/,
    );
  });

  it('asks for snapshot support on Btrfs LUNs and UNMAP on thin ones', () => {
    expect(planLun('btrfs', thin, '/volume1').devAttribs).toEqual([
      { dev_attrib: 'emulate_tpu', enable: 1 },
      { dev_attrib: 'can_snapshot', enable: 1 },
      { dev_attrib: 'emulate_fua_write', enable: 0 },
      { dev_attrib: 'emulate_sync_cache', enable: 0 },
    ]);
    expect(planLun('btrfs', parseConfig({ fua_sync_cache: 'yes' }), '/volume1').devAttribs.slice(2)).toEqual([
      { dev_attrib: 'emulate_fua_write', enable: 1 },
      { dev_attrib: 'emulate_sync_cache', enable: 1 },
    ]);
    expect(planLun('ext4', parseConfig({ provisioning: 'thick' }), '/v').devAttribs[0]).toEqual({
      dev_attrib: 'emulate_tpu',
      enable: 0,
    });
    expect(canSnapshot({ uuid: 'u', name: 'n', type: 263, location: '/volume1', size: 1 })).toBe(true);
    expect(
      canSnapshot({
        uuid: 'u',
        name: 'n',
        type: 263,
        location: '/volume1',
        size: 1,
        dev_attribs: [{ dev_attrib: 'can_snapshot', enable: 0 }],
      }),
    ).toBe(false);
    expect(canSnapshot({ uuid: 'u', name: 'n', type: 3, type_str: 'ADV', location: '/volume2', size: 1 })).toBe(false);
  });

  it('rounds sizes up to MiB and DSM’s 1 GiB minimum', () => {
    expect(lunSize(1)).toBe(GiB);
    expect(lunSize(GiB + 1)).toBe(GiB + 1024 ** 2);
    expect(lunSize(5 * GiB)).toBe(5 * GiB);
  });

  it('refuses a size that rounds past the largest exact JSON integer, naming body.size', () => {
    expect(lunSize(Number.MAX_SAFE_INTEGER - 1024 ** 2)).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(() => lunSize(Number.MAX_SAFE_INTEGER)).toThrow(/^body\.size: rounded up/);
  });
});

describe('config edits of a live LUN (PUT /volumes/{id})', () => {
  const lun = (attribs: Record<string, number>): DsmLun => ({
    uuid: '8b0e4c4e-0f5c-4c1e-9d57-3c1f0b9f2a10',
    name: 'k8s-pvc-1',
    type: 263,
    location: '/volume1',
    size: GiB,
    dev_attribs: Object.entries(attribs).map(([dev_attrib, enable]) => ({ dev_attrib, enable })),
  });
  const off = { emulate_tpu: 1, emulate_fua_write: 0, emulate_sync_cache: 0 };

  it('reports fua_sync_cache on only when both attributes are, and leaves it out when DSM reports neither', () => {
    const config = (attribs: Record<string, number>) => toVolume(lun(attribs), 'pvc-1', 'SER1').config;
    expect(config(off)).toMatchObject({ space_reclamation: 'true', fua_sync_cache: 'false' });
    expect(config({ emulate_fua_write: 1, emulate_sync_cache: 1 })).toMatchObject({ fua_sync_cache: 'true' });
    expect(config({ emulate_fua_write: 1, emulate_sync_cache: 0 })).toMatchObject({ fua_sync_cache: 'false' });
    expect(config({})).not.toHaveProperty('fua_sync_cache');
  });

  it('sets both attributes through LUN set, only those that differ, and nothing for a repeat', () => {
    expect(configEdit(lun(off), 'SER1', { fua_sync_cache: 'true' })).toEqual({
      dev_attribs: [
        { dev_attrib: 'emulate_fua_write', enable: 1 },
        { dev_attrib: 'emulate_sync_cache', enable: 1 },
      ],
    });
    expect(configEdit(lun({ ...off, emulate_sync_cache: 1 }), 'SER1', { fua_sync_cache: 'false' })).toEqual({
      dev_attribs: [{ dev_attrib: 'emulate_sync_cache', enable: 0 }],
    });
    expect(configEdit(lun(off), 'SER1', { fua_sync_cache: 'false', space_reclamation: 'true' })).toEqual({});
    expect(configEdit(lun(off), 'SER1', { fua_sync_cache: 'on', space_reclamation: 'false' })).toEqual({
      dev_attribs: [
        { dev_attrib: 'emulate_tpu', enable: 0 },
        { dev_attrib: 'emulate_fua_write', enable: 1 },
        { dev_attrib: 'emulate_sync_cache', enable: 1 },
      ],
    });
    expect(() => configEdit(lun(off), 'SER1', { fua_sync_cache: 'maybe' })).toThrow(
      /^body\.config\.fua_sync_cache: must be true or false/,
    );
  });
});

describe('CSP settings', () => {
  it('masks with host objects by default and takes SYNOLOGY_MASKING=hosts|chap|none only', () => {
    expect(parseOptions(optionTable, [], {}).values.masking).toBe('hosts');
    expect(parseOptions(optionTable, ['--masking', 'chap'], {}).values.masking).toBe('chap');
    expect(parseOptions(optionTable, [], { SYNOLOGY_MASKING: 'none' }).values.masking).toBe('none');
    expect(() => parseOptions(optionTable, ['--masking', 'acls'], {})).toThrow(/hosts, chap, none/);
  });
});
