// The metrics of a kube run, read at its end: what the real sidecars, kubelet and the CSP did must
// be counted where users look for it (driver RPCs by method and code, the driver's requests to the
// CSP, the CSP's requests by route), and no label may carry a secret or a name.
import { allowedLabels } from '@opencsp/csp-spec/metrics';
import type { KubeStack } from '@opencsp/testbed/kube';
import { expect } from 'vitest';
import { parseExposition, type Series } from '../metrics/exposition.js';

/** Every endpoint of the stack, parsed, by component. */
export async function scrapeStack(stack: KubeStack): Promise<Map<string, Series[]>> {
  const out = new Map<string, Series[]>();
  for (const { component, url } of stack.metricsTargets()) {
    const res = await fetch(url);
    expect(res.status, `${component} ${url}`).toBe(200);
    out.set(component, parseExposition(await res.text()));
  }
  return out;
}

/** The sum of `name` over the series whose labels match (a RegExp matches the whole value). */
export function total(series: readonly Series[], name: string, match: Record<string, string | RegExp>): number {
  return series
    .filter((s) => s.name === name)
    .filter((s) =>
      Object.entries(match).every(([key, want]) => {
        const value = s.labels[key] ?? '';
        return typeof want === 'string' ? value === want : new RegExp(`^(?:${want.source})$`).test(value);
      }),
    )
    .reduce((sum, s) => sum + s.value, 0);
}

/** Our own components (not the sidecars, whose metrics are kubernetes-csi's) use only allowlisted labels. */
export function expectOnlyAllowedLabels(component: string, series: readonly Series[]): void {
  const allowed = Object.keys(allowedLabels);
  const stray = series.flatMap((s) =>
    Object.keys(s.labels)
      .filter((l) => !allowed.includes(l))
      .map((l) => `${s.name}{${l}}`),
  );
  expect(stray, component).toEqual([]);
}

/** No label value on any endpoint holds one of `forbidden` (secrets, node and initiator names). */
export function expectNoneOf(component: string, series: readonly Series[], forbidden: readonly string[]): void {
  const leaks = series.flatMap((s) =>
    Object.entries(s.labels).flatMap(([label, value]) =>
      forbidden.filter((f) => value.includes(f)).map((f) => `${s.name}{${label}} holds ${f}`),
    ),
  );
  expect(leaks, component).toEqual([]);
}

const rpcCount = 'opencsp_csi_rpc_duration_seconds_count';
const sidecarCount = 'csi_sidecar_operations_seconds_count';

/**
 * At the end of a run: the driver counted the sidecars' and kubelet's calls by method and code,
 * never more than the sidecars say they made (the driver's counters restart with it), the driver
 * counted its requests to the CSP and the CSP the requests it answered; nothing in `forbidden`
 * shows up in a label.
 */
export async function expectRunCounted(stack: KubeStack, forbidden: readonly string[]): Promise<void> {
  const scraped = await scrapeStack(stack);
  const of = (component: string) => scraped.get(component) ?? [];
  const controller = of('csi-controller');
  const node = of('csi-node');
  const csp = of(`csp-${stack.backend.name}`);
  expect(csp.length, 'the CSP serves metrics').toBeGreaterThan(0);
  const ok = (service: string, method: string) => ({ service, method, code: 'OK' });
  for (const method of ['CreateVolume', 'DeleteVolume', 'ControllerPublishVolume', 'ControllerUnpublishVolume']) {
    expect(total(controller, rpcCount, ok('Controller', method)), method).toBeGreaterThan(0);
  }
  for (const method of ['NodeStageVolume', 'NodePublishVolume', 'NodeUnpublishVolume', 'NodeUnstageVolume']) {
    expect(total(node, rpcCount, ok('Node', method)), method).toBeGreaterThan(0);
  }
  for (const [sidecar, method] of [
    ['csi-provisioner', 'CreateVolume'],
    ['csi-attacher', 'ControllerPublishVolume'],
  ] as const) {
    const made = total(of(sidecar), sidecarCount, {
      method_name: `/csi.v1.Controller/${method}`,
      grpc_status_code: 'OK',
    });
    expect(made, `${sidecar} ${method}`).toBeGreaterThan(0);
    expect(total(controller, rpcCount, ok('Controller', method)), method).toBeLessThanOrEqual(made);
  }
  for (const operation of ['createVolume', 'publishVolume']) {
    const success = { status: /2\d\d/ };
    expect(
      total(controller, 'opencsp_csp_request_duration_seconds_count', { operation, ...success }),
      operation,
    ).toBeGreaterThan(0);
    expect(
      total(csp, 'opencsp_csp_http_request_duration_seconds_count', { route: operation, ...success }),
      operation,
    ).toBeGreaterThan(0);
  }
  for (const [component, series] of scraped) {
    if (!component.startsWith('csi-') || component === 'csi-controller' || component === 'csi-node') {
      expectOnlyAllowedLabels(component, series);
    }
    expectNoneOf(component, series, forbidden);
  }
}
