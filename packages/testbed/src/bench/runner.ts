// Runs one benchmark phase: `count` operations by `concurrency` workers, each operation timed on
// its own, the phase's wall time for throughput, array calls before/after, memory before/after.
import { performance } from 'node:perf_hooks';
import { memoryDelta, sampleMemory } from './memory.js';
import type { Row } from './report.js';
import { round, summarize } from './stats.js';

export interface PhaseSpec<T> {
  op: string;
  items: readonly T[];
  concurrency: number;
  work: (item: T, index: number) => Promise<void>;
  /**
   * Counters read before and after the phase; each becomes a column with the delta per operation
   * (`callsPerOp` for array calls by convention). An undefined counter gives null (not measured).
   */
  counters?: Record<string, (() => number) | undefined>;
}

export interface PhaseStats {
  op: string;
  count: number;
  concurrency: number;
  p50: number;
  p95: number;
  p99: number;
  opsPerSec: number;
  /** Delta per operation of each counter of the spec (null where the counter is undefined). */
  perOp: Record<string, number | null>;
  rssDeltaMiB: number;
  heapDeltaMiB: number;
  wallMs: number;
  latencies: number[];
}

/** Runs `work` for every item with at most `concurrency` in flight; returns each item's latency in ms. */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<number[]> {
  const latencies = new Array<number>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      const started = performance.now();
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
        return;
      }
      latencies[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure) {
    throw failure.error;
  }
  return latencies;
}

export async function runPhase<T>(spec: PhaseSpec<T>): Promise<PhaseStats> {
  const memBefore = sampleMemory();
  const counters = Object.entries(spec.counters ?? {});
  const before = counters.map(([, read]) => read?.());
  const started = performance.now();
  let latencies: number[];
  try {
    latencies = await runPool(spec.items, spec.concurrency, spec.work);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${spec.op} (concurrency ${spec.concurrency}) failed: ${message}`, { cause: error });
  }
  const wallMs = performance.now() - started;
  const after = counters.map(([, read]) => read?.());
  const memAfter = sampleMemory();
  const summary = summarize(latencies);
  const count = spec.items.length;
  const perOp: Record<string, number | null> = {};
  counters.forEach(([key], i) => {
    const b = before[i];
    const a = after[i];
    perOp[key] = a === undefined || b === undefined || count === 0 ? null : round((a - b) / count);
  });
  return {
    op: spec.op,
    count,
    concurrency: spec.concurrency,
    p50: round(summary.p50),
    p95: round(summary.p95),
    p99: round(summary.p99),
    opsPerSec: round(wallMs > 0 ? (count * 1000) / wallMs : Number.NaN),
    perOp,
    ...memoryDelta(memBefore, memAfter),
    wallMs: round(wallMs),
    latencies,
  };
}

/** The table row of a phase, with context columns (array, latency, existing volumes...) first. */
export function phaseRow(stats: PhaseStats, context: Row = {}): Row {
  const { latencies: _latencies, wallMs: _wallMs, perOp, ...rest } = stats;
  return { ...context, ...rest, ...perOp };
}
