// Runs the selected benchmarks one after the other, each with everything it started stopped
// before the next begins, and collects the report. A failing benchmark is recorded and the others
// still run.
import { performance } from 'node:perf_hooks';
import type { Benchmark } from './benchmark.js';
import { machineInfo } from './machine.js';
import type { BenchmarkResult, BenchReport, Profile } from './report.js';
import { Scope } from './scope.js';

export interface RunOptions {
  benchmarks: Benchmark[];
  profile: Profile;
  /** Shared with the caller so a signal handler can stop what is running. */
  scope?: Scope;
  log?: (message: string) => void;
  /** Called before the first benchmark with the run's header (machine, profile, time). */
  onStart?: (report: BenchReport) => void;
  /** Called as each benchmark finishes (main prints it right away). */
  onResult?: (result: BenchmarkResult) => void;
  /** Aborted by main's signal handler: no further benchmark starts. */
  signal?: AbortSignal;
}

export async function runBenchmarks(options: RunOptions): Promise<BenchReport> {
  const scope = options.scope ?? new Scope();
  const log = options.log ?? (() => undefined);
  const report: BenchReport = {
    tool: 'opencsp-bench',
    schemaVersion: 1,
    startedAt: new Date().toISOString(),
    profile: options.profile,
    machine: machineInfo(),
    benchmarks: [],
    failures: [],
  };
  options.onStart?.(report);
  for (const benchmark of options.benchmarks) {
    if (options.signal?.aborted) {
      break;
    }
    const started = performance.now();
    log(`${benchmark.name}: starting`);
    try {
      const output = await benchmark.run({ profile: options.profile, scope, log });
      const problems = await scope.close();
      const result: BenchmarkResult = {
        name: benchmark.name,
        title: benchmark.title,
        description: benchmark.description,
        tables: output.tables,
        notes: [...output.notes, ...problems],
        goals: output.goals ?? [],
        durationMs: Math.round(performance.now() - started),
      };
      report.benchmarks.push(result);
      options.onResult?.(result);
    } catch (err) {
      const problems = await scope.close();
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      report.failures.push({ name: benchmark.name, error: [message, ...problems].join('\n') });
      log(`${benchmark.name}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return report;
}
