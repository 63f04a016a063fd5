// CSP Deployments/Services/NetworkPolicies and the optional Secret, StorageClass and
// VolumeSnapshotClass objects: hardened CSP pods, Secrets that point the driver at the CSP
// Service, and StorageClasses that hand the same Secret to every CSI call that needs it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, ciValuesDir, findAll, findOne, Helm, type RenderResult } from '../../src/chart/helm.js';
import { container, expectRestricted, flag, podLabels, podSpec } from './pods.js';

const missing = await chartToolchain('chart CSP tests');

/** Secret keys the driver reads (docs/architecture.md). */
const secretKeys = [
  'backend',
  'username',
  'password',
  'serviceName',
  'servicePort',
  'path',
  'chapUser',
  'chapPassword',
  'chapMutualUser',
  'chapMutualPassword',
];

describe.skipIf(missing !== undefined)(`CSPs and optional objects (${missing ?? 'rendered'})`, () => {
  let helm: Helm;
  let both: RenderResult;
  let cspOnly: RenderResult;
  beforeAll(async () => {
    helm = await Helm.start();
    both = await helm.render({ valueFiles: [join(ciValuesDir, 'both-csps-values.yaml')], namespace: 'storage-system' });
    cspOnly = await helm.render({ valueFiles: [join(ciValuesDir, 'csp-only-values.yaml')] });
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it.each(['truenas', 'synology'])('runs the %s CSP non-root, read-only, without capabilities or API token', (csp) => {
    const deployment = findOne(both, 'Deployment', `opencsp-csp-${csp}`);
    const spec = podSpec(deployment);
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    expect(spec.automountServiceAccountToken).toBe(false);
    const c = container(spec, 'csp');
    expectRestricted(c);
    expect(c.image).toBe(`ghcr.io/opencsp/csp-${csp}:0.1.0`);
    expect(flag(c, 'port')).toBe('8080');
    // both-csps-values.yaml turns metrics on: the second port is the metrics port (metrics.test.ts).
    expect(c.ports).toEqual([
      { name: 'https', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9811, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'https', scheme: 'HTTPS' });
    expect(c.resources?.requests).toEqual({ cpu: '10m', memory: '64Mi' });
  });

  it('passes CSP settings as environment variables, sorted, as strings, integers without an exponent', () => {
    const truenas = container(podSpec(findOne(both, 'Deployment', 'opencsp-csp-truenas')), 'csp');
    expect(truenas.env).toEqual([
      { name: 'TRUENAS_API_VERSION', value: 'v26.0.0' },
      { name: 'TRUENAS_CALL_TIMEOUT', value: '90s' },
      { name: 'TRUENAS_CHAP_TAG', value: '4730274' },
      { name: 'TRUENAS_FORCE_SIZE', value: 'false' },
      { name: 'TRUENAS_PARENT_DATASETS', value: 'tank/k8s,ssd/k8s' },
      { name: 'TRUENAS_PORTAL', value: 'opencsp' },
      { name: 'TRUENAS_TLS_CA_FILE', value: '/etc/opencsp/ca/ca.crt' },
      { name: 'TRUENAS_ALLOWED_ARRAYS', value: '192.0.2.11:443,192.0.2.10' },
    ]);
    const synology = container(podSpec(findOne(both, 'Deployment', 'opencsp-csp-synology')), 'csp');
    expect(synology.env).toEqual([{ name: 'SYNOLOGY_ALLOWED_ARRAYS', value: '192.0.2.20' }]);
    expect(synology.envFrom).toEqual([{ secretRef: { name: 'synology-csp-settings' } }]);
  });

  it('renders the arrays a CSP may contact, and those it reaches without TLS, from its values', () => {
    const synology = container(podSpec(findOne(cspOnly, 'Deployment', 'opencsp-csp-synology')), 'csp');
    expect(synology.env).toEqual([
      { name: 'SYNOLOGY_ALLOWED_ARRAYS', value: 'nas-lab.example:5000' },
      { name: 'SYNOLOGY_PLAINTEXT_ARRAYS', value: 'nas-lab.example:5000' },
    ]);
  });

  it('exposes each CSP through a Service that selects exactly its pods', () => {
    for (const [csp, port] of [
      ['truenas', 8080],
      ['synology', 8081],
    ] as const) {
      const service = findOne(both, 'Service', `opencsp-csp-${csp}`);
      const spec = service.spec as { selector: Record<string, string>; ports: unknown[]; sessionAffinity: string };
      expect(spec.ports).toEqual([{ name: 'https', port, targetPort: 'https', protocol: 'TCP' }]);
      expect(spec.sessionAffinity).toBe('ClientIP');
      const labels = podLabels(findOne(both, 'Deployment', `opencsp-csp-${csp}`));
      for (const [k, v] of Object.entries(spec.selector)) {
        expect(labels[k]).toBe(v);
      }
      expect(spec.selector['app.kubernetes.io/component']).toBe(`csp-${csp}`);
    }
  });

  it('admits only the controller pods (and the extra peers) to each CSP', () => {
    const controllerLabels = podLabels(findOne(both, 'Deployment', 'opencsp-controller'));
    const nodeLabels = podLabels(findOne(both, 'DaemonSet', 'opencsp-node'));
    for (const csp of ['truenas', 'synology']) {
      const policy = findOne(both, 'NetworkPolicy', `opencsp-csp-${csp}`);
      const spec = policy.spec as {
        podSelector: { matchLabels: Record<string, string> };
        policyTypes: string[];
        ingress: { from: { podSelector?: { matchLabels: Record<string, string> } }[]; ports: unknown[] }[];
      };
      expect(spec.policyTypes).toEqual(['Ingress']);
      expect(spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe(`csp-${csp}`);
      // The second rule admits scrapes of the metrics port only (metrics.test.ts).
      expect(spec.ingress).toHaveLength(2);
      const peer = spec.ingress[0]?.from[0]?.podSelector?.matchLabels ?? {};
      expect(Object.entries(peer).every(([k, v]) => controllerLabels[k] === v)).toBe(true);
      expect(Object.entries(peer).every(([k, v]) => nodeLabels[k] === v)).toBe(false);
      expect(spec.ingress[0]?.from).toHaveLength(2);
      expect(spec.ingress[0]?.ports).toEqual([{ port: 'https', protocol: 'TCP' }]);
    }
  });

  it('points backend Secrets at this release’s CSP Service in service mode', () => {
    const secret = findOne(both, 'Secret', 'truenas-backend');
    const data = secret.stringData as Record<string, string>;
    expect(data).toEqual({
      backend: '192.0.2.10',
      username: 'csi',
      password: 'not-a-real-password',
      serviceName: 'opencsp-csp-truenas',
      servicePort: '8080',
      chapUser: 'k8s-initiator',
      chapPassword: 'chapsecret1234',
    });
    expect((findOne(both, 'Secret', 'synology-backend').stringData as Record<string, string>).servicePort).toBe('8081');
    const backendSecrets = findAll(both, 'Secret').filter((s) => s.stringData !== undefined);
    expect(backendSecrets).toHaveLength(2);
    for (const s of backendSecrets) {
      expect(Object.keys(s.stringData as object).every((k) => secretKeys.includes(k))).toBe(true);
    }
  });

  it('hands the StorageClass secret to provisioner, controller-publish, node-stage and controller-expand', () => {
    const sc = findOne(both, 'StorageClass', 'truenas-xfs');
    expect(sc.provisioner).toBe('csi.opencsp.io');
    expect(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class']).toBe('true');
    expect(sc.allowVolumeExpansion).toBe(true);
    expect(sc.parameters).toEqual({
      'csi.storage.k8s.io/fstype': 'xfs',
      'csi.storage.k8s.io/provisioner-secret-name': 'truenas-backend',
      'csi.storage.k8s.io/provisioner-secret-namespace': 'storage-system',
      'csi.storage.k8s.io/controller-publish-secret-name': 'truenas-backend',
      'csi.storage.k8s.io/controller-publish-secret-namespace': 'storage-system',
      'csi.storage.k8s.io/node-stage-secret-name': 'truenas-backend',
      'csi.storage.k8s.io/node-stage-secret-namespace': 'storage-system',
      'csi.storage.k8s.io/controller-expand-secret-name': 'truenas-backend',
      'csi.storage.k8s.io/controller-expand-secret-namespace': 'storage-system',
      description: 'Volume for {pvc}',
      parentDataset: 'tank/k8s',
      sparse: 'true',
      volblocksize: '16K',
    });
    const synology = findOne(both, 'StorageClass', 'synology-ext4');
    expect(synology.reclaimPolicy).toBe('Retain');
    expect(synology.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(synology.mountOptions).toEqual(['noatime']);
    expect((synology.parameters as Record<string, string>)['csi.storage.k8s.io/fstype']).toBe('ext4');
    const elsewhere = findOne(both, 'StorageClass', 'shared-secret-elsewhere');
    expect(elsewhere.allowVolumeExpansion).toBe(false);
    expect((elsewhere.parameters as Record<string, string>)['csi.storage.k8s.io/node-stage-secret-namespace']).toBe(
      'storage-secrets',
    );
  });

  it('renders VolumeSnapshotClasses with the snapshotter secret', () => {
    const vsc = findOne(both, 'VolumeSnapshotClass', 'truenas-snapshots');
    expect(vsc.driver).toBe('csi.opencsp.io');
    expect(vsc.deletionPolicy).toBe('Delete');
    expect(vsc.metadata.annotations?.['snapshot.storage.kubernetes.io/is-default-class']).toBe('true');
    expect(vsc.parameters).toEqual({
      'csi.storage.k8s.io/snapshotter-secret-name': 'truenas-backend',
      'csi.storage.k8s.io/snapshotter-secret-namespace': 'storage-system',
    });
    expect(findOne(both, 'VolumeSnapshotClass', 'synology-snapshots').deletionPolicy).toBe('Retain');
  });

  it('renders only the enabled CSP (and its NetworkPolicy) when everything else is disabled', () => {
    expect(cspOnly.objects.map(({ object }) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      'Deployment/opencsp-csp-synology',
      'NetworkPolicy/opencsp-csp-synology',
      'Service/opencsp-csp-synology',
      'ServiceAccount/opencsp-csp',
    ]);
  });

  it('fails the render with a clear message for contradictory values', async () => {
    const secretForDisabledCsp = await helm.valuesFile(
      'disabled-csp.yaml',
      'backendSecrets:\n  - name: b\n    csp: truenas\n    backend: 192.0.2.1\n    username: u\n    password: p\n',
    );
    expect(await helm.renderError({ valueFiles: [secretForDisabledCsp] })).toContain(
      'backendSecrets[0] (b) uses csp "truenas", but csps.truenas.enabled is false',
    );
    const hostNetworkPolicy = await helm.valuesFile(
      'host-network-policy.yaml',
      'networkPolicy:\n  enabled: true\ncontroller:\n  hostNetwork: true\ncsps:\n  truenas:\n    enabled: true\n',
    );
    expect(await helm.renderError({ valueFiles: [hostNetworkPolicy] })).toContain(
      'networkPolicy.enabled needs controller.hostNetwork=false',
    );
  });
});
