import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mallocArenas, parseSmaps } from '../../src/bench/malloc-arenas.js';

// Mappings of a real Node 24.22.3 process (glibc) that had compiled a few thousand functions: the
// node binary, the brk heap, three per-thread arena heaps (the rw part at a 64 MiB boundary, then
// the PROT_NONE rest of the 64 MiB; the last nearly empty), a V8 page (256 KiB), a thread stack
// (8 MiB, just below an arena heap) and V8's code range (rwx).
// Only the header, Size, Rss and Anonymous lines are kept.
const fixture = readFileSync(new URL('fixtures/smaps-node24.txt', import.meta.url), 'utf8');

describe('mallocArenas', () => {
  it('counts the brk heap as the main arena and the 64 MiB-aligned heaps as thread arenas', () => {
    expect(mallocArenas(fixture)).toEqual({ mainKiB: 4132, threadKiB: 772 + 924 + 4, threadHeaps: 3 });
  });

  it('counts a heap that fills its whole 64 MiB (no PROT_NONE rest)', () => {
    const full = [
      '7f0000000000-7f0004000000 rw-p 00000000 00:00 0',
      'Rss:               65536 kB',
      '7f0004000000-7f0004010000 rw-p 00000000 00:00 0',
      'Rss:                  64 kB',
    ].join('\n');
    expect(mallocArenas(full)).toEqual({ mainKiB: 0, threadKiB: 65536, threadHeaps: 1 });
  });

  it('does not count an aligned mapping whose PROT_NONE rest is not the 64 MiB, nor a file', () => {
    const others = [
      '7f0000000000-7f0000100000 rw-p 00000000 00:00 0',
      'Rss:                1024 kB',
      '7f0000100000-7f0008000000 ---p 00000000 00:00 0',
      'Rss:                   0 kB',
      '7f0010000000-7f0010100000 rw-p 00000000 fe:00 42    /tmp/data',
      'Rss:                1024 kB',
      '7f0010100000-7f0014000000 ---p 00000000 00:00 0',
      'Rss:                   0 kB',
    ].join('\n');
    expect(mallocArenas(others)).toEqual({ mainKiB: 0, threadKiB: 0, threadHeaps: 0 });
  });

  it('finds nothing in empty input (no /proc, or musl)', () => {
    expect(mallocArenas('')).toEqual({ mainKiB: 0, threadKiB: 0, threadHeaps: 0 });
  });

  it('refuses an Rss line before any mapping', () => {
    expect(() => parseSmaps('Rss:  4 kB\n')).toThrow(/Rss before the first mapping/);
  });
});
