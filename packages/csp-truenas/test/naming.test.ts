import { describe, expect, it } from 'vitest';
import { decodePath, encodePath, leafFor, Names } from '../src/naming.js';

describe('naming', () => {
  it('keeps valid lower-case names and hashes the rest deterministically', () => {
    expect(leafFor('pvc-2c8f1a8e', 63)).toBe('pvc-2c8f1a8e');
    expect(leafFor('a.b:c', 63)).toBe('a.b:c');
    const hashed = leafFor('PVC-Upper', 63);
    expect(hashed).toMatch(/^pvc-upper-[0-9a-f]{12}$/);
    expect(leafFor('PVC-Upper', 63)).toBe(hashed);
    expect(leafFor('pvc-upper', 63)).not.toBe(hashed);
    const long = leafFor(`pvc-${'a'.repeat(100)}`, 40);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/-[0-9a-f]{12}$/);
    expect(leafFor('...', 20)).toMatch(/^v-[0-9a-f]{12}$/);
    expect(leafFor('ends.', 20)).toMatch(/^ends-[0-9a-f]{12}$/);
  });

  it('encodes dataset paths reversibly without ambiguity', () => {
    expect(encodePath('tank/k8s_vols/pvc-1')).toBe('tank~k8s+vols~pvc-1');
    expect(decodePath('tank~k8s+vols~pvc-1')).toBe('tank/k8s_vols/pvc-1');
  });

  it('accepts only ids under the configured parents', () => {
    const names = new Names({ parents: ['tank/k8s', 'fast/k8s_ssd'], iscsiPrefix: '' });
    expect(names.candidatePaths('pvc-1')).toEqual(['tank/k8s/pvc-1', 'fast/k8s_ssd/pvc-1']);
    expect(names.volumePath(names.volumeId('fast/k8s_ssd/pvc-1'))).toBe('fast/k8s_ssd/pvc-1');
    expect(() => names.volumePath('tank~other~pvc-1')).toThrow(/not found/);
    expect(() => names.volumePath('tank~k8s~Upper')).toThrow(/not found/);
    expect(() => names.volumePath('tank~k8s~a~b')).toThrow(/not found/);
    expect(() => names.volumePath('tank~k8s')).toThrow(/not found/);
    expect(names.snapshotPath('tank~k8s~pvc-1@snap-1')).toBe('tank/k8s/pvc-1@snap-1');
    expect(() => names.snapshotPath('tank~k8s~pvc-1')).toThrow(/not found/);
    expect(names.snapshotId('tank/k8s/pvc-1@snap-1')).toBe('tank~k8s~pvc-1@snap-1');
  });

  it('keeps volume ids at 100 and snapshot ids at 128 characters, and iSCSI names at 64', () => {
    const parent = `tank/${'p'.repeat(40)}`;
    const names = new Names({ parents: [parent], iscsiPrefix: 'k8s-' });
    const path = names.candidatePaths(`pvc-${'z'.repeat(120)}`)[0] as string;
    expect(names.volumeId(path).length).toBeLessThanOrEqual(100);
    expect(names.iscsiName(path).length).toBeLessThanOrEqual(64);
    expect(names.iscsiName(path).startsWith('k8s-')).toBe(true);
    const snap = names.snapshotLeaf(`snapshot-${'s'.repeat(110)}`, path);
    expect(`${names.volumeId(path)}@${snap}`.length).toBeLessThanOrEqual(128);
  });
});
