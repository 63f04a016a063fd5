// TLS between the driver and the chart's CSPs (issue 12, item 4): by default Helm generates a CA
// and a serving certificate for the CSP Services and keeps both across upgrades (lookup); the
// CSPs serve HTTPS from the mounted Secret, the controller trusts only the CA certificate, and a
// NetworkPolicy admits only the controller pods. cert-manager, an operator's Secret, or plain
// HTTP on both sides are explicit choices. The generated certificate is then served by the real
// CSP kit and verified the way the driver verifies it. Rendered with the real `helm template`.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { buildCspApp } from '@opencsp/csp-spec/server';
import { MemoryProvider } from '@opencsp/csp-spec/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chartToolchain,
  ciValuesDir,
  findAll,
  findOne,
  Helm,
  type K8sObject,
  type RenderResult,
} from '../../src/chart/helm.js';
import { container, podLabels, podSpec, volume } from './pods.js';

const missing = await chartToolchain('chart TLS tests');

const namespace = 'storage-system';
const data = (secret: K8sObject) => secret.data as Record<string, string>;
const pem = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
const args = (workload: K8sObject, name: string) => container(podSpec(workload), name).args ?? [];

function serviceNames(csp: string, domain = 'cluster.local'): string[] {
  const svc = `opencsp-csp-${csp}`;
  return [svc, `${svc}.${namespace}`, `${svc}.${namespace}.svc`, `${svc}.${namespace}.svc.${domain}`];
}

function dnsNamesOf(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '').split(', ').map((entry) => entry.replace(/^DNS:/, ''));
}

