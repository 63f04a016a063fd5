import { describe, expect, it } from 'vitest';
import {
  cspConfig,
  driverParams,
  mutableConfig,
  mutableParameterName,
  toCamelCase,
  toSnakeCase,
  volumeContext,
} from '../src/params.js';

describe('parameter conversion', () => {
  it.each([
    ['destroyOnDelete', 'destroy_on_delete'],
    ['limitIops', 'limit_iops'],
    ['volBlockSize', 'vol_block_size'],
    ['HTTPPort', 'http_port'],
    ['tier', 'tier'],
  ])('%s becomes %s', (camel, snake) => {
    expect(toSnakeCase(camel)).toBe(snake);
  });
  it('camelCases CSP config keys back', () => {
    expect(toCamelCase('destroy_on_delete')).toBe('destroyOnDelete');
    expect(toCamelCase('tier')).toBe('tier');
  });
  it('sends only CSP keys to the CSP', () => {
    expect(
      cspConfig({
        'csi.storage.k8s.io/fstype': 'xfs',
        'csi.storage.k8s.io/pvc/name': 'data',
        fsType: 'xfs',
        fsOwner: '1000:1000',
        accessProtocol: 'iscsi',
        description: 'x',
        limitIops: '100',
      }),
    ).toEqual({ limit_iops: '100' });
  });
  it('rejects parameter names that cannot be config keys', () => {
    expect(() => cspConfig({ 'a-b': '1' })).toThrow(/parameters\.a-b/);
  });
  it('validates the driver-owned parameters', () => {
    expect(driverParams({ fsOwner: '1000:100', fsMode: '0750' })).toMatchObject({
      fsOwner: '1000:100',
      fsMode: '0750',
    });
    expect(() => driverParams({ fsOwner: 'root:root' })).toThrow(/parameters\.fsOwner/);
    expect(() => driverParams({ fsMode: '0999' })).toThrow(/parameters\.fsMode/);
    expect(() => driverParams({ accessProtocol: 'fc' })).toThrow(/parameters\.accessProtocol/);
    expect(() => driverParams({ fsCreateOptions: '-b 4096; rm -rf /' })).toThrow(/fsCreateOptions/);
  });
  it('builds the volume context from parameters and effective config', () => {
    const context = volumeContext(
      { tier: 'gold', 'csi.storage.k8s.io/pvc/name': 'data', fsOwner: '1:1' },
      { tier: 'gold', thin_provisioned: true, nested: { a: 1 } },
      'xfs',
    );
    expect(context).toEqual({ tier: 'gold', fsOwner: '1:1', thinProvisioned: 'true', fsType: 'xfs' });
  });
});

describe('mutable parameters (VolumeAttributesClass)', () => {
  it('become snake_case CSP config keys like StorageClass parameters; description goes along', () => {
    expect(mutableConfig({ compression: 'ZSTD', destroyOnDelete: 'true', description: 'db' })).toEqual({
      compression: 'ZSTD',
      destroy_on_delete: 'true',
      description: 'db',
    });
    expect(mutableParameterName('destroy_on_delete', { destroyOnDelete: 'x' })).toBe('destroyOnDelete');
    expect(mutableParameterName('space_reclamation', {})).toBe('spaceReclamation');
    // csi-resizer --extra-modify-metadata adds the PV and PVC names: not CSP settings.
    expect(mutableConfig({ tier: 'gold', 'csi.storage.k8s.io/pvc/name': 'data' })).toEqual({ tier: 'gold' });
  });

  it.each([
    ['fsType', /mutable_parameters\.fsType: .*fixed when the volume is created/],
    ['accessProtocol', /mutable_parameters\.accessProtocol/],
    ['x.y', /mutable_parameters\.x\.y: parameter names/],
  ])('refuse %s, naming it', (key, message) => {
    expect(() => mutableConfig({ [key]: 'v' })).toThrow(message);
  });
});
