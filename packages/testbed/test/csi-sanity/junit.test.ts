// Reading Ginkgo's JUnit report of csi-sanity and writing ours.
import { readFileSync } from 'node:fs';
import { escapeXml, parseJUnit, renderJUnit } from '@opencsp/testbed/csi-sanity';
import { describe, expect, it } from 'vitest';

const upstream = readFileSync(new URL('./fixtures/ginkgo-junit.xml', import.meta.url), 'utf8');

describe('csi-sanity JUnit', () => {
  it('reads every spec with its outcome, message and failure text', () => {
    const specs = parseJUnit(upstream);
    expect(specs.map((s) => [s.name.slice(0, 41), s.outcome])).toEqual([
      ['Node Service NodeGetInfo should return ap', 'passed'],
      ['Controller Service [Controller Server] Ge', 'failed'],
      ['ModifyVolume [Controller Server] should f', 'skipped'],
      ['Controller Service [Controller Server] Li', 'pending'],
    ]);
    expect(specs[1]?.message).toMatch(/^Unexpected error:\n {4}<\*status.Error/);
    expect(specs[1]?.detail).toContain('rpc error: code = FailedPrecondition');
    expect(specs[2]?.message).toBe('skipped - ControllerModifyVolume not supported');
    expect(specs[3]?.message).toBe('pending');
  });

  it('writes a report whose counts match its cases and reads back the same', () => {
    const xml = renderJUnit(
      'csi-sanity truenas-mount',
      [
        { name: 'a <spec> & "quotes"', outcome: 'passed', time: 1.5 },
        { name: 'b', outcome: 'failed', time: 0, message: 'broke', detail: 'line 1\nline 2 \u0007bell' },
        { name: 'c', outcome: 'skipped', time: 0, message: 'why' },
      ],
      new Date(0),
    );
    expect(xml).toContain('tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).not.toContain('\u0007');
    expect(parseJUnit(xml).map((s) => [s.name, s.outcome, s.message])).toEqual([
      ['a <spec> & "quotes"', 'passed', ''],
      ['b', 'failed', 'broke'],
      ['c', 'skipped', 'why'],
    ]);
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });
});
