// Renders charts/opencsp with the real `helm template` and every values file in charts/opencsp/ci
// (plus the chart defaults alone; helm checks the merged values against values.schema.json) and
// checks the result the way the API server would: every object against the Kubernetes schemas,
// names, namespaces and the references inside each pod template.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, ciValuesDir, Helm, type K8sObject, type RenderResult } from '../../src/chart/helm.js';
import { namespacedKinds, validateObject } from './k8s-schemas.js';

const missing = await chartToolchain('chart render tests');
const valueFiles = readdirSync(ciValuesDir)
  .filter((f) => f.endsWith('-values.yaml'))
  .sort();

interface PodSpec {
  containers: {
    name: string;
    image: string;
    ports?: { name?: string; containerPort: number }[];
    livenessProbe?: { httpGet?: { port: string | number } };
    readinessProbe?: { httpGet?: { port: string | number } };
    volumeMounts?: { name: string; mountPath: string }[];
  }[];
  volumes?: { name: string }[];
}

function podTemplate(o: K8sObject): { labels: Record<string, string>; spec: PodSpec } {
  const spec = o.spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
  return { labels: spec.template.metadata.labels, spec: spec.template.spec };
}

function checkPodReferences(o: K8sObject): void {
  const { labels, spec } = podTemplate(o);
  const selector = (o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
  for (const [k, v] of Object.entries(selector)) {
    expect(labels[k], `${o.metadata.name}: selector label ${k}`).toBe(v);
  }
  const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
  const containerNames = new Set<string>();
  for (const c of spec.containers) {
    expect(containerNames.has(c.name), `${o.metadata.name}: duplicate container ${c.name}`).toBe(false);
    containerNames.add(c.name);
    expect(c.image, `${o.metadata.name}/${c.name}: image must carry a tag or digest`).toMatch(
      /^[^:@\s]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/,
    );
    const ports = new Set((c.ports ?? []).map((p) => p.name));
    for (const probe of [c.livenessProbe, c.readinessProbe]) {
      const port = probe?.httpGet?.port;
      if (typeof port === 'string') {
        expect(ports.has(port), `${o.metadata.name}/${c.name}: probe port ${port} is declared`).toBe(true);
      }
    }
    for (const m of c.volumeMounts ?? []) {
      expect(volumes.has(m.name), `${o.metadata.name}/${c.name}: volume ${m.name} is defined`).toBe(true);
    }
  }
}

describe.skipIf(missing !== undefined)(`chart render (${missing ?? 'helm template'})`, () => {
  let helm: Helm;
  beforeAll(async () => {
    helm = await Helm.start();
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it('has a values file for each scenario the chart supports', () => {
    expect(valueFiles).toEqual([
      'both-csps-values.yaml',
      'cert-manager-values.yaml',
      'csp-only-values.yaml',
      'default-values.yaml',
      'direct-mode-values.yaml',
      'kubelet-dir-values.yaml',
    ]);
  });

  describe.each(valueFiles)('%s', (file) => {
    let result: RenderResult;
    beforeAll(async () => {
      result = await helm.render({ valueFiles: [join(ciValuesDir, file)], namespace: 'storage-system' });
    });

    it('produces only objects that validate against the Kubernetes schemas', () => {
      expect(result.objects.length).toBeGreaterThan(0);
      for (const { object } of result.objects) {
        expect(() => validateObject(object)).not.toThrow();
      }
    });

    it('puts namespaced objects in the release namespace and leaves cluster objects unnamespaced', () => {
      const secretNamespaces = new Set(['storage-system', 'storage-secrets']);
      for (const { object, source } of result.objects) {
        if (!namespacedKinds.has(object.kind)) {
          expect(object.metadata.namespace, `${source}: ${object.kind} is cluster-scoped`).toBeUndefined();
        } else if (object.kind === 'RoleBinding' && object.metadata.name.endsWith('-secrets')) {
          expect(secretNamespaces.has(object.metadata.namespace ?? '')).toBe(true);
        } else {
          expect(object.metadata.namespace, `${source}: ${object.kind}/${object.metadata.name}`).toBe('storage-system');
        }
      }
    });

    it('names every object uniquely and labels it as part of the release', () => {
      const keys = result.objects.map(
        ({ object }) => `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`,
      );
      expect(new Set(keys).size).toBe(keys.length);
      for (const { object } of result.objects) {
        expect(object.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
        expect(object.metadata.labels?.['app.kubernetes.io/instance']).toBe('opencsp');
        expect(object.metadata.name.length).toBeLessThanOrEqual(63);
      }
    });

    it('keeps pod templates self-consistent (selectors, volumes, probe ports, image references)', () => {
      const workloads = result.objects.filter(({ object }) => ['Deployment', 'DaemonSet'].includes(object.kind));
      expect(workloads.length).toBeGreaterThan(0);
      for (const { object } of workloads) {
        checkPodReferences(object);
      }
    });

    it('renders NOTES.txt', async () => {
      const notes = await helm.notes({ valueFiles: [join(ciValuesDir, file)], namespace: 'storage-system' });
      expect(notes).toContain('csi.opencsp.io');
    });
  });

  it('renders under another release name and namespace with names derived from them', async () => {
    const result = await helm.render({ releaseName: 'prod', namespace: 'storage' });
    const names = result.objects.map(({ object }) => object.metadata.name);
    expect(names).toContain('prod-opencsp-controller');
    expect(names).toContain('prod-opencsp-node');
    for (const { object } of result.objects) {
      expect(() => validateObject(object)).not.toThrow();
    }
  });

  it('refuses a Kubernetes version below the chart kubeVersion, as helm does', async () => {
    const error = await helm.renderError({ kubeVersion: 'v1.25.0' });
    expect(error).toContain('chart requires kubeVersion');
  });
});
