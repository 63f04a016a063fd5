import { describe, expect, it } from 'vitest';
import { applyServiceRuntimeSettings, parseV8Flags } from '../src/runtime.js';

describe('service runtime settings', () => {
  it("keeps the operator's own flags, from the command line, NODE_OPTIONS or OPENCSP_V8_FLAGS", () => {
    expect(
      applyServiceRuntimeSettings(['--max-semi-space-size=8', '--turbofan', '--no-optimize-for-size'], '', ''),
    ).toEqual([]);
    expect(applyServiceRuntimeSettings([], '--semi-space-growth-factor=2 --opt --no-optimize_for_size', '')).toEqual(
      [],
    );
    // --opt is on in this test worker already; the semi-space flag is the operator's, so nothing else is applied.
    expect(applyServiceRuntimeSettings([], '', ' --opt  --semi-space-growth-factor=1 --no-optimize-for-size ')).toEqual(
      ['--opt', '--semi-space-growth-factor=1', '--no-optimize-for-size'],
    );
  });

  it('applies what the operator did not set', () => {
    // (Only the young-generation setting here: turning the optimizing compiler off would slow this test worker.)
    expect(applyServiceRuntimeSettings(['--no-opt', '--no-optimize-for-size'], '', '')).toEqual([
      '--semi-space-growth-factor=1',
    ]);
    expect(applyServiceRuntimeSettings(['--no-opt', '--semi-space-growth-factor=1'], '', '')).toEqual([
      '--optimize-for-size',
    ]);
  });

  it('refuses OPENCSP_V8_FLAGS entries that are not flags, naming them', () => {
    expect(parseV8Flags('')).toEqual([]);
    expect(parseV8Flags('--opt --max-lazy')).toEqual(['--opt', '--max-lazy']);
    expect(() => parseV8Flags('--opt rm')).toThrow('OPENCSP_V8_FLAGS: "rm" is not a V8 flag');
    expect(() => parseV8Flags('-x')).toThrow('"-x"');
  });
});
