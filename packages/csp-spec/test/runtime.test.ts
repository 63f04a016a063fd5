import { describe, expect, it } from 'vitest';
import { applyServiceRuntimeSettings, defaultServiceFlags, parseV8Flags } from '../src/runtime.js';

describe('service runtime settings', () => {
  it("keeps the operator's own flags, from the command line, NODE_OPTIONS or OPENCSP_V8_FLAGS", () => {
    expect(
      applyServiceRuntimeSettings(['--max-semi-space-size=8', '--turbofan', '--no-optimize-for-size'], '', '', 20),
    ).toEqual([]);
    expect(
      applyServiceRuntimeSettings([], '--semi-space-growth-factor=2 --opt --no-optimize_for_size', '', 20),
    ).toEqual([]);
    // --opt is on in this test worker already; the semi-space flag is the operator's, so nothing else is applied.
    expect(
      applyServiceRuntimeSettings([], '', ' --opt  --semi-space-growth-factor=1 --no-optimize-for-size ', 20),
    ).toEqual(['--opt', '--semi-space-growth-factor=1', '--no-optimize-for-size']);
  });

  it('applies what the operator did not set', () => {
    // (Only the young-generation setting here: turning the optimizing compiler off would slow this test worker.)
    expect(applyServiceRuntimeSettings(['--no-opt', '--no-optimize-for-size'], '', '', 20)).toEqual([
      '--semi-space-growth-factor=1',
    ]);
    expect(applyServiceRuntimeSettings(['--no-opt', '--semi-space-growth-factor=1'], '', '', 20)).toEqual([
      '--optimize-for-size',
    ]);
  });

  it('turns Maglev off on the majors that have it on (22 and later), unless the operator set it', () => {
    expect(defaultServiceFlags(20)).toEqual(['--semi-space-growth-factor=1', '--no-opt', '--optimize-for-size']);
    expect(defaultServiceFlags(22)).toContain('--no-maglev');
    expect(defaultServiceFlags(24)).toEqual([
      '--semi-space-growth-factor=1',
      '--no-opt',
      '--no-maglev',
      '--optimize-for-size',
    ]);
    const others = ['--no-opt', '--no-optimize-for-size', '--semi-space-growth-factor=1'];
    expect(applyServiceRuntimeSettings(others, '', '', 20)).toEqual([]);
    expect(applyServiceRuntimeSettings(others, '', '', 24)).toEqual(['--no-maglev']);
    expect(applyServiceRuntimeSettings([...others, '--maglev'], '', '', 24)).toEqual([]);
    expect(applyServiceRuntimeSettings(others, '--no-maglev', '', 24)).toEqual([]);
    // A Maglev tuning flag is not the operator's choice about Maglev itself.
    expect(applyServiceRuntimeSettings([...others, '--maglev-inlining'], '', '', 24)).toEqual(['--no-maglev']);
  });

  it('refuses OPENCSP_V8_FLAGS entries that are not flags, naming them', () => {
    expect(parseV8Flags('')).toEqual([]);
    expect(parseV8Flags('--opt --max-lazy')).toEqual(['--opt', '--max-lazy']);
    expect(() => parseV8Flags('--opt rm')).toThrow('OPENCSP_V8_FLAGS: "rm" is not a V8 flag');
    expect(() => parseV8Flags('-x')).toThrow('"-x"');
  });
});
