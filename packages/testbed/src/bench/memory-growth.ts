// Where a child process's RSS growth is: each V8 heap space (physical size), buffers, and what is
// outside V8's heap (glibc malloc arenas: OpenSSL, libuv, http2/nghttp2, zlib, V8's compiler zones;
// thread stacks), and of that what malloc's main arena and its per-thread arenas hold
// (malloc-arenas.ts), from two memory samples of the same process (idle, and after the operations).
import type { ChildMemory } from './child.js';
import type { Column, Row } from './report.js';

// `+ 0` turns -0 (a small shrink rounded away) into 0: JSON has no -0, so the report would not read back as written.
const round = (n: number) => Math.round(n * 10) / 10 + 0;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The named spaces get a column each; the others (map, large-object, read-only, ...) one together. */
const ownColumns = ['new_space', 'old_space', 'code_space'];

export const growthColumns: Column[] = [
  { key: 'process', label: 'process' },
  { key: 'rss', label: 'RSS Δ' },
  { key: 'new_space', label: 'new space Δ' },
  { key: 'old_space', label: 'old space Δ' },
  { key: 'code_space', label: 'code space Δ' },
  { key: 'otherSpaces', label: 'other V8 spaces Δ' },
  { key: 'arrayBuffers', label: 'array buffers Δ' },
  { key: 'outside', label: 'outside V8 heap, anonymous Δ' },
  { key: 'mallocMain', label: 'of it malloc main arena Δ' },
  { key: 'mallocThread', label: 'malloc thread arenas Δ (heaps)' },
  { key: 'file', label: 'file-backed Δ' },
];

/** One row of MiB differences between two samples of one process. */
export function growthRow(process: string, before: ChildMemory, after: ChildMemory): Row {
  const delta = (name: string) => (after.spacesMiB[name] ?? 0) - (before.spacesMiB[name] ?? 0);
  const names = new Set([...Object.keys(before.spacesMiB), ...Object.keys(after.spacesMiB)]);
  const heap = sum([...names].map(delta));
  const others = sum([...names].filter((n) => !ownColumns.includes(n)).map(delta));
  return {
    process,
    rss: round(after.rssMiB - before.rssMiB),
    ...Object.fromEntries(ownColumns.map((n) => [n, round(delta(n))])),
    otherSpaces: round(others),
    arrayBuffers: round(after.arrayBuffersMiB - before.arrayBuffersMiB),
    outside: round(after.rssAnonMiB - before.rssAnonMiB - heap),
    mallocMain: round(after.mallocMainMiB - before.mallocMainMiB),
    mallocThread: `${round(after.mallocThreadMiB - before.mallocThreadMiB)} (${before.mallocThreadHeaps}→${after.mallocThreadHeaps})`,
    file: round(after.rssFileMiB - before.rssFileMiB),
  };
}
