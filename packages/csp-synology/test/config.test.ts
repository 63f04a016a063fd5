import { parseOptions } from '@opencsp/csp-spec/options';
import { describe, expect, it } from 'vitest';
import { normalizeLocation, parseConfig } from '../src/config.js';
import { canSnapshot, lunSize, planLun } from '../src/luns.js';
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
      cloneOf: undefined,
    });
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

describe('CSP settings', () => {
  it('masks with host objects by default and takes SYNOLOGY_MASKING=hosts|chap|none only', () => {
    expect(parseOptions(optionTable, [], {}).values.masking).toBe('hosts');
    expect(parseOptions(optionTable, ['--masking', 'chap'], {}).values.masking).toBe('chap');
    expect(parseOptions(optionTable, [], { SYNOLOGY_MASKING: 'none' }).values.masking).toBe('none');
    expect(() => parseOptions(optionTable, ['--masking', 'acls'], {})).toThrow(/hosts, chap, none/);
  });
});
