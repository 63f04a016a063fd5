// The pieces of the real-cluster suite's pod runtime that are plain logic: kubelet's env and
// $(VAR) rules, the container script (mounts, propagation, user, capabilities), the node's mount
// table, the CSP's Service mapped onto its process, and the chart values the suite installs with
// (valid against values.schema.json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, Helm } from '../../src/chart/helm.js';
import { containerScript, shellQuote } from '../../src/kube/container.js';
import { onServicePort, serviceHosts } from '../../src/kube/csp-pod.js';
import { parseMountinfoLine } from '../../src/kube/node-namespace.js';
import { valuesFor } from '../../src/kube/opencsp.js';
import { containerArgs, containerEnv, expandVars } from '../../src/kube/pod-spec.js';

const fields = {
  name: 'opencsp-node-n1',
  namespace: 'kube-system',
  nodeName: 'n1',
  serviceAccountName: 'opencsp-node',
  hostIP: '127.0.0.1',
  podIP: '127.0.0.1',
};

describe('kubelet env and args rules', () => {
  it('expands $(VAR) from defined variables, keeps unknown ones and unescapes $$', () => {
    expect(expandVars('--node-name=$(NODE_NAME)', { NODE_NAME: 'n1' })).toBe('--node-name=n1');
    expect(expandVars('$(MISSING) and $$(NODE_NAME)', { NODE_NAME: 'n1' })).toBe('$(MISSING) and $(NODE_NAME)');
  });

  it('builds env in order with the downward API, and refuses what it cannot do', () => {
    const env = containerEnv(
      {
        name: 'csi-driver',
        image: 'x',
        env: [
          { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'WHERE', value: 'on-$(NODE_NAME)' },
        ],
        args: ['--node-name=$(NODE_NAME)', '--where=$(WHERE)'],
      },
      fields,
      { PATH: '/bin' },
    );
    expect(env).toEqual({ PATH: '/bin', NODE_NAME: 'n1', WHERE: 'on-n1' });
    expect(
      containerArgs({ name: 'c', image: 'x', args: ['--node-name=$(NODE_NAME)', '--where=$(WHERE)'] }, env),
    ).toEqual(['--node-name=n1', '--where=on-n1']);
    expect(() => containerEnv({ name: 'c', image: 'x', envFrom: [{}] }, fields, {})).toThrow(/envFrom/);
    expect(() =>
      containerEnv(
        { name: 'c', image: 'x', env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }] },
        fields,
        {},
      ),
    ).toThrow(/status.phase/);
  });
});

