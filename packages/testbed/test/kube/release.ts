// opencsp as a Helm release on the real cluster: `helm install` put every object in the apiserver
// and the pods run what the apiserver holds (installScenario, first); `helm upgrade` with changed
// values takes effect and keeps the generated CSP certificate through `lookup`, and `helm
// uninstall` leaves none of the release's objects (releaseScenarios, last).
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { KubeClient, loopbackArgs } from '@opencsp/testbed/kube';
import { expect, it } from 'vitest';
import { serviceNode } from '../../src/launch/service-node.js';
import type { ScenarioContext } from './context.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Which Node ran the drivers (in the JSON report, .reports/kube.json). */
    serviceNode?: string;
  }
}

export function installScenario(ctx: ScenarioContext): void {
  it("helm install: every object of the release in the apiserver, the pods run the stored commands as the chart's accounts", async ({
    task,
  }) => {
    const { cluster, opencsp } = ctx.stack;
    expect(opencsp.release).toMatchObject({ revision: 1, status: 'deployed' });
    expect(await opencsp.helm.list()).toEqual(['opencsp']);
    const driver = await cluster.admin.get('storage.k8s.io/v1', 'CSIDriver', 'csi.opencsp.io');
    expect(driver?.spec).toMatchObject({ attachRequired: true, podInfoOnMount: false, fsGroupPolicy: 'File' });
    for (const { object } of opencsp.release.objects) {
      const found = await cluster.admin.get(
        object.apiVersion,
        object.kind,
        object.metadata.name,
        object.metadata.namespace,
      );
      expect(found, `${object.kind} ${object.metadata.name}`).toBeDefined();
    }
    // The provisioner runs with exactly the args of the Deployment in the apiserver, its metrics on loopback.
    const name = opencsp.release.objects.find((o) => o.object.kind === 'Deployment')?.object.metadata.name ?? '';
    const deployment = (await cluster.admin.get('apps/v1', 'Deployment', name, 'kube-system')) as unknown as {
      spec: { template: { spec: { containers: { name: string; args: string[] }[] } } };
    };
    const stored = deployment.spec.template.spec.containers.find((c) => c.name === 'csi-provisioner')?.args;
    const pid = opencsp.controller.containers.get('csi-provisioner')?.pid;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
    expect(cmdline.slice(1)).toEqual(loopbackArgs(stored ?? []));
    expect(cmdline).toContain(`--http-endpoint=127.0.0.1:${opencsp.metricsPorts.provisioner}`);
    // Both drivers and the CSP run on the Node the images ship (service-node.ts), not on the
    // test's Node: the program of each process is that file (its path reads through the container's root).
    const runtime = await stat(serviceNode().path);
    for (const [pod, container] of [
      [opencsp.controller, 'csi-driver'],
      [opencsp.node, 'csi-driver'],
      [opencsp.csp, 'csp'],
    ] as const) {
      const exe = await stat(`/proc/${pod.containers.get(container)?.pid}/exe`);
      expect([exe.dev, exe.ino], `${pod.name} ${container}`).toEqual([runtime.dev, runtime.ino]);
    }
    // The CSP runs the stored args of its Deployment (listening on its Service's port, csp-pod.ts)
    // as the chart's non-root user, serving the certificate Helm generated for its Service.
    const cspPid = opencsp.csp.containers.get('csp')?.pid;
    const cspArgs = (await readFile(`/proc/${cspPid}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
    expect(cspArgs).toEqual(
      expect.arrayContaining(['--cert-file=/etc/opencsp/tls/tls.crt', '--key-file=/etc/opencsp/tls/tls.key']),
    );
    expect((await readFile(`/proc/${cspPid}/status`, 'utf8')).match(/^Uid:\s+(\d+)/m)?.[1]).toBe('65532');
    task.meta.serviceNode = serviceNode().version;
    // The sidecars authenticate with the controller ServiceAccount's token (in-cluster config).
    const token = await readFile(
      `${cluster.dir}/pods/${opencsp.controller.name}/volumes/kube-api-access/token`,
      'utf8',
    );
    const asController = new KubeClient({ server: cluster.controlPlane.server, caFile: cluster.pki.ca.cert, token });
    try {
      const review = await asController.call<{ status: { userInfo: { username: string } } }>(
        'POST',
        '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      );
      expect(review.status.userInfo.username).toBe(
        `system:serviceaccount:kube-system:${opencsp.controllerServiceAccount}`,
      );
    } finally {
      await asController.close();
    }
    // kubelet wrote the CSINode from NodeGetInfo: node name and the node's initiator name.
    const csiNode = await cluster.admin.get<{
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: { drivers: { name: string; nodeID: string }[] };
    }>('storage.k8s.io/v1', 'CSINode', ctx.stack.nodeName);
    expect(csiNode?.spec.drivers.find((d) => d.name === 'csi.opencsp.io')?.nodeID).toMatch(
      new RegExp(`^${ctx.stack.nodeName};${ctx.stack.initiatorName.replaceAll('.', '\\.')}(;|$)`),
    );
    // Both livenessprobe sidecars and the registrar answer /healthz.
    for (const port of Object.values(opencsp.healthPorts)) {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    }
  });
}

const releaseNamespace = 'kube-system';
const pem = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** The DNS names a CSP's Service answers to in the release namespace. */
function serviceNames(csp: string): string[] {
  const svc = `opencsp-csp-${csp}`;
  return [
    svc,
    `${svc}.${releaseNamespace}`,
    `${svc}.${releaseNamespace}.svc`,
    `${svc}.${releaseNamespace}.svc.cluster.local`,
  ];
}

const dnsNames = (crt: X509Certificate) =>
  (crt.subjectAltName ?? '')
    .split(', ')
    .map((entry) => entry.replace(/^DNS:/, ''))
    .sort();

/**
 * Run after every other scenario: the upgrades change the release (the running pods keep the
 * templates they were started from; no controller makes new ones) and the uninstall removes the
 * driver's objects.
 */
export function releaseScenarios(ctx: ScenarioContext): void {
  it('helm upgrade: a StorageClass the upgrade adds provisions a volume; the generated CSP CA and certificate are kept (lookup), re-signed only for new Service names', async () => {
    const { opencsp, cluster, kube } = ctx.stack;
    const base = opencsp.values;
    const added = `${opencsp.classes.ext4}-upgraded`;
    const first = base.storageClasses[0];
    // The release runs the array's CSP from the install on; the other CSP joins in revision 4.
    const own = Object.keys(base.csps)[0] as 'truenas' | 'synology';
    const other = own === 'truenas' ? 'synology' : 'truenas';
    const withCsp = { ...base, storageClasses: [...base.storageClasses, { ...first, name: added }] };
    const upgrade = async (values: unknown, revision: number) => {
      const file = await opencsp.helm.valuesFile(`upgrade-${revision}.json`, values);
      expect(await opencsp.helm.upgrade([file])).toMatchObject({ revision, status: 'deployed' });
    };
    await upgrade(withCsp, 2);
    expect(await cluster.admin.get('storage.k8s.io/v1', 'StorageClass', added)).toBeDefined();
    await kube.createPvc({ name: 'upgraded', storageClassName: added, size: ctx.sizes().small });
    const { pvc, pv } = await kube.boundPvc('upgraded');
    expect(pvc.spec.storageClassName).toBe(added);
    await ctx.deletePvc('upgraded', pv.metadata.name);
    await ctx.expectClean();

    const secret = async (name: string) =>
      (
        (await cluster.admin.get('v1', 'Secret', name, releaseNamespace)) as
          | { data?: Record<string, string> }
          | undefined
      )?.data ?? {};
    const generated = { ca: await secret('opencsp-csp-ca'), tls: await secret('opencsp-csp-tls') };
    expect(dnsNames(new X509Certificate(pem(generated.tls['tls.crt'] ?? '')))).toEqual(serviceNames(own).sort());
    await upgrade(withCsp, 3);
    expect({ ca: await secret('opencsp-csp-ca'), tls: await secret('opencsp-csp-tls') }).toEqual(generated);

    await upgrade({ ...withCsp, csps: { ...base.csps, [other]: { enabled: true } } }, 4);
    const grown = { ca: await secret('opencsp-csp-ca'), tls: await secret('opencsp-csp-tls') };
    expect(grown.ca).toEqual(generated.ca);
    const ca = new X509Certificate(pem(grown.ca['ca.crt'] ?? ''));
    const resigned = new X509Certificate(pem(grown.tls['tls.crt'] ?? ''));
    expect(resigned.verify(ca.publicKey)).toBe(true);
    expect(dnsNames(resigned)).toEqual([...serviceNames(own), ...serviceNames(other)].sort());
  });

  it("helm uninstall: none of the release's objects is left, nor helm's record of it", async () => {
    const { opencsp, cluster } = ctx.stack;
    const objects = (await opencsp.helm.manifest()).map((o) => o.object);
    expect(objects.length).toBeGreaterThan(0);
    await opencsp.helm.uninstall();
    const left: string[] = [];
    for (const o of objects) {
      if ((await cluster.admin.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace)) !== undefined) {
        left.push(`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      }
    }
    expect(left).toEqual([]);
    expect(await opencsp.helm.list()).toEqual([]);
    // helm keeps each revision as a Secret labelled owner=helm in the release namespace.
    expect(await cluster.admin.list('v1', 'Secret', releaseNamespace, 'labelSelector=owner%3Dhelm')).toEqual([]);
  });
}
