// What a benchmark module provides and what it gets to run with.
import type { Goal, Profile, Table } from './report.js';
import type { Scope } from './scope.js';

export interface BenchContext {
  profile: Profile;
  /** Stop functions of everything the benchmark starts; closed after it, also on failure or Ctrl-C. */
  scope: Scope;
  /** Progress line on stderr (the report goes to stdout). */
  log(message: string): void;
}

export interface BenchmarkOutput {
  tables: Table[];
  notes: string[];
  /** Figures measured against the project's goals (docs/benchmarks.md), printed beside them. */
  goals?: Goal[];
}

export interface Benchmark {
  name: string;
  title: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchmarkOutput>;
}

/** Picks the size for the run's profile. */
export function sized<T>(profile: Profile, sizes: Record<Profile, T>): T {
  return sizes[profile];
}
