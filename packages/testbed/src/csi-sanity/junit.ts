// Reading the JUnit report Ginkgo writes for csi-sanity, and writing ours: every upstream spec with
// its outcome (a skip carries the reason from our skip list, or becomes a failure), plus our own
// checks of the run (nothing left on the array or the host). One testcase per line of the report
// is what scripts/totals.mjs counts.

export type Outcome = 'passed' | 'failed' | 'skipped' | 'pending';

export interface SpecResult {
  /** The spec's full text without Ginkgo's `[It] ` node prefix. */
  name: string;
  outcome: Outcome;
  /** Seconds. */
  time: number;
  /** Why it failed or was skipped, as Ginkgo wrote it. */
  message: string;
  /** The failure's details (Ginkgo's failure text). */
  detail: string;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, code: string) => {
    if (code.startsWith('#x')) {
      return String.fromCodePoint(Number.parseInt(code.slice(2), 16));
    }
    if (code.startsWith('#')) {
      return String.fromCodePoint(Number.parseInt(code.slice(1), 10));
    }
    return entities[code] ?? whole;
  });
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text as XML character data: markup characters escaped, characters XML 1.0 cannot hold dropped. */
export function escapeXml(text: string): string {
  let kept = '';
  for (const char of text) {
    const c = char.charCodeAt(0);
    if (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      kept += char;
    }
  }
  return kept.replace(/[&<>"']/g, (c) => escapes[c] as string);
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1]);
}

function outcomeOf(status: string | undefined, body: string): Outcome {
  if (status === 'passed' || status === 'failed' || status === 'skipped' || status === 'pending') {
    return status;
  }
  if (/<(failure|error)[\s>]/.test(body)) {
    return 'failed';
  }
  return /<skipped[\s>/]/.test(body) ? 'skipped' : 'passed';
}

/** The specs of a Ginkgo JUnit report, in report order. */
export function parseJUnit(xml: string): SpecResult[] {
  const specs: SpecResult[] = [];
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const tag = match[1] ?? '';
    const body = match[3] ?? '';
    const child = /<(failure|error|skipped)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    specs.push({
      name: (attribute(tag, 'name') ?? '').replace(/^\[It\] /, ''),
      outcome: outcomeOf(attribute(tag, 'status'), body),
      time: Number(attribute(tag, 'time') ?? 0) || 0,
      message: child ? (attribute(child[2] ?? '', 'message') ?? '') : '',
      detail: child?.[4] ? unescapeXml(child[4]) : '',
    });
  }
  return specs;
}

export interface ReportCase {
  name: string;
  /** `passed`, `failed` (with message and detail) or `skipped` (with its reason). */
  outcome: 'passed' | 'failed' | 'skipped';
  time: number;
  message?: string;
  detail?: string;
}

/** A JUnit report of one suite; `properties` (e.g. which Node ran the services) go in its <properties>. */
export function renderJUnit(
  suite: string,
  cases: readonly ReportCase[],
  timestamp: Date,
  properties: Record<string, string> = {},
): string {
  const count = (o: ReportCase['outcome']) => cases.filter((c) => c.outcome === o).length;
  const time = cases.reduce((sum, c) => sum + c.time, 0).toFixed(3);
  const head = `tests="${cases.length}" failures="${count('failed')}" errors="0" skipped="${count('skipped')}" time="${time}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${head}>`,
    `  <testsuite name="${escapeXml(suite)}" ${head} timestamp="${timestamp.toISOString()}">`,
  ];
  const entries = Object.entries(properties);
  if (entries.length > 0) {
    lines.push('    <properties>');
    for (const [name, value] of entries) {
      lines.push(`      <property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`);
    }
    lines.push('    </properties>');
  }
  for (const c of cases) {
    const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(suite)}" time="${c.time.toFixed(3)}"`;
    if (c.outcome === 'passed') {
      lines.push(`${open}/>`);
    } else if (c.outcome === 'skipped') {
      lines.push(`${open}><skipped message="${escapeXml(c.message ?? '')}"/></testcase>`);
    } else {
      const detail = escapeXml(c.detail ?? '');
      lines.push(`${open}><failure message="${escapeXml(c.message ?? '')}">${detail}</failure></testcase>`);
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
