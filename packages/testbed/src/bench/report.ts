// The report every benchmark contributes to: tables of rows (printed as text, written as JSON with
// --json) plus notes. The shape is stable so runs can be compared and tests can check it.
import type { MachineInfo } from './machine.js';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Column {
  key: string;
  label: string;
}

export interface Table {
  title: string;
  columns: Column[];
  rows: Row[];
  notes: string[];
}

/** One of the project's promises about speed or memory, with the figure a run measured for it. */
export interface Goal {
  /** What is measured, e.g. "TrueNAS, 100 in flight: actual ÷ critical path". */
  goal: string;
  figure: number | null;
  /** The promise, e.g. "≤ 2". */
  target: string;
  /** Whether the figure keeps the promise (null: not measured). */
  met: boolean | null;
}

/** A goal whose figure must be at most `limit` (strictly below with `strict`). */
export function atMost(goal: string, figure: number | null, limit: number, strict = false): Goal {
  const ok = figure === null || !Number.isFinite(figure) ? null : strict ? figure < limit : figure <= limit;
  return { goal, figure, target: `${strict ? '<' : '≤'} ${limit}`, met: ok };
}

export interface BenchmarkResult {
  name: string;
  title: string;
  /** What the benchmark shows, in one or two sentences. */
  description: string;
  tables: Table[];
  notes: string[];
  /** The goals this benchmark measures, each with its figure. */
  goals: Goal[];
  durationMs: number;
}

export interface BenchmarkFailure {
  name: string;
  error: string;
}

export interface BenchReport {
  tool: 'opencsp-bench';
  schemaVersion: 1;
  startedAt: string;
  profile: Profile;
  machine: MachineInfo;
  benchmarks: BenchmarkResult[];
  failures: BenchmarkFailure[];
}

/** `full` is the default run, `quick` the --quick run, `tiny` what the unit test uses. */
export type Profile = 'full' | 'quick' | 'tiny';

/** Columns of every operation table (see docs/benchmarks.md for their meaning). */
export const opColumns: Column[] = [
  { key: 'op', label: 'operation' },
  { key: 'count', label: 'count' },
  { key: 'concurrency', label: 'conc' },
  { key: 'p50', label: 'p50 ms' },
  { key: 'p95', label: 'p95 ms' },
  { key: 'p99', label: 'p99 ms' },
  { key: 'opsPerSec', label: 'ops/s' },
  { key: 'callsPerOp', label: 'array calls/op' },
  { key: 'rssDeltaMiB', label: 'RSS Δ MiB' },
  { key: 'heapDeltaMiB', label: 'heap Δ MiB' },
];

export function table(title: string, columns: Column[], rows: Row[], notes: string[] = []): Table {
  return { title, columns, rows, notes };
}
