import { describe, expect, it } from 'vitest';
import { applyServiceRuntimeSettings } from '../src/runtime.js';

describe('service runtime settings', () => {
  it("keeps the operator's own flags, from the command line or NODE_OPTIONS", () => {
    expect(applyServiceRuntimeSettings(['--max-semi-space-size=8', '--turbofan'], '')).toEqual([]);
    expect(applyServiceRuntimeSettings([], '--semi-space-growth-factor=2 --opt')).toEqual([]);
  });

  it('applies what the operator did not set', () => {
    // (Only the young-generation setting here: turning the optimizing compiler off would slow this test worker.)
    expect(applyServiceRuntimeSettings(['--no-opt'], '')).toEqual(['--semi-space-growth-factor=1']);
  });
});
