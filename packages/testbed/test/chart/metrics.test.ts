// Metrics in the chart: with metrics.enabled every driver, CSP and controller sidecar serves a
// named metrics port (--metrics-address / --http-endpoint), a headless Service per component
// reaches exactly those ports, the ServiceMonitor scrapes them, the CSPs' NetworkPolicy admits
// the metrics port, and the dashboard ConfigMap holds charts/opencsp/dashboards/opencsp.json as
// it is. Without metrics.enabled none of it is rendered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  chartDir,
  chartToolchain,
  ciValuesDir,
  findAll,
  findOne,
  Helm,
  type K8sObject,
  type RenderResult,
} from '../../src/chart/helm.js';
import { container, flag, podLabels, podSpec } from './pods.js';

const missing = await chartToolchain('chart metrics tests');

interface ServiceSpec {
  clusterIP?: string;
  selector: Record<string, string>;
  ports: { name: string; port: number; targetPort: string }[];
}

const metricsServices = (r: RenderResult) =>
  findAll(r, 'Service').filter((s) => s.metadata.labels?.['opencsp.io/metrics'] === 'true');

/** The workload whose pod labels the Service's selector matches (exactly one). */
function workloadOf(r: RenderResult, service: K8sObject): K8sObject {
  const { selector } = service.spec as ServiceSpec;
  const matches = [...findAll(r, 'Deployment'), ...findAll(r, 'DaemonSet')].filter((w) =>
    Object.entries(selector).every(([k, v]) => podLabels(w)[k] === v),
  );
  expect(matches.length, `${service.metadata.name} selects one workload`).toBe(1);
  return matches[0] as K8sObject;
}

