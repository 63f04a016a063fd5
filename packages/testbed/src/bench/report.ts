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

export interface BenchmarkResult {
  name: string;
  title: string;
  /** What the benchmark shows, in one or two sentences. */
  description: string;
  tables: Table[];
  notes: string[];
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
