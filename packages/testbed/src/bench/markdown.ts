// The report as Markdown (--markdown file): the tables docs/benchmarks.md quotes.
import { goalsTable } from './render.js';
import type { BenchReport, Cell, Table } from './report.js';

function cell(value: Cell | undefined): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
    return '-';
  }
  return String(value).replace(/\|/g, '\\|');
}

export function markdownTable(t: Table): string {
  const numeric = t.columns.map((c) => t.rows.every((r) => typeof r[c.key] === 'number' || r[c.key] === null));
  const lines = [
    `**${t.title}**`,
    '',
    `| ${t.columns.map((c) => c.label).join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...t.rows.map((row) => `| ${t.columns.map((c) => cell(row[c.key])).join(' | ')} |`),
  ];
  for (const note of t.notes) {
    lines.push('', `_${note}_`);
  }
  return lines.join('\n');
}

export function markdownReport(report: BenchReport): string {
  const m = report.machine;
  const parts = [
    `Run: ${report.profile}, ${report.startedAt}; ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ` +
      `load average at start ${m.loadAverage.join(' / ')}.`,
  ];
  for (const b of report.benchmarks) {
    parts.push(`### ${b.name}: ${b.title}`, b.description, ...b.tables.map(markdownTable));
    if (b.goals.length > 0) {
      parts.push(markdownTable(goalsTable(`${b.name}: goals`, b.goals)));
    }
    if (b.notes.length > 0) {
      parts.push(b.notes.map((n) => `- ${n}`).join('\n'));
    }
  }
  const goals = report.benchmarks.flatMap((b) => b.goals);
  if (goals.length > 0) {
    parts.push('### Goals', markdownTable(goalsTable('every goal of the run', goals)));
  }
  for (const f of report.failures) {
    parts.push(`### ${f.name}: FAILED`, '```', f.error, '```');
  }
  return `${parts.join('\n\n')}\n`;
}
