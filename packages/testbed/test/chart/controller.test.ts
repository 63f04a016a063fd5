// The controller pod and the RBAC behind it: sidecar flags for slow arrays, one socket on an
// emptyDir, a non-root pod, and roles that grant each sidecar what it uses and nothing more.
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
import { container, expectRestricted, flag, mount, podSpec, volume } from './pods.js';

const missing = await chartToolchain('chart controller tests');
const appVersion = (parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion;

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function rules(o: K8sObject): Rule[] {
  return o.rules as Rule[];
}

describe.skipIf(missing !== undefined)(`controller Deployment and RBAC (${missing ?? 'rendered'})`, () => {
  let helm: Helm;
  let defaults: RenderResult;
  let direct: RenderResult;
  let both: RenderResult;
  beforeAll(async () => {
    helm = await Helm.start();
    defaults = await helm.render({ namespace: 'storage-system' });
    direct = await helm.render({ valueFiles: [join(ciValuesDir, 'direct-mode-values.yaml')] });
    both = await helm.render({ valueFiles: [join(ciValuesDir, 'both-csps-values.yaml')], namespace: 'storage-system' });
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it('runs the driver in controller mode next to every sidecar on one emptyDir socket', () => {
    const spec = podSpec(findOne(defaults, 'Deployment', 'opencsp-controller'));
    expect(spec.containers.map((c) => c.name)).toEqual([
      'csi-driver',
      'csi-provisioner',
      'csi-attacher',
      'csi-snapshotter',
      'csi-resizer',
      'liveness-probe',
    ]);
    const driver = container(spec, 'csi-driver');
    expect(flag(driver, 'mode')).toBe('controller');
    expect(flag(driver, 'endpoint')).toBe('unix:///csi/csi.sock');
    expect(flag(driver, 'csp-timeout')).toBe('60s');
    // The same per-node volume limit as the node reports: the controller enforces it at publish.
    expect(flag(driver, 'max-volumes-per-node')).toBe('0');
    expect(volume(spec, 'socket-dir').emptyDir).toEqual({});
    for (const c of spec.containers) {
      expect(mount(c, '/csi').name, c.name).toBe('socket-dir');
      if (c.name !== 'csi-driver') {
        expect(flag(c, 'csi-address'), c.name).toBe('/csi/csi.sock');
      }
    }
  });

  it('sets provisioner, attacher, snapshotter and resizer flags for slow arrays', () => {
    const spec = podSpec(findOne(defaults, 'Deployment', 'opencsp-controller'));
    const provisioner = container(spec, 'csi-provisioner');
    expect(provisioner.args).toContain('--extra-create-metadata');
    expect(flag(provisioner, 'timeout')).toBe('120s');
    expect(flag(provisioner, 'worker-threads')).toBe('10');
    expect(flag(provisioner, 'retry-interval-start')).toBe('5s');
    const attacher = container(spec, 'csi-attacher');
    expect(flag(attacher, 'timeout')).toBe('180s');
    expect(flag(attacher, 'worker-threads')).toBe('10');
    const snapshotter = container(spec, 'csi-snapshotter');
    expect(snapshotter.args).toContain('--extra-create-metadata');
    expect(flag(snapshotter, 'timeout')).toBe('300s');
    const resizer = container(spec, 'csi-resizer');
    expect(flag(resizer, 'workers')).toBe('10');
    expect(flag(resizer, 'worker-threads')).toBeUndefined();
    for (const name of ['csi-provisioner', 'csi-attacher', 'csi-snapshotter', 'csi-resizer']) {
      const c = container(spec, name);
      expect(c.args, name).toContain('--leader-election');
      expect(flag(c, 'leader-election-namespace'), name).toBe('storage-system');
    }
    const driverTimeout = Number.parseInt(flag(container(spec, 'csi-driver'), 'csp-timeout') ?? '', 10);
    expect(Number.parseInt(flag(provisioner, 'timeout') ?? '', 10)).toBeGreaterThan(driverTimeout);
  });

  it("sizes the driver's CSP connections for the sidecars' workers", () => {
    const driverOf = (r: RenderResult, name: string) =>
      container(podSpec(findOne(r, 'Deployment', name)), 'csi-driver');
    // provisioner 10 + attacher 10 + snapshotter 10 + resizer 10; without the snapshotter 30.
    expect(flag(driverOf(defaults, 'opencsp-controller'), 'csp-connections')).toBe('40');
    expect(flag(driverOf(direct, 'storage-controller'), 'csp-connections')).toBe('30');
  });

  it('probes the driver through the livenessprobe sidecar on the pod network', () => {
    const spec = podSpec(findOne(defaults, 'Deployment', 'opencsp-controller'));
    const driver = container(spec, 'csi-driver');
    expect(driver.ports?.find((p) => p.name === 'healthz')?.containerPort).toBe(9808);
    expect(driver.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'healthz' });
    expect(flag(container(spec, 'liveness-probe'), 'health-port')).toBe('9808');
    expect(spec.hostNetwork).toBe(false);
  });

  it('runs every container of the pod as non-root with a read-only root filesystem', () => {
    const spec = podSpec(findOne(defaults, 'Deployment', 'opencsp-controller'));
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    expect(spec.securityContext?.runAsUser).toBe(65532);
    expect(spec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    for (const c of spec.containers) {
      expectRestricted(c);
    }
  });

  it('uses the current sidecar releases and the chart appVersion as the driver tag', () => {
    const spec = podSpec(findOne(defaults, 'Deployment', 'opencsp-controller'));
    const images = Object.fromEntries(spec.containers.map((c) => [c.name, c.image]));
    expect(images).toEqual({
      'csi-driver': `ghcr.io/opencsp/csi-driver:${appVersion}`,
      'csi-provisioner': 'registry.k8s.io/sig-storage/csi-provisioner:v6.3.0',
      'csi-attacher': 'registry.k8s.io/sig-storage/csi-attacher:v4.13.0',
      'csi-snapshotter': 'registry.k8s.io/sig-storage/csi-snapshotter:v8.6.0',
      'csi-resizer': 'registry.k8s.io/sig-storage/csi-resizer:v2.2.1',
      'liveness-probe': 'registry.k8s.io/sig-storage/livenessprobe:v2.20.0',
    });
    const pinned = container(podSpec(findOne(both, 'Deployment', 'opencsp-controller')), 'csi-driver');
    expect(pinned.image).toMatch(/^ghcr\.io\/opencsp\/csi-driver@sha256:[a-f0-9]{64}$/);
  });

  it('mounts the CSP CA bundle and passes it to the driver', () => {
    const spec = podSpec(findOne(both, 'Deployment', 'opencsp-controller'));
    const driver = container(spec, 'csi-driver');
    expect(flag(driver, 'csp-ca-file')).toBe('/etc/opencsp/csp-ca/ca.crt');
    expect(mount(driver, '/etc/opencsp/csp-ca').readOnly).toBe(true);
    expect(volume(spec, 'csp-ca').secret?.secretName).toBe('opencsp-csp-ca');
  });

  it('mounts the CSP credentials Secret for calls without secrets only when one is named', () => {
    const spec = podSpec(findOne(both, 'Deployment', 'opencsp-controller'));
    const driver = container(spec, 'csi-driver');
    expect(flag(driver, 'csp-secret-dir')).toBe('/etc/opencsp/csp-secret');
    expect(mount(driver, '/etc/opencsp/csp-secret').readOnly).toBe(true);
    expect(volume(spec, 'csp-secret').secret?.secretName).toBe('truenas-backend');
    const plain = container(podSpec(findOne(defaults, 'Deployment', 'opencsp-controller')), 'csi-driver');
    expect(flag(plain, 'csp-secret-dir')).toBeUndefined();
  });

  it('reads the first backend Secret at start when no CSP Secret is named', async () => {
    const file = await helm.valuesFile(
      'first-backend.yaml',
      'csps:\n  truenas:\n    enabled: true\nbackendSecrets:\n' +
        '  - {name: nas-a, csp: truenas, backend: 192.0.2.10, username: csi, password: pw}\n' +
        '  - {name: nas-b, csp: truenas, backend: 192.0.2.11, username: csi, password: pw}\n',
    );
    const spec = podSpec(findOne(await helm.render({ valueFiles: [file] }), 'Deployment', 'opencsp-controller'));
    expect(flag(container(spec, 'csi-driver'), 'csp-secret-dir')).toBe('/etc/opencsp/csp-secret');
    expect(volume(spec, 'csp-secret').secret?.secretName).toBe('nas-a');
  });

  it('grants secrets only through get, and only in the namespaces the classes name', () => {
    for (const role of findAll(both, 'ClusterRole')) {
      const secretRules = rules(role).filter((r) => r.resources.includes('secrets'));
      if (role.metadata.name === 'opencsp-secrets') {
        expect(secretRules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
      } else {
        expect(secretRules, role.metadata.name).toEqual([]);
      }
    }
    const secretBindings = findAll(both, 'RoleBinding').filter((b) => b.metadata.name === 'opencsp-secrets');
    expect(secretBindings.map((b) => b.metadata.namespace).sort()).toEqual(['storage-secrets', 'storage-system']);
    expect(findAll(both, 'ClusterRoleBinding').map((b) => b.metadata.name)).not.toContain('opencsp-secrets');
  });

  it('uses no wildcards and binds every role to the controller service account only', () => {
    for (const role of [...findAll(defaults, 'ClusterRole'), ...findAll(defaults, 'Role')]) {
      for (const r of rules(role)) {
        expect([...r.verbs, ...r.resources, ...r.apiGroups], role.metadata.name).not.toContain('*');
        expect(r.verbs, role.metadata.name).not.toContain('deletecollection');
      }
    }
    for (const b of [...findAll(defaults, 'ClusterRoleBinding'), ...findAll(defaults, 'RoleBinding')]) {
      expect(b.subjects, b.metadata.name).toEqual([
        { kind: 'ServiceAccount', name: 'opencsp-controller', namespace: 'storage-system' },
      ]);
    }
    const lease = findOne(defaults, 'Role', 'opencsp-leader-election');
    expect(rules(lease)).toEqual([
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'watch', 'list', 'delete', 'update', 'create'],
      },
    ]);
  });

  it('drops what is disabled: snapshotter, leader election, per-namespace secret bindings', () => {
    const spec = podSpec(findOne(direct, 'Deployment', 'storage-controller'));
    expect(spec.containers.map((c) => c.name)).not.toContain('csi-snapshotter');
    expect(findAll(direct, 'ClusterRole').map((r) => r.metadata.name)).not.toContain('storage-snapshotter');
    for (const c of spec.containers) {
      expect(
        c.args?.some((a) => a.startsWith('--leader-election')),
        c.name,
      ).toBe(false);
    }
    expect(findAll(direct, 'Role')).toEqual([]);
    expect(findAll(direct, 'RoleBinding')).toEqual([]);
    expect(findOne(direct, 'ClusterRoleBinding', 'storage-secrets').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'storage-sidecars', namespace: 'kube-system' },
    ]);
    expect(spec.serviceAccountName).toBe('storage-sidecars');
    expect(flag(container(spec, 'csi-provisioner'), 'kube-api-qps')).toBe('20');
    expect(flag(container(spec, 'csi-driver'), 'log-level')).toBe('debug');
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect((findOne(direct, 'Deployment', 'storage-controller').spec as { replicas: number }).replicas).toBe(2);
  });

  it('declares csi.opencsp.io with attach, no pod info, persistent volumes only and fsGroupPolicy File', () => {
    expect(findOne(defaults, 'CSIDriver').metadata.name).toBe('csi.opencsp.io');
    expect(findOne(defaults, 'CSIDriver').spec).toEqual({
      attachRequired: true,
      podInfoOnMount: false,
      fsGroupPolicy: 'File',
      requiresRepublish: false,
      storageCapacity: false,
      seLinuxMount: false,
      volumeLifecycleModes: ['Persistent'],
    });
  });
});
