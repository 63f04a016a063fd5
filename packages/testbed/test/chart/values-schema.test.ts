// values.schema.json must reject what Helm would otherwise render silently or wrongly: unknown
// keys (typos), wrong types, values outside their enums, and CSI keys the chart sets itself. The
// real helm validates the merged values against it on every render; these tests assert helm's
// own message, the one a user sees. Ajv in strict mode checks the schema document itself, which
// helm does not (it ignores a misspelled keyword, so a typo there would silently check nothing).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDir, chartToolchain, Helm } from '../../src/chart/helm.js';
import { compileSchemaStrict } from './values-schema.js';

const missing = await chartToolchain('chart values tests');

/** Paths of schema nodes that declare properties but still allow others. */
function openObjects(node: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(node)) {
    for (const [i, x] of node.entries()) {
      openObjects(x, `${path}/${i}`, out);
    }
  } else if (node !== null && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if ('properties' in o && o.additionalProperties !== false) {
      out.push(path);
    }
    for (const [k, v] of Object.entries(o)) {
      openObjects(v, `${path}/${k}`, out);
    }
  }
  return out;
}

describe('values.schema.json structure', () => {
  it('closes every object it describes (additionalProperties: false)', () => {
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as unknown;
    // envList items only require `name`; the rest of an EnvVar is Kubernetes' to validate.
    expect(openObjects(schema, '#', [])).toEqual(['#/definitions/envList/items']);
  });

  it('compiles under Ajv strict mode: no unknown keyword, no ignored constraint', () => {
    expect(() => compileSchemaStrict()).not.toThrow();
  });
});

