// The benchmark machinery with tiny counts: every benchmark runs end to end against the real
// simulators, CSPs and driver, and the report has the documented structure. Timing values are
// never asserted (they belong to `pnpm bench`), only that they are there.
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/bench/cli.js';
import { markdownReport, markdownTable } from '../../src/bench/markdown.js';
import { benchmarks, clusterBenchmarks, selectBenchmarks, vmBenchmarks } from '../../src/bench/registry.js';
import { renderBenchmark, renderTable } from '../../src/bench/render.js';
import type { BenchReport, Table } from '../../src/bench/report.js';
import { runBenchmarks } from '../../src/bench/run.js';
import { Scope } from '../../src/bench/scope.js';
import { percentile, round, summarize } from '../../src/bench/stats.js';

const names = ['csp', 'scale', 'driver', 'throughput', 'storm', 'memory', 'kube', 'vmstage'];
/**
 * What the tiny run covers: everything but the real-cluster benchmark (pnpm e2e:kube tests that
 * code) and the VM one (pnpm e2e:vm boots the same image and node service).
 */
const tinyNames = names.filter((n) => !clusterBenchmarks.includes(n) && !vmBenchmarks.includes(n));

function expectWellFormed(t: Table): void {
  expect(t.title).toEqual(expect.any(String));
  expect(t.columns.length).toBeGreaterThan(1);
  expect(new Set(t.columns.map((c) => c.key)).size).toBe(t.columns.length);
  expect(t.rows.length).toBeGreaterThan(0);
  for (const row of t.rows) {
    for (const column of t.columns) {
      expect(row, `${t.title}: column ${column.key}`).toHaveProperty(column.key);
      expect(['string', 'number', 'boolean', 'object']).toContain(typeof row[column.key]);
    }
  }
}

describe('pnpm bench machinery', () => {
  it('knows its benchmarks and parses the command line', () => {
    expect(benchmarks.map((b) => b.name)).toEqual(names);
    expect(parseCli([], names)).toEqual({
      only: undefined,
      profile: 'full',
      json: undefined,
      markdown: undefined,
      help: false,
    });
    expect(parseCli(['--quick', '--only', 'csp,memory', '--json', 'out.json', '--markdown', 'out.md'], names)).toEqual({
      only: ['csp', 'memory'],
      profile: 'quick',
      json: 'out.json',
      markdown: 'out.md',
      help: false,
    });
    expect(() => parseCli(['--json', ''], names)).toThrow(/--json: give a file name/);
    expect(() => parseCli(['--only', 'csp,nope'], names)).toThrow(/unknown benchmark nope/);
    expect(() => parseCli(['--fast'], names)).toThrow();
    expect(selectBenchmarks(['memory', 'csp']).map((b) => b.name)).toEqual(['csp', 'memory']);
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(summarize([3, 1, 2])).toMatchObject({ count: 3, p50: 2, max: 3 });
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('rounds to what JSON carries: a small negative becomes 0, never -0', () => {
    expect(Object.is(round(-0.001), 0)).toBe(true);
    expect(round(-0.006)).toBe(-0.01);
    expect(round(12.345)).toBe(12.3);
  });

  it('runs every benchmark with tiny counts and reports tables of the documented shape', {
    timeout: 180_000,
  }, async () => {
    const scope = new Scope();
    const finished: string[] = [];
    let report: BenchReport;
    try {
      report = await runBenchmarks({
        benchmarks: selectBenchmarks(tinyNames),
        profile: 'tiny',
        scope,
        onResult: (result) => finished.push(result.name),
      });
    } finally {
      await scope.close();
    }
    expect(report.failures).toEqual([]);
    expect(finished).toEqual(tinyNames);
    expect(scope.size).toBe(0);
    expect(report).toMatchObject({ tool: 'opencsp-bench', schemaVersion: 1, profile: 'tiny' });
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.note).toMatch(/2-core machine/);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    for (const result of report.benchmarks) {
      expect(result.tables.length, result.name).toBeGreaterThan(0);
      expect(result.durationMs).toEqual(expect.any(Number));
      for (const t of result.tables) {
        expectWellFormed(t);
        expect(renderTable(t)).toContain(t.title);
      }
      expect(renderBenchmark(result)).toContain(result.title);
    }
    const markdown = markdownReport(report);
    for (const t of report.benchmarks.flatMap((b) => b.tables)) {
      expect(markdown).toContain(markdownTable(t));
    }
    const byName = new Map(report.benchmarks.map((b) => [b.name, b]));
    const csp = byName.get('csp')?.tables[0] as Table;
    expect(csp.columns.map((c) => c.key)).toEqual(
      expect.arrayContaining(['op', 'count', 'concurrency', 'p50', 'p95', 'p99', 'opsPerSec', 'callsPerOp']),
    );
    expect(csp.columns.map((c) => c.key)).toEqual(expect.arrayContaining(['rssDeltaMiB', 'heapDeltaMiB']));
    expect(csp.rows.map((r) => r.op)).toEqual(expect.arrayContaining(['create volume', 'publish', 'delete volume']));
    for (const row of csp.rows) {
      expect(row.p50).toEqual(expect.any(Number));
      expect(row.callsPerOp).toEqual(expect.any(Number));
    }
    // Every lifecycle cleaned up after itself on the array.
    for (const name of ['csp', 'driver']) {
      const notes = byName.get(name)?.tables.flatMap((t) => t.notes) ?? [];
      expect(notes.filter((n) => n.startsWith('Leak audit')).every((n) => n.includes('nothing left'))).toBe(true);
    }
    const scale = byName.get('scale')?.tables ?? [];
    expect(scale).toHaveLength(2);
    for (const t of scale) {
      expect(t.rows.every((r) => typeof r.callsA === 'number' && typeof r.callsB === 'number')).toBe(true);
    }
    // Every goal has its figure and a verdict, and the report lists them.
    const goals = report.benchmarks.flatMap((b) => b.goals);
    expect(goals.map((g) => g.goal)).toEqual(
      expect.arrayContaining([expect.stringContaining('rows one RPC'), expect.stringContaining('critical path')]),
    );
    for (const goal of goals) {
      expect(goal.figure, goal.goal).toEqual(expect.any(Number));
      expect(typeof goal.met, goal.goal).toBe('boolean');
    }
    expect(markdown).toContain('every goal of the run');
    const storm = byName.get('storm')?.tables[0] as Table;
    expect(storm.rows.map((r) => r.failed)).toEqual([0, 0]);
    const memory = byName.get('memory')?.tables.find((t) => t.title.startsWith('Memory')) as Table;
    expect(new Set(memory.rows.map((r) => r.process))).toEqual(new Set(['csp-truenas', 'csi-driver', 'csp-synology']));
    expect(memory.rows.every((r) => typeof r.rssMiB === 'number' && (r.rssMiB as number) > 0)).toBe(true);
    const growth = byName.get('memory')?.tables.find((t) => t.title.startsWith('Where the RSS growth')) as Table;
    expect(growth.rows.map((r) => r.process)).toEqual(['csi-driver', 'csp-truenas', 'csp-synology']);
    expect(growth.rows.every((r) => typeof r.old_space === 'number' && typeof r.outside === 'number')).toBe(true);
    // malloc's main arena and per-thread arenas, read from /proc/PID/smaps: "Δ (heaps before→after)".
    expect(
      growth.rows.every(
        (r) => typeof r.mallocMain === 'number' && /^-?[\d.]+ \(\d+→\d+\)$/.test(String(r.mallocThread)),
      ),
    ).toBe(true);
  });
});
