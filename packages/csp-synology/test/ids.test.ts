import { CspProblem } from '@opencsp/csp-spec/server';
import { describe, expect, it } from 'vitest';
import {
  escapeName,
  lunSerialNumber,
  Naming,
  parseSnapshotId,
  parseVolumeId,
  snapshotId,
  targetIqn,
  unescapeName,
  volumeId,
} from '../src/ids.js';

const uuid = 'f699bc85-3be4-4eb0-9332-020b47143169';

describe('name escaping', () => {
  it.each(['pvc-1', 'a_b', 'a:b', 'a:u', 'a::u_', '_:_', 'A.b-C'])('round-trips %s into DSM charset', (name) => {
    const escaped = escapeName(name);
    expect(escaped).toMatch(/^[A-Za-z0-9.:-]*$/);
    expect(unescapeName(escaped)).toBe(name);
  });

  it('rejects escapes this CSP never writes', () => {
    expect(unescapeName('a:x')).toBeUndefined();
    expect(unescapeName('a:')).toBeUndefined();
  });

  it('prefixes names, recognises only its own, and refuses names DSM cannot hold', () => {
    const naming = new Naming('k8s-');
    expect(naming.dsmName('pvc_1')).toBe('k8s-pvc:u1');
    expect(naming.csiName('k8s-pvc:u1')).toBe('pvc_1');
    expect(naming.csiName('vmware-datastore')).toBeUndefined();
    expect(() => naming.dsmName('_'.repeat(99))).toThrow(CspProblem);
    expect(naming.dsmName('a'.repeat(128))).toHaveLength(132);
  });

  it('gives an unfinished clone a name that is never a volume and always fits DSM', () => {
    const naming = new Naming('k8s-');
    const short = naming.dsmName('pvc-1');
    expect(naming.creatingName(short)).toBe('k8s-pvc-1:creating');
    expect(naming.csiName(naming.creatingName(short))).toBeUndefined();
    // A name that fits DSM only just: the temporary name falls back to prefix + digest.
    const long = naming.dsmName('a'.repeat(195));
    const temp = naming.creatingName(long);
    expect(temp).toMatch(/^k8s-[0-9a-f]{32}:creating$/);
    expect(naming.csiName(temp)).toBeUndefined();
    expect(naming.creatingName(naming.dsmName('b'.repeat(195)))).not.toBe(temp);
  });

  it('names host targets readably and uniquely', () => {
    const naming = new Naming('k8s-');
    const a = naming.hostTargetName('Worker_1.example.com');
    expect(a).toMatch(/^k8s-host-worker-1\.example\.com-[0-9a-f]{8}$/);
    expect(naming.hostTargetName('worker-1.example.com')).not.toBe(a);
    expect(targetIqn('DS923+', a)).toMatch(/^iqn\.2000-01\.com\.synology:ds923-\.k8s-host-/);
    expect(targetIqn('nas', 'x'.repeat(300))).toHaveLength(128);
  });
});

describe('ids', () => {
  it('binds volume and snapshot ids to the NAS serial', () => {
    const id = volumeId('2260PDN1', uuid);
    expect(id).toBe(`2260PDN1~${uuid}`);
    expect(parseVolumeId(id, '2260PDN1')).toBe(uuid);
    expect(parseVolumeId('garbage', '2260PDN1')).toBeUndefined();
    expect(parseVolumeId(`2260PDN1~${uuid}~x`, '2260PDN1')).toBeUndefined();
    expect(() => parseVolumeId(id, 'OTHER')).toThrow(/belongs to the NAS with serial 2260PDN1/);
    const snap = snapshotId('2260PDN1', uuid, uuid);
    expect(snap.length).toBeLessThanOrEqual(128);
    expect(parseSnapshotId(snap, '2260PDN1')).toEqual({ lunUuid: uuid, snapshotUuid: uuid });
    expect(parseSnapshotId(id, '2260PDN1')).toBeUndefined();
  });

  it('derives the NAA WWID a Linux initiator reports for the LUN', () => {
    expect(lunSerialNumber(uuid)).toBe('6001405f699bc85d3be4d4eb0d9332d0');
    expect(lunSerialNumber(uuid)).toMatch(/^[0-9a-f]{32}$/);
  });
});