describe('container script', () => {
  const plan = {
    root: '/run/roots/pod.c',
    systemDirs: ['/usr', '/proc'],
    symlinks: [['/bin', 'usr/bin']] as [string, string][],
    mounts: [
      {
        source: '/var/lib/kubelet',
        target: '/var/lib/kubelet',
        propagation: 'Bidirectional' as const,
        readOnly: false,
      },
      { source: '/tmp/pod/socket-dir', target: '/csi', propagation: 'None' as const, readOnly: false },
      {
        source: '/tmp/pod/token',
        target: '/var/run/secrets/kubernetes.io/serviceaccount',
        propagation: 'None' as const,
        readOnly: true,
      },
    ],
    readOnlyRoot: true,
    user: { uid: 65532, gid: 65532 },
    restricted: true,
    workingDir: '/',
    env: { PATH: '/usr/bin', NOTE: "it's" },
    command: ['/usr/bin/csi-provisioner', '--csi-address=/csi/csi.sock'],
  };

  it('binds volumes parents first with their propagation, makes the root read-only, drops privileges', () => {
    const lines = containerScript(plan).split('\n');
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle));
    expect(at("mount --rbind '/tmp/pod/socket-dir' '/run/roots/pod.c/csi'")).toBeLessThan(
      at("mount --rbind '/var/lib/kubelet' '/run/roots/pod.c/var/lib/kubelet'"),
    );
    expect(lines).toContain("mount --make-rshared '/run/roots/pod.c/var/lib/kubelet'");
    expect(lines).toContain("mount --make-rprivate '/run/roots/pod.c/csi'");
    expect(lines).toContain("mount -o remount,bind,ro '/run/roots/pod.c/var/run/secrets/kubernetes.io/serviceaccount'");
    expect(lines).toContain("mount -o remount,bind,ro '/run/roots/pod.c/usr'");
    expect(lines).not.toContain("mount -o remount,bind,ro '/run/roots/pod.c/proc'");
    expect(lines.at(-2)).toBe("mount -o remount,ro '/run/roots/pod.c'");
    expect(lines.at(-1)).toBe(
      "exec 'chroot' '/run/roots/pod.c' 'setpriv' '--reuid=65532' '--regid=65532' '--clear-groups' '--inh-caps=-all' '--bounding-set=-all' '--no-new-privs' '--' 'env' '-i' '-C' '/' 'PATH=/usr/bin' 'NOTE=it'\\''s' '/usr/bin/csi-provisioner' '--csi-address=/csi/csi.sock'",
    );
  });

  it('refuses paths that climb out and environment names a shell would misread', () => {
    expect(() =>
      containerScript({
        ...plan,
        mounts: [{ source: '/tmp/pod/socket-dir', target: '/csi/../etc', propagation: 'None', readOnly: false }],
      }),
    ).toThrow(/without \.\./);
    expect(() => containerScript({ ...plan, env: { 'BAD NAME': 'x' } })).toThrow(/not valid/);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe("the CSP's Service on its process", () => {
  const csp = {
    name: 'csp',
    image: 'ghcr.io/opencsp/csp-truenas:1.0.0',
    args: ['--host=0.0.0.0', '--port=8080', '--metrics-address=127.0.0.1:9811'],
    ports: [{ name: 'https', containerPort: 8080 }],
  };

  it('listens on loopback at the Service port its named targetPort maps to', () => {
    const served = onServicePort(csp, { ports: [{ name: 'https', port: 41000, targetPort: 'https' }] });
    expect(served.args).toEqual(['--host=127.0.0.1', '--port=41000', '--metrics-address=127.0.0.1:9811']);
    expect(() => onServicePort(csp, { ports: [{ port: 41000, targetPort: 'http' }] })).toThrow(/no port named http/);
    expect(() => onServicePort(csp, { ports: [{ port: 41000, targetPort: 9000 }] })).toThrow(/--port=9000/);
  });

  it('resolves every name the cluster DNS gives the Service to loopback', () => {
    expect(Object.keys(serviceHosts('opencsp-csp-truenas', 'kube-system'))).toEqual([
      'opencsp-csp-truenas',
      'opencsp-csp-truenas.kube-system',
      'opencsp-csp-truenas.kube-system.svc',
      'opencsp-csp-truenas.kube-system.svc.cluster.local',
    ]);
  });
});

describe('node mount table', () => {
  it('reads the mount point, filesystem type and source, unescaping spaces', () => {
    expect(
      parseMountinfoLine(
        '612 598 7:0 / /var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/pv\\0401/mount rw,relatime shared:300 - ext4 /dev/loop0 rw',
      ),
    ).toEqual({
      target: '/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/pv 1/mount',
      fstype: 'ext4',
      source: '/dev/loop0',
    });
  });
});

const missing = await chartToolchain('the real-cluster values tests');
describe.skipIf(missing !== undefined)(
  `the values the real-cluster suite installs with (${missing ?? 'helm template'})`,
  () => {
    let helm: Helm;
    beforeAll(async () => {
      helm = await Helm.start();
    });
    afterAll(async () => {
      await helm?.dispose();
    });

    it('pass values.schema.json for both arrays, with the CSP enabled and its Service in the backend Secret', async () => {
      for (const [prefix, parameters] of [
        ['truenas', { compression: 'LZ4', volblocksize: '16K' }],
        ['synology', { location: 'volume1', provisioning: 'thin' }],
      ] as const) {
        const values = valuesFor(
          {
            prefix,
            parameters,
            logLevel: 'info',
            cspValues: { env: { EXAMPLE: '1' }, plaintextArrays: ['127.0.0.1:1'] },
            secrets: { backend: '127.0.0.1:1', username: 'u', password: 'p' },
          },
          { controller: 40001, node: 40002, registrar: 40003 },
          undefined,
          { service: 40004, metrics: 40005 },
        );
        const file = await helm.valuesFile(`${prefix}.json`, JSON.stringify(values));
        // helm validates the merged values against values.schema.json; a violation fails the render.
        const render = await helm.render({ valueFiles: [file], kubeVersion: 'v1.35.6' });
        expect(render.objects.some((o) => o.object.kind === 'DaemonSet')).toBe(true);
        const secret = render.objects.find(
          (o) => o.object.kind === 'Secret' && o.object.metadata.name === `${prefix}-backend`,
        );
        expect(
          (secret?.object as unknown as { stringData?: Record<string, string> } | undefined)?.stringData,
        ).toMatchObject({
          serviceName: `opencsp-csp-${prefix}`,
          servicePort: '40004',
        });
      }
    });
  },
);
