#!/usr/bin/env node
// pnpm bench: runs the benchmarks, prints one table per measurement, optionally writes JSON.
// Everything started (simulators, CSPs, the driver, child processes, temp dirs) is stopped at
// the end, after a failure, and on Ctrl-C / SIGTERM / SIGHUP (then the exit status is 128+signal).
import { writeFile } from 'node:fs/promises';
import { exitOnStopSignals } from '../common/stop-signals.js';
import { parseCli, usage } from './cli.js';
import { markdownReport } from './markdown.js';
import { benchmarks, selectBenchmarks } from './registry.js';
import { goalsTable, renderBenchmark, renderHeader, renderTable } from './render.js';
import { runBenchmarks } from './run.js';
import { Scope } from './scope.js';

/** The exit code, or undefined once a signal's handler owns the exit (common/stop-signals.ts). */
async function main(): Promise<number | undefined> {
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(
      process.argv.slice(2),
      benchmarks.map((b) => b.name),
    );
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    return 2;
  }
  if (cli.help) {
    console.log(`${usage}\n\nbenchmarks:\n${benchmarks.map((b) => `  ${b.name.padEnd(8)} ${b.title}`).join('\n')}`);
    return 0;
  }
  const scope = new Scope();
  // Ctrl-C, SIGTERM, SIGHUP: stop everything started, then exit 128+signal (common/stop-signals.ts).
  const stopped = new AbortController();
  exitOnStopSignals({
    log: (line) => console.error(line),
    cleanup: async () => {
      stopped.abort();
      for (const problem of await scope.close()) {
        console.error(problem);
      }
    },
  });
  const selected = selectBenchmarks(cli.only);
  const report = await runBenchmarks({
    benchmarks: selected,
    profile: cli.profile,
    scope,
    signal: stopped.signal,
    log: (message) => console.error(`[bench] ${message}`),
    onStart: (header) => console.log(renderHeader(header)),
    onResult: (result) => console.log(`\n${renderBenchmark(result)}`),
  });
  if (stopped.signal.aborted) {
    return undefined;
  }
  const goals = report.benchmarks.flatMap((b) => b.goals);
  if (goals.length > 0) {
    console.log(`\n${renderTable(goalsTable('== every goal of the run', goals))}`);
  }
  for (const failure of report.failures) {
    console.log(`\n== ${failure.name}: FAILED\n${failure.error}`);
  }
  if (cli.json) {
    await writeFile(cli.json, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`[bench] report written to ${cli.json}`);
  }
  if (cli.markdown) {
    await writeFile(cli.markdown, markdownReport(report));
    console.error(`[bench] tables written to ${cli.markdown}`);
  }
  return report.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    if (code !== undefined) {
      process.exit(code);
    }
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
