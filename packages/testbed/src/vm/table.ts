// The timing table printed at the end of a run: host phases (depth 0), then each VM's guest steps
// (depth 1) with their parts (depth 2) indented under them.
import type { Step } from './markers.js';

export interface TimingRow {
  label: string;
  seconds: number | undefined;
  status: string;
  depth: number;
}

/** Rows for one VM's steps, parts indented below the step they belong to. */
export function stepRows(prefix: string, steps: Step[]): TimingRow[] {
  return steps.flatMap((step) => [
    { label: `${prefix}${step.name}`, seconds: step.seconds, status: step.status, depth: 1 },
    ...step.parts.map((part) => ({ label: part.name, seconds: part.seconds, status: part.status, depth: 2 })),
  ]);
}

export function formatTimingTable(rows: TimingRow[]): string {
  const labels = rows.map((r) => `${'  '.repeat(r.depth)}${r.label}`);
  const width = Math.max('step'.length, ...labels.map((l) => l.length));
  const lines = [`${'step'.padEnd(width)}  ${'seconds'.padStart(8)}  status`];
  lines.push(`${'-'.repeat(width)}  ${'-'.repeat(8)}  ------`);
  rows.forEach((row, i) => {
    const seconds = row.seconds === undefined ? '-' : row.seconds.toFixed(2);
    lines.push(`${(labels[i] ?? '').padEnd(width)}  ${seconds.padStart(8)}  ${row.status}`);
  });
  return lines.join('\n');
}
