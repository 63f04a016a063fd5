import { describe, expect, it } from 'vitest';
import type { ChildMemory } from '../../src/bench/child.js';
import { growthRow } from '../../src/bench/memory-growth.js';

const sample = (over: Partial<ChildMemory> = {}): ChildMemory => ({
  rssMiB: 60,
  heapUsedMiB: 10,
  heapTotalMiB: 12,
  externalMiB: 1,
  arrayBuffersMiB: 0.5,
  rssAnonMiB: 20,
  rssFileMiB: 40,
  spacesMiB: { new_space: 1, old_space: 8, code_space: 1 },
  mallocMainMiB: 3,
  mallocThreadMiB: 2,
  mallocThreadHeaps: 6,
  ...over,
});

describe('growthRow', () => {
  it('reports the differences of one process between two samples', () => {
    const row = growthRow(
      'csi-driver',
      sample(),
      sample({ rssMiB: 66.04, rssAnonMiB: 25, spacesMiB: { new_space: 1, old_space: 10, code_space: 1 } }),
    );
    expect(row).toMatchObject({ process: 'csi-driver', rss: 6, old_space: 2, new_space: 0, outside: 3 });
  });

  it('turns a shrink that rounds away into 0, never -0, so the report survives JSON', () => {
    const row = growthRow('csp-truenas', sample(), sample({ rssMiB: 59.99, mallocMainMiB: 2.98, rssFileMiB: 39.97 }));
    for (const key of ['rss', 'mallocMain', 'file']) {
      expect(Object.is(row[key], 0), key).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(row))).toEqual(row);
  });
});