describe.skipIf(missing !== undefined)(`chart metrics (${missing ?? 'rendered'})`, () => {
  let helm: Helm;
  let on: RenderResult;
  let off: RenderResult;
  beforeAll(async () => {
    helm = await Helm.start();
    on = await helm.render({ valueFiles: [join(ciValuesDir, 'both-csps-values.yaml')], namespace: 'storage-system' });
    off = await helm.render({ valueFiles: [join(ciValuesDir, 'csp-only-values.yaml')] });
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it('renders no metrics port, flag, Service, ServiceMonitor or dashboard when metrics are off', () => {
    expect(metricsServices(off)).toEqual([]);
    expect(findAll(off, 'ServiceMonitor')).toEqual([]);
    expect(findAll(off, 'ConfigMap')).toEqual([]);
    for (const w of [...findAll(off, 'Deployment'), ...findAll(off, 'DaemonSet')]) {
      for (const c of podSpec(w).containers) {
        expect(flag(c, 'metrics-address'), `${w.metadata.name}/${c.name}`).toBeUndefined();
        expect(c.ports?.some((p) => p.name?.endsWith('metrics')) ?? false).toBe(false);
      }
    }
  });

  it('gives the drivers and CSPs --metrics-address on their metrics port and the sidecars --http-endpoint', () => {
    // both-csps-values.yaml keeps the chart's default ports.
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as {
      metrics: { controllerPort: number; nodePort: number; cspPort: number };
    };
    const controller = podSpec(findOne(on, 'Deployment', 'opencsp-controller'));
    const node = podSpec(findOne(on, 'DaemonSet', 'opencsp-node'));
    expect(flag(container(controller, 'csi-driver'), 'metrics-address')).toBe(`:${values.metrics.controllerPort}`);
    expect(flag(container(node, 'csi-driver'), 'metrics-address')).toBe(`:${values.metrics.nodePort}`);
    for (const csp of ['truenas', 'synology']) {
      const spec = podSpec(findOne(on, 'Deployment', `opencsp-csp-${csp}`));
      expect(flag(container(spec, 'csp'), 'metrics-address')).toBe(`:${values.metrics.cspPort}`);
      expect(flag(container(spec, 'csp'), 'metrics-path')).toBe('/metrics');
    }
    for (const sidecar of ['csi-provisioner', 'csi-attacher', 'csi-snapshotter', 'csi-resizer']) {
      const c = container(controller, sidecar);
      const endpoint = flag(c, 'http-endpoint');
      expect(endpoint, sidecar).toMatch(/^:\d+$/);
      expect(
        c.ports?.map((p) => p.containerPort),
        sidecar,
      ).toEqual([Number(endpoint?.slice(1))]);
    }
  });

  it('reaches each metrics port of each component through a headless Service', () => {
    const services = metricsServices(on);
    expect(services.map((s) => s.metadata.name).sort()).toEqual([
      'opencsp-controller-metrics',
      'opencsp-csp-synology-metrics',
      'opencsp-csp-truenas-metrics',
      'opencsp-node-metrics',
    ]);
    for (const service of services) {
      const spec = service.spec as ServiceSpec;
      expect(spec.clusterIP).toBe('None');
      const containers = podSpec(workloadOf(on, service)).containers;
      for (const port of spec.ports) {
        const serving = containers.flatMap((c) => (c.ports ?? []).filter((p) => p.name === port.targetPort));
        expect(serving.length, `${service.metadata.name} ${port.name}`).toBe(1);
        expect(serving[0]?.containerPort).toBe(port.port);
      }
    }
    const controllerPorts = (findOne(on, 'Service', 'opencsp-controller-metrics').spec as ServiceSpec).ports;
    expect(controllerPorts.map((p) => p.name)).toEqual([
      'metrics',
      'prov-metrics',
      'attach-metrics',
      'snap-metrics',
      'resize-metrics',
    ]);
  });

  it('scrapes every metrics Service port with the ServiceMonitor, job named by component', () => {
    const monitor = findOne(on, 'ServiceMonitor');
    const spec = monitor.spec as {
      jobLabel: string;
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path: string }[];
    };
    expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(spec.jobLabel).toBe('app.kubernetes.io/component');
    const scraped = new Set(spec.endpoints.map((e) => e.port));
    for (const service of metricsServices(on)) {
      for (const [k, v] of Object.entries(spec.selector.matchLabels)) {
        expect(service.metadata.labels?.[k], `${service.metadata.name} ${k}`).toBe(v);
      }
      for (const port of (service.spec as ServiceSpec).ports) {
        expect(scraped.has(port.name), `${service.metadata.name} ${port.name}`).toBe(true);
      }
    }
  });

  it('admits the metrics port of each CSP in its NetworkPolicy from metrics.networkPolicyFrom', () => {
    for (const policy of findAll(on, 'NetworkPolicy')) {
      const ingress = (policy.spec as { ingress: { ports: { port: string }[]; from?: unknown[] }[] }).ingress;
      const rule = ingress.find((r) => r.ports.some((p) => p.port === 'metrics'));
      expect(rule?.from, policy.metadata.name).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
      ]);
      expect(rule?.ports).toEqual([{ port: 'metrics', protocol: 'TCP' }]);
    }
  });

  it('ships the dashboard file unchanged in a ConfigMap with the grafana_dashboard label', () => {
    const file = readFileSync(join(chartDir, 'dashboards/opencsp.json'), 'utf8');
    const configMap = findOne(on, 'ConfigMap', 'opencsp-dashboard');
    expect(configMap.metadata.labels?.grafana_dashboard).toBe('1');
    const shipped = (configMap as K8sObject & { data: Record<string, string> }).data['opencsp.json'];
    expect(JSON.parse(shipped ?? '')).toEqual(JSON.parse(file));
  });
});

describe('dashboard JSON', () => {
  const dashboard = JSON.parse(readFileSync(join(chartDir, 'dashboards/opencsp.json'), 'utf8')) as {
    uid: string;
    title: string;
    panels: { id: number; title: string; type: string; targets?: { expr: string; refId: string }[] }[];
    templating: { list: { name: string; type: string }[] };
  };

  it('is an importable Grafana dashboard: uid, unique panel ids, a Prometheus data source variable', () => {
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
  });

  it('queries only opencsp and process metrics, each target with its own refId', () => {
    for (const panel of dashboard.panels) {
      const refIds = (panel.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
      for (const target of panel.targets ?? []) {
        for (const [name] of target.expr.matchAll(
          /\b[a-z_]+_(?:total|seconds|bytes|volumes|paths|sessions|flight|connections)\b/g,
        )) {
          expect(name, panel.title).toMatch(/^(opencsp_|process_)/);
        }
      }
    }
  });
});
