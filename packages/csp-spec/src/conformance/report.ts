// The human-readable report: one line per case, and for each failure what was sent, what was
// expected and what came back. Reports hold no secrets (they are masked when recorded).
import type { CaseResult, ConformanceReport } from './types.js';

const labels: Record<CaseResult['status'], string> = { pass: 'PASS', fail: 'FAIL', 'not-claimed': 'NOT CLAIMED' };
const maxBody = 600;

function json(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > maxBody ? `${text.slice(0, maxBody)}... (${text.length} characters)` : text;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function describeCsp(report: ConformanceReport): string {
  const caps = report.capabilities;
  if (!caps) {
    return 'CSP: no GET /capabilities (plain HPE-style CSP): optional features are not claimed';
  }
  const provider = caps.provider ? `${caps.provider.name ?? '?'} ${caps.provider.version ?? ''}`.trim() : 'unnamed';
  const features = Object.entries(caps.features);
  const on = features.filter(([, v]) => v).map(([k]) => k);
  const off = features.filter(([, v]) => !v).map(([k]) => k);
  return [
    `CSP: ${provider}, contract ${caps.contract_version}, protocols ${caps.access_protocols.join(', ') || 'none'}`,
    `  claims: ${on.join(', ') || 'nothing'}`,
    `  does not claim: ${off.join(', ') || 'nothing'}`,
  ].join('\n');
}

function describeResult(result: CaseResult, width: number): string[] {
  const lines = [`  ${labels[result.status].padEnd(11)} ${result.id.padEnd(width)} ${result.title}`];
  const indent = ' '.repeat(14);
  if (result.note) {
    lines.push(`${indent}note:     ${result.note}`);
  }
  const failure = result.failure;
  if (failure) {
    lines.push(`${indent}problem:  ${failure.message}`);
    if (failure.request) {
      const body = failure.request.body === undefined ? '' : ` ${json(failure.request.body)}`;
      lines.push(`${indent}request:  ${failure.request.method} ${failure.request.path}${body}`);
    }
    if (failure.expected) {
      lines.push(`${indent}expected: ${failure.expected}`);
    }
    if (failure.received) {
      const body = failure.received.body === undefined ? '(no body)' : json(failure.received.body);
      lines.push(`${indent}received: ${failure.received.status} ${body}`);
    }
  }
  return lines;
}

/** The report as text for a terminal or a CI log. */
export function formatReport(report: ConformanceReport): string {
  const width = Math.max(...report.results.map((r) => r.id.length), 10);
  const { summary } = report;
  const mib = report.sizeBytes / (1024 * 1024);
  const lines = [
    `CSP conformance: ${report.url} (${report.mode} mode, backend ${report.backend})`,
    describeCsp(report),
    `Objects are named ${report.prefix}-*; volumes are ${Number.isInteger(mib) ? `${mib} MiB` : `${report.sizeBytes} bytes`}.`,
    '',
    ...report.results.flatMap((result) => describeResult(result, width)),
    '',
    `${summary.total} cases: ${summary.passed} passed, ${summary.failed} failed, ${summary.notClaimed} not claimed ` +
      `(${seconds(report.durationMs)})`,
    report.passed ? 'RESULT: the CSP conforms to the contract.' : 'RESULT: the CSP does NOT conform to the contract.',
  ];
  return `${lines.join('\n')}\n`;
}
