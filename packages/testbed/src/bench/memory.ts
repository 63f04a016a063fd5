// Memory figures of the bench process itself: RSS and V8 heap, after a full garbage collection
// where the runtime allows one, so deltas show retained memory rather than garbage not yet swept.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemorySample {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

const MiB = 1024 * 1024;

function loadGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) {
    return existing;
  }
  try {
    // --expose-gc at run time: a fresh context then carries `gc`.
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const gc = loadGc();

/** Whether samples are taken after a full GC (true on Node 20+). */
export const gcAvailable = gc !== undefined;

export function fullGc(): void {
  gc?.();
}

export function toMiB(bytes: number): number {
  return Math.round((bytes / MiB) * 10) / 10;
}

export function sampleMemory(collect = true): MemorySample {
  if (collect) {
    fullGc();
  }
  const m = process.memoryUsage();
  return {
    rssMiB: toMiB(m.rss),
    heapUsedMiB: toMiB(m.heapUsed),
    heapTotalMiB: toMiB(m.heapTotal),
    externalMiB: toMiB(m.external),
  };
}

export function memoryDelta(before: MemorySample, after: MemorySample): { rssDeltaMiB: number; heapDeltaMiB: number } {
  return {
    rssDeltaMiB: Math.round((after.rssMiB - before.rssMiB) * 10) / 10,
    heapDeltaMiB: Math.round((after.heapUsedMiB - before.heapUsedMiB) * 10) / 10,
  };
}
