// LUN names for CSI volume names: readable escapes for names DSM can hold, a sanitised part plus a
// hash (and the original in the description) for any other CSI name.
import { describe, expect, it } from 'vitest';
import { Naming } from '../src/ids.js';
import {
  composeDescription,
  isHashed,
  isVolumeLun,
  lunNameOf,
  readDescription,
  volumeNameOf,
  writeDescription,
} from '../src/volume-names.js';

const naming = new Naming('k8s-');
const dsmCharset = /^[A-Za-z0-9][A-Za-z0-9.:-]*$/;

describe('volume LUN names', () => {
  it('keeps pvc-<uuid> and other DSM-safe names readable and reversible, as before', () => {
    const pvc = 'pvc-2c8f1a8e-0f6b-4c1d-9b7e-3f0a2b1c4d5e';
    expect(lunNameOf(naming, pvc)).toBe(`k8s-${pvc}`);
    expect(lunNameOf(naming, 'pvc_1')).toBe('k8s-pvc:u1');
    expect(volumeNameOf(naming, { name: 'k8s-pvc:u1' })).toBe('pvc_1');
    expect(isHashed(naming, 'k8s-pvc:u1')).toBe(false);
  });

  it.each([
    'sanity-max-attach-limit-vol+1-6535ff30-74c80a29',
    'name with spaces/and slashes',
    'ünïcode—名前',
    'é'.repeat(64),
    '_'.repeat(99),
    '-leading-dash',
  ])('derives a DSM name for %s and keeps the original in the description', (name) => {
    const lun = lunNameOf(naming, name);
    expect(lun).toMatch(dsmCharset);
    expect(lun.length).toBeLessThanOrEqual(200);
    expect(isHashed(naming, lun)).toBe(true);
    expect(isVolumeLun(naming, lun)).toBe(true);
    expect(lunNameOf(naming, name)).toBe(lun);
    const description = writeDescription(naming, 'from the StorageClass', lun, name);
    expect(readDescription(description)).toEqual({ text: 'from the StorageClass', name, nodes: {} });
    expect(volumeNameOf(naming, { name: lun, description })).toBe(name);
  });

  it('never gives two names one LUN, and never mistakes an escaped name for a hashed one', () => {
    expect(lunNameOf(naming, 'a+b')).not.toBe(lunNameOf(naming, 'a b'));
    expect(lunNameOf(naming, 'a+b')).not.toBe(lunNameOf(naming, 'a-b'));
    // `a:h0123456789abcdef` escapes to `a::h...`: two colons, so not the hashed form.
    const escaped = lunNameOf(naming, 'a:h0123456789abcdef');
    expect(escaped).toBe('k8s-a::h0123456789abcdef');
    expect(isHashed(naming, escaped)).toBe(false);
    expect(volumeNameOf(naming, { name: escaped })).toBe('a:h0123456789abcdef');
    expect(isVolumeLun(naming, 'vmware-datastore')).toBe(false);
  });

  it('leaves descriptions of escaped names alone and reads a lost or broken name as unknown', () => {
    expect(writeDescription(naming, 'text', 'k8s-pvc-1', 'pvc-1')).toBe('text');
    const lun = lunNameOf(naming, 'odd name');
    expect(writeDescription(naming, '', lun, 'odd name')).toBe('opencsp-name:odd%20name');
    expect(volumeNameOf(naming, { name: lun, description: 'someone edited it' })).toBeUndefined();
    expect(readDescription('opencsp-name:%E0%A4%A')).toEqual({ text: '', name: undefined, nodes: {} });
  });

  it('keeps published nodes on their own line, between the text and the name, for any node id', () => {
    const nodes = { 'k8s-host-node-b-1': 'b;iqn.x:b;10.0.0.0/8', 'k8s-host-node-a-2': 'a,=\nwith newline %' };
    const raw = composeDescription({ text: 'two\nlines', nodes, name: 'odd name' });
    const lines = raw.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^opencsp-nodes:k8s-host-node-a-2=[^,=\n;/]+,k8s-host-node-b-1=[^,=\n;/]+$/);
    expect(lines[3]).toBe('opencsp-name:odd%20name');
    expect(readDescription(raw)).toEqual({ text: 'two\nlines', nodes, name: 'odd name' });
    expect(readDescription(composeDescription({ text: '', nodes, name: undefined }))).toEqual({
      text: '',
      nodes,
      name: undefined,
    });
    expect(composeDescription({ text: 'plain', nodes: {}, name: undefined })).toBe('plain');
  });

  it('reads a user line that only looks like a nodes line as text', () => {
    expect(readDescription('opencsp-nodes:not a record')).toEqual({
      text: 'opencsp-nodes:not a record',
      name: undefined,
      nodes: {},
    });
    expect(readDescription('opencsp-nodes:t=%E0%A4%A')).toMatchObject({ nodes: {} });
  });
});
