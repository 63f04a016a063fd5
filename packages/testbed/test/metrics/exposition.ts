// Reading the Prometheus text format our endpoints serve: every series with its labels, and the
// dashboard's PromQL expressions.
import { readFile } from 'node:fs/promises';

export interface Series {
  name: string;
  labels: Record<string, string>;
  /** The sample (`+Inf`, `-Inf` and `NaN` as JavaScript reads them). */
  value: number;
}

const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('#')) {
      continue;
    }
    const match = line.exec(raw);
    if (!match?.[1]) {
      throw new Error(`not an exposition line: ${raw}`);
    }
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(pair)) {
      labels[key as string] = value as string;
    }
    out.push({ name: match[1], labels, value: Number((match[3] as string).replace(/Inf$/, 'Infinity')) });
  }
  return out;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

export const dashboardPath = new URL('../../../../charts/opencsp/dashboards/opencsp.json', import.meta.url);

/** Every PromQL expression of the dashboard, with the panel it belongs to. */
export async function dashboardQueries(): Promise<{ panel: string; expr: string }[]> {
  const dashboard = JSON.parse(await readFile(dashboardPath, 'utf8')) as { panels: Panel[] };
  const out: { panel: string; expr: string }[] = [];
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        if (t.expr) {
          out.push({ panel: p.title ?? '?', expr: t.expr });
        }
      }
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** Grafana's built-in interval variables as a test run fills them; any other variable is an error. */
export function withGrafanaVariables(expr: string, window = '5m'): string {
  const filled = expr.replaceAll('$__rate_interval', window).replaceAll('$__interval', window);
  if (filled.includes('$')) {
    throw new Error(`the dashboard uses a variable the test does not know: ${expr}`);
  }
  return filled;
}
