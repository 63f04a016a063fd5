// Metrics through a real Prometheus (Debian's package) on loopback: both e2e stacks (simulator →
// CSP → driver controller and node, loop devices) serve metrics, Prometheus scrapes all six
// endpoints every second during a PVC lifecycle on each, and then every PromQL expression of the
// chart's Grafana dashboard must return data, so no panel names a metric or label that does not
// exist. The same endpoints are read directly to check that every label is in the allowlist and
// that no label value carries a name, an id or a secret.
import { allowedLabels } from '@opencsp/csp-spec/metrics';
import { type E2eStack, e2eBackendNames, startE2eStack } from '@opencsp/testbed/e2e';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardQueries, parseExposition, withGrafanaVariables } from './exposition.js';
import { type LifecycleReport, metricsLifecycle } from './lifecycle.js';
import { missingPrometheus, Prometheus } from './prometheus.js';

const missing = missingPrometheus();
if (missing && process.env.CI) {
  throw new Error(`the metrics suite cannot run in CI: ${missing}`);
}

/** Series one endpoint may expose at most after this lifecycle (a bound on label cardinality). */
const maxSeriesPerEndpoint = 3000;

describe.skipIf(missing !== undefined)(`metrics scraped by Prometheus (${missing ?? 'prometheus'})`, () => {
  const stacks: E2eStack[] = [];
  let prometheus: Prometheus | undefined;
  const reports: LifecycleReport[] = [];

  beforeAll(async () => {
    const started = await Promise.allSettled(
      e2eBackendNames.map((backend) => startE2eStack({ backend, metrics: true })),
    );
    for (const s of started) {
      if (s.status === 'fulfilled') {
        stacks.push(s.value);
      }
    }
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      throw failure.reason;
    }
    const targets = stacks.flatMap((stack) =>
      stack.metricsTargets().map((t) => ({ job: t.component, url: t.url, labels: { stack: stack.backend.name } })),
    );
    prometheus = await Prometheus.start(targets);
    const p = prometheus;
    await p.scraped();
    reports.push(...(await Promise.all(stacks.map((stack) => metricsLifecycle(stack, () => p.scraped())))));
    await p.scraped();
    await p.scraped();
  }, 600_000);

  afterAll(async () => {
    await prometheus?.stop();
    for (const stack of stacks) {
      await stack.stop();
    }
  }, 120_000);

  it('scrapes the CSP and both drivers of each stack', () => {
    const components = stacks.flatMap((s) => s.metricsTargets().map((t) => t.component)).sort();
    expect(components).toEqual([
      'csi-controller',
      'csi-controller',
      'csi-node',
      'csi-node',
      'csp-synology',
      'csp-truenas',
    ]);
  });

  it('answers every PromQL expression of the dashboard with data', async () => {
    const queries = await dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const { panel, expr } of queries) {
      const samples = await (prometheus as Prometheus).query(withGrafanaVariables(expr));
      if (!samples.some((s) => Number.isFinite(s.value))) {
        empty.push(`${panel}: ${expr} → ${JSON.stringify(samples)}`);
      }
    }
    expect(empty).toEqual([]);
  });

  it('counts every ABORTED duplicate the driver answered', async () => {
    const answered = reports.reduce((n, r) => n + r.aborted, 0);
    const [counted] = await (prometheus as Prometheus).query(
      'sum(opencsp_csi_rpc_aborted_duplicates_total{method="CreateVolume"})',
    );
    expect(counted?.value).toBe(answered);
  });

  it('exposes only allowlisted labels, never a name, id or secret, and a bounded number of series', async () => {
    const forbidden = reports.flatMap((r) => r.forbidden);
    for (const stack of stacks) {
      for (const target of stack.metricsTargets()) {
        const text = await (await fetch(target.url)).text();
        const series = parseExposition(text);
        expect(series.length, target.url).toBeLessThan(maxSeriesPerEndpoint);
        for (const { name, labels } of series) {
          for (const [label, value] of Object.entries(labels)) {
            expect(Object.keys(allowedLabels), `${target.component} ${name}`).toContain(label);
            for (const secret of forbidden) {
              expect(value.includes(secret), `${target.component} ${name}{${label}} holds ${secret}`).toBe(false);
            }
          }
        }
        for (const secret of forbidden) {
          expect(text.includes(secret), `${target.component} exposes ${secret}`).toBe(false);
        }
      }
    }
  });
});
