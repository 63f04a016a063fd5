// Plain-text rendering of the report: one aligned table per Table, numbers right-aligned.
import { describeMachine } from './machine.js';
import type { BenchmarkResult, BenchReport, Cell, Goal, Table } from './report.js';

function text(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) {
    return '-';
  }
  if (typeof cell === 'number') {
    return Number.isFinite(cell) ? String(cell) : '-';
  }
  return String(cell);
}

export function renderTable(t: Table): string {
  const header = t.columns.map((c) => c.label);
  const body = t.rows.map((row) => t.columns.map((c) => text(row[c.key])));
  const numeric = t.columns.map((c) => t.rows.every((r) => typeof r[c.key] === 'number' || r[c.key] === null));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const out = [t.title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const note of t.notes) {
    out.push(`  note: ${note}`);
  }
  return out.join('\n');
}

/** The goals as a table: each figure beside its goal, and whether it keeps it. */
export function goalsTable(title: string, goals: Goal[]): Table {
  return {
    title,
    columns: [
      { key: 'goal', label: 'goal' },
      { key: 'figure', label: 'figure' },
      { key: 'target', label: 'target' },
      { key: 'verdict', label: 'met' },
    ],
    rows: goals.map((g) => ({ ...g, verdict: g.met === null ? 'not measured' : g.met ? 'yes' : 'NO' })),
    notes: [],
  };
}

export function renderBenchmark(result: BenchmarkResult): string {
  const parts = [
    `== ${result.name}: ${result.title} (${(result.durationMs / 1000).toFixed(1)} s)`,
    result.description,
    ...result.tables.map(renderTable),
  ];
  if (result.goals.length > 0) {
    parts.push(renderTable(goalsTable(`${result.name}: goals`, result.goals)));
  }
  if (result.notes.length > 0) {
    parts.push(result.notes.map((n) => `* ${n}`).join('\n'));
  }
  return parts.join('\n\n');
}

export function renderHeader(report: Pick<BenchReport, 'machine' | 'profile' | 'startedAt'>): string {
  return [
    `opencsp benchmarks (${report.profile} run, started ${report.startedAt})`,
    describeMachine(report.machine),
  ].join('\n');
}
