import { describe, expect, it } from 'vitest';
import { lioNaa, parseUnitSerial } from '../../src/lio/naa.js';

describe('the NAA LIO derives from a unit serial', () => {
  it('is type 6, the company id, then the first 25 hex digits of the serial, others skipped', () => {
    // The upstream rule for a uuid serial (hyphens skipped): 36001405a1b2c3d45e6f4a7b8c9d0e1f2
    // as udev prints it, "3" being the designator type.
    expect(lioNaa(0x001405, 'a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d')).toBe('6001405a1b2c3d45e6f4a7b8c9d0e1f2');
  });

  it('pads a short serial with zeros and lowercases it', () => {
    expect(lioNaa(0x589cfc, 'ABC123def456789')).toBe('6589cfcabc123def4567890000000000');
    expect(lioNaa(0x589cfc, 'ABC123def456789')).toHaveLength(32);
  });

  it('refuses a company id wider than 24 bits', () => {
    expect(() => lioNaa(0x1000000, 'abc')).toThrow(/24-bit/);
  });

  it('reads the serial back from configfs', () => {
    expect(parseUnitSerial('T10 VPD Unit Serial Number: 3f2a9c\n')).toBe('3f2a9c');
    expect(parseUnitSerial('T10 VPD Unit Serial Number: \n')).toBe('');
  });
});