describe.skipIf(missing !== undefined)(`CSP TLS in the chart (${missing ?? 'rendered'})`, () => {
  let helm: Helm;
  let both: RenderResult;
  const both_ = join(ciValuesDir, 'both-csps-values.yaml');
  beforeAll(async () => {
    helm = await Helm.start();
    both = await helm.render({ valueFiles: [both_], namespace });
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  const values = async (yaml: string) => helm.valuesFile(`v-${Math.random().toString(36).slice(2)}.yaml`, yaml);

  it('generates a CA and a serving certificate for every CSP Service name, signed by that CA', () => {
    const ca = new X509Certificate(pem(data(findOne(both, 'Secret', 'opencsp-csp-ca'))['ca.crt'] as string));
    const tls = findOne(both, 'Secret', 'opencsp-csp-tls');
    expect(tls.type).toBe('kubernetes.io/tls');
    const serving = new X509Certificate(pem(data(tls)['tls.crt'] as string));
    expect(serving.checkIssued(ca) && serving.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(serving.checkPrivateKey(createPrivateKey(pem(data(tls)['tls.key'] as string)))).toBe(true);
    expect(dnsNamesOf(serving).sort()).toEqual([...serviceNames('truenas'), ...serviceNames('synology')].sort());
    expect(pem(data(tls)['ca.crt'] as string)).toBe(ca.toString());
  });

  it('runs each CSP on HTTPS from the serving Secret, with HTTPS probes and only the cert and key mounted', () => {
    for (const csp of ['truenas', 'synology']) {
      const deployment = findOne(both, 'Deployment', `opencsp-csp-${csp}`);
      const spec = podSpec(deployment);
      const c = container(spec, 'csp');
      expect(c.args).toEqual(
        expect.arrayContaining(['--cert-file=/etc/opencsp/tls/tls.crt', '--key-file=/etc/opencsp/tls/tls.key']),
      );
      expect(c.args).not.toContain('--plain-http=true');
      // The contract port is HTTPS; both-csps-values.yaml also turns metrics on (a second, plain port).
      expect(c.ports?.filter((p) => p.name !== 'metrics')).toEqual([
        { name: 'https', containerPort: 8080, protocol: 'TCP' },
      ]);
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'https', scheme: 'HTTPS' });
      expect(c.volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/opencsp/tls', readOnly: true });
      expect(volume(spec, 'tls').secret).toEqual({
        secretName: 'opencsp-csp-tls',
        defaultMode: 0o440, // 288
        items: [
          { key: 'tls.crt', path: 'tls.crt' },
          { key: 'tls.key', path: 'tls.key' },
        ],
      });
      expect(spec.securityContext).toMatchObject({ runAsUser: 65532, fsGroup: 65532 });
    }
  });

  it('makes the controller trust the generated CA certificate, never its key, and speak HTTPS', () => {
    const controller = findOne(both, 'Deployment', 'opencsp-controller');
    expect(args(controller, 'csi-driver')).toContain('--csp-ca-file=/etc/opencsp/csp-ca/ca.crt');
    expect(args(controller, 'csi-driver')).not.toContain('--csp-plain-http');
    expect(volume(podSpec(controller), 'csp-ca').secret).toEqual({
      secretName: 'opencsp-csp-ca',
      items: [{ key: 'ca.crt', path: 'ca.crt' }],
    });
    const mounts = findAll(both, 'Deployment').flatMap((d) =>
      (podSpec(d).volumes ?? []).filter((v) => v.secret?.secretName === 'opencsp-csp-ca'),
    );
    expect(mounts).toHaveLength(1);
  });

  // Keeping both across upgrades needs `lookup` against a cluster that holds them: the real-cluster
  // suite checks it with `helm upgrade` (test/kube/helm-release.ts). `helm template` finds nothing.
  it('generates a new CA and certificate for every render without a cluster to look them up in', async () => {
    const secrets = findAll(both, 'Secret').filter((s) => s.metadata.name.startsWith('opencsp-csp-'));
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(['opencsp-csp-ca', 'opencsp-csp-tls']);
    const again = await helm.render({ valueFiles: [both_], namespace, isUpgrade: true });
    for (const name of ['opencsp-csp-ca', 'opencsp-csp-tls']) {
      expect(data(findOne(again, 'Secret', name))).not.toEqual(data(findOne(both, 'Secret', name)));
    }
  });

  it('admits only the controller pods to the CSPs by default', async () => {
    const result = await helm.render({
      valueFiles: [await values('csps:\n  truenas:\n    enabled: true\n')],
      namespace,
    });
    const policy = findOne(result, 'NetworkPolicy', 'opencsp-csp-truenas');
    const spec = policy.spec as { ingress: { from: { podSelector: { matchLabels: Record<string, string> } }[] }[] };
    const controller = podLabels(findOne(result, 'Deployment', 'opencsp-controller'));
    const node = podLabels(findOne(result, 'DaemonSet', 'opencsp-node'));
    expect(spec.ingress).toHaveLength(1);
    expect(spec.ingress[0]?.from).toHaveLength(1);
    const peer = spec.ingress[0]?.from[0]?.podSelector.matchLabels ?? {};
    expect(Object.entries(peer).every(([k, v]) => controller[k] === v)).toBe(true);
    expect(Object.entries(peer).every(([k, v]) => node[k] === v)).toBe(false);
    expect(policy.spec).toMatchObject({ ingress: [{ ports: [{ port: 'https', protocol: 'TCP' }] }] });
  });

  it('refuses a NetworkPolicy that would admit nobody (no controller, no extra peers)', async () => {
    const nobody = await values('controller:\n  enabled: false\ncsps:\n  truenas:\n    enabled: true\n');
    expect(await helm.renderError({ valueFiles: [nobody] })).toContain('admits nobody to the CSPs');
  });

  it('issues the certificate through cert-manager when asked, trusting the issuer CA from the Secret', async () => {
    const result = await helm.render({ valueFiles: [join(ciValuesDir, 'cert-manager-values.yaml')], namespace });
    expect(findAll(result, 'Secret').filter((s) => s.metadata.name.startsWith('opencsp-csp-'))).toEqual([]);
    const certificate = findOne(result, 'Certificate', 'opencsp-csp-tls');
    expect(certificate.spec).toMatchObject({
      secretName: 'opencsp-csp-tls',
      dnsNames: serviceNames('truenas', 'k8s.example.internal'),
      issuerRef: { name: 'cluster-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      duration: '720h',
      renewBefore: '240h',
    });
    const controller = findOne(result, 'Deployment', 'opencsp-controller');
    expect(volume(podSpec(controller), 'csp-ca').secret).toEqual({
      secretName: 'opencsp-csp-tls',
      items: [{ key: 'ca.crt', path: 'ca.crt' }],
    });
    expect(volume(podSpec(findOne(result, 'Deployment', 'opencsp-csp-truenas')), 'tls').secret?.secretName).toBe(
      'opencsp-csp-tls',
    );
    const noIssuer = await values('cspTls:\n  mode: certManager\ncsps:\n  truenas:\n    enabled: true\n');
    expect(await helm.renderError({ valueFiles: [noIssuer] })).toContain(
      'cspTls.certManager.issuerRef.name is required',
    );
  });

  it("serves an operator's Secret when asked, and a driver.cspCaBundle overrides what the controller trusts", async () => {
    const own = await values(
      'cspTls:\n  mode: secret\n  secretName: my-csp-tls\ndriver:\n  cspCaBundle:\n    secretName: corp-ca\n    key: bundle.pem\ncsps:\n  truenas:\n    enabled: true\n',
    );
    const result = await helm.render({ valueFiles: [own], namespace });
    expect(findAll(result, 'Certificate')).toEqual([]);
    expect(volume(podSpec(findOne(result, 'Deployment', 'opencsp-csp-truenas')), 'tls').secret?.secretName).toBe(
      'my-csp-tls',
    );
    const controller = findOne(result, 'Deployment', 'opencsp-controller');
    expect(args(controller, 'csi-driver')).toContain('--csp-ca-file=/etc/opencsp/csp-ca/bundle.pem');
    expect(volume(podSpec(controller), 'csp-ca').secret?.secretName).toBe('corp-ca');
    const missingName = await values('cspTls:\n  mode: secret\ncsps:\n  truenas:\n    enabled: true\n');
    expect(await helm.renderError({ valueFiles: [missingName] })).toContain('cspTls.secretName is required');
  });

  it('turns TLS off on both sides only when asked, and says so', async () => {
    const plain = await values('cspTls:\n  mode: disabled\ncsps:\n  truenas:\n    enabled: true\n');
    const result = await helm.render({ valueFiles: [plain], namespace });
    const csp = container(podSpec(findOne(result, 'Deployment', 'opencsp-csp-truenas')), 'csp');
    expect(csp.args).toContain('--plain-http=true');
    expect(csp.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(args(findOne(result, 'Deployment', 'opencsp-controller'), 'csi-driver')).toContain('--csp-plain-http');
    expect(findAll(result, 'Secret')).toEqual([]);
    expect(await helm.notes({ valueFiles: [plain], namespace })).toContain(
      'array credentials cross the pod network in clear',
    );
  });

  it('produces a certificate the CSP kit serves and that verifies for the Service name, as the driver checks it', async () => {
    const tls = data(findOne(both, 'Secret', 'opencsp-csp-tls'));
    const dir = await mkdtemp(join(tmpdir(), 'chart-tls-'));
    try {
      const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
      await writeFile(files.certFile, pem(tls['tls.crt'] as string));
      await writeFile(files.keyFile, pem(tls['tls.key'] as string));
      const csp = await buildCspApp({ provider: new MemoryProvider(), logger: pino({ level: 'silent' }), tls: files });
      try {
        const port = Number(new URL(await csp.app.listen({ host: '127.0.0.1', port: 0 })).port);
        const verified = await new Promise<boolean>((resolve, reject) => {
          const socket = connect(
            { host: '127.0.0.1', port, ca: pem(tls['ca.crt'] as string), servername: 'opencsp-csp-synology' },
            () => {
              resolve(socket.authorized);
              socket.end();
            },
          );
          socket.on('error', reject);
        });
        expect(verified).toBe(true);
      } finally {
        await csp.shutdown();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
