// How much of a process's resident memory glibc malloc holds, from /proc/PID/smaps: the main
// arena (the brk heap, `[heap]`) and the per-thread arenas. A thread that calls malloc while
// another thread holds the arena it used gets an arena of its own (up to 8 per core, or
// MALLOC_ARENA_MAX); such an arena lives in heaps that glibc maps as 64 MiB regions, aligned to
// 64 MiB, with only the part in use readable and writable: in smaps, an anonymous `rw-p` mapping
// at a 64 MiB boundary, followed by the `---p` rest of the 64 MiB (none when the heap is full).
// Memory freed into such an arena stays there for the threads that use it; the main thread's
// allocations do not reuse it. (musl, the CSP images' libc, has no arenas: nothing matches there.)
export interface MallocArenas {
  /** Resident KiB of the main arena (`[heap]`). */
  mainKiB: number;
  /** Resident KiB of the per-thread arenas' heaps. */
  threadKiB: number;
  /** How many per-thread arena heaps are mapped. */
  threadHeaps: number;
}

interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  /** Inode 0 and no name other than `[heap]`/`[anon:...]`: not backed by a file. */
  anonymous: boolean;
  name: string;
  rssKiB: number;
}

const heapSize = 64n * 1024n * 1024n;
const header = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+\S+\s+\S+\s+(\d+)\s*(.*)$/;

/** The mappings of /proc/PID/smaps text, each with its Rss; throws on a line it cannot read. */
export function parseSmaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of text.split('\n')) {
    const h = header.exec(line);
    if (h) {
      const [, start, end, perms, inode, name] = h as unknown as [string, string, string, string, string, string];
      const trimmed = name.trim();
      mappings.push({
        start: BigInt(`0x${start}`),
        end: BigInt(`0x${end}`),
        perms,
        anonymous: inode === '0' && (trimmed === '' || trimmed === '[heap]' || trimmed.startsWith('[anon')),
        name: trimmed,
        rssKiB: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB$/.exec(line);
    if (rss) {
      const last = mappings.at(-1);
      if (last === undefined) {
        throw new Error(`smaps: Rss before the first mapping: ${JSON.stringify(line)}`);
      }
      last.rssKiB = Number(rss[1]);
    }
  }
  return mappings;
}

/** The main arena and the per-thread arenas' heaps in /proc/PID/smaps text. */
export function mallocArenas(smaps: string): MallocArenas {
  const mappings = parseSmaps(smaps);
  const result: MallocArenas = { mainKiB: 0, threadKiB: 0, threadHeaps: 0 };
  mappings.forEach((m, i) => {
    if (m.name === '[heap]') {
      result.mainKiB += m.rssKiB;
      return;
    }
    if (!m.anonymous || m.name !== '' || m.perms !== 'rw-p' || m.start % heapSize !== 0n) {
      return;
    }
    const next = mappings[i + 1];
    const full = m.end - m.start === heapSize;
    const withReserve =
      next?.anonymous === true && next.perms === '---p' && next.start === m.end && next.end - m.start === heapSize;
    if (full || withReserve) {
      result.threadKiB += m.rssKiB;
      result.threadHeaps += 1;
    }
  });
  return result;
}