describe.skipIf(missing !== undefined)(`values.schema.json (${missing ?? 'validated by helm template'})`, () => {
  let helm: Helm;
  let counter = 0;
  beforeAll(async () => {
    helm = await Helm.start();
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  /** Helm's schema error lines for a values file, or [] when helm renders it. */
  async function errorsFor(yaml: string): Promise<string[]> {
    counter += 1;
    const file = await helm.valuesFile(`case-${counter}.yaml`, yaml);
    try {
      await helm.render({ valueFiles: [file] });
      return [];
    } catch (err) {
      const text = (err as Error).message;
      expect(text).toContain("values don't meet the specifications of the schema(s)");
      return text
        .split('\n')
        .filter((l) => l.trimStart().startsWith('- at '))
        .map((l) => l.trim());
    }
  }

  it('accepts the chart defaults', async () => {
    expect(await errorsFor('{}')).toEqual([]);
  });

  it.each([
    [
      'a misspelled top-level key',
      'controler:\n  replicas: 2\n',
      "- at '': additional properties 'controler' not allowed",
    ],
    [
      'a misspelled nested key',
      'node:\n  kubeletdir: /var/lib/k0s/kubelet\n',
      "- at '/node': additional properties 'kubeletdir' not allowed",
    ],
    [
      'an unknown CSP key',
      'csps:\n  truenas:\n    enviroment: {}\n',
      "- at '/csps/truenas': additional properties 'enviroment' not allowed",
    ],
    [
      'an unknown CSP',
      'csps:\n  nimble:\n    enabled: true\n',
      "- at '/csps': additional properties 'nimble' not allowed",
    ],
    [
      'an unknown sidecar setting',
      'sidecars:\n  provisioner:\n    workers: 4\n',
      "- at '/sidecars/provisioner': additional properties 'workers' not allowed",
    ],
    [
      'an unknown StorageClass key',
      'storageClasses:\n  - name: a\n    secretName: s\n    fstype: xfs\n',
      "- at '/storageClasses/0': additional properties 'fstype' not allowed",
    ],
    ['replicas as a string', 'controller:\n  replicas: "2"\n', "- at '/controller/replicas': got string, want integer"],
    ['hostNetwork as a string', 'node:\n  hostNetwork: "true"\n', "- at '/node/hostNetwork': got string, want boolean"],
    [
      'a timeout without a unit',
      'sidecars:\n  provisioner:\n    timeout: 120\n',
      "- at '/sidecars/provisioner/timeout': got number, want string",
    ],
    [
      'a malformed duration',
      'driver:\n  cspTimeout: 1 minute\n',
      "- at '/driver/cspTimeout': '1 minute' does not match pattern",
    ],
    [
      'an unknown host mode',
      'node:\n  hostMode: host\n',
      "- at '/node/hostMode': value must be one of 'chroot', 'nsenter', 'direct'",
    ],
    [
      'no iSCSI node-database writer',
      'node:\n  iscsiNodeDbConcurrency: 0\n',
      "- at '/node/iscsiNodeDbConcurrency': minimum: got 0, want 1",
    ],
    [
      'a node-database timeout the driver cannot parse',
      'node:\n  iscsiNodeDbTimeout: 1m30s\n',
      "- at '/node/iscsiNodeDbTimeout': '1m30s' does not match pattern '^[0-9]+(ms|s|m|h)$'",
    ],
    [
      'a relative kubelet dir',
      'node:\n  kubeletDir: var/lib/kubelet\n',
      "- at '/node/kubeletDir': 'var/lib/kubelet' does not match pattern",
    ],
    [
      'a port out of range',
      'csps:\n  truenas:\n    service:\n      port: 70000\n',
      "- at '/csps/truenas/service/port': maximum: got 70,000, want 65,535",
    ],
    [
      'an unknown fsGroupPolicy',
      'csiDriver:\n  fsGroupPolicy: Always\n',
      "- at '/csiDriver/fsGroupPolicy': value must be one of",
    ],
    [
      'a boolean StorageClass parameter',
      'storageClasses:\n  - name: a\n    secretName: s\n    parameters:\n      sparse: true\n',
      "- at '/storageClasses/0/parameters/sparse': got boolean, want string",
    ],
    [
      'an unsupported fsType',
      'storageClasses:\n  - name: a\n    secretName: s\n    fsType: zfs\n',
      "- at '/storageClasses/0/fsType': value must be one of 'ext4', 'xfs', 'btrfs'",
    ],
    [
      'a StorageClass without a secret',
      'storageClasses:\n  - name: a\n',
      "- at '/storageClasses/0': missing property 'secretName'",
    ],
    [
      'a backend Secret without a password',
      'backendSecrets:\n  - name: a\n    backend: 192.0.2.1\n    username: u\n',
      "- at '/backendSecrets/0': missing property 'password'",
    ],
    [
      'an extra arg that is not a flag',
      'sidecars:\n  attacher:\n    extraArgs: ["v=5"]\n',
      "- at '/sidecars/attacher/extraArgs/0': 'v=5' does not match pattern '^--'",
    ],
    [
      'a digest that is not sha256',
      'image:\n  digest: latest\n',
      "- at '/image/digest': 'latest' does not match pattern",
    ],
    [
      'a fractional CSP env value',
      'csps:\n  truenas:\n    env:\n      TRUENAS_RATIO: 1.5\n',
      "- at '/csps/truenas/env/TRUENAS_RATIO': got number, want boolean or integer or string",
    ],
    // jsonschema reports a bad property name at the object's parent path ('').
    [
      'an env var name with a dash',
      'csps:\n  synology:\n    env:\n      SYNO-HOST: x\n',
      "invalid propertyName 'SYNO-HOST'",
    ],
    [
      'a StorageClass parameter the chart sets itself',
      'storageClasses:\n  - name: a\n    secretName: s\n    parameters:\n      csi.storage.k8s.io/node-stage-secret-name: other\n',
      "invalid propertyName 'csi.storage.k8s.io/node-stage-secret-name'",
    ],
  ])('rejects %s', async (_what, yaml, expected) => {
    const errors = await errorsFor(yaml);
    expect(
      errors.some((e) => e.includes(expected)),
      errors.join('\n'),
    ).toBe(true);
  });

  it('lets a user null remove a default, as helm does, and the schema then names the missing key', async () => {
    expect(await errorsFor('leaderElection:\n  leaseDuration: null\n')).toContain(
      "- at '/leaderElection': missing property 'leaseDuration'",
    );
  });
});
