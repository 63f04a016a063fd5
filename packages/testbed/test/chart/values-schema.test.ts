// values.schema.json must reject what Helm would otherwise render silently or wrongly: unknown
// keys (typos), wrong types, values outside their enums, and CSI keys the chart sets itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDir, chartToolchain, HelmRender } from '../../src/chart/helm-render.js';
import { schemaErrors } from './values-schema.js';

const missing = chartToolchain('chart values tests');

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
});

describe.skipIf(missing !== undefined)(`values.schema.json (${missing ?? 'merged by tools/helm-render'})`, () => {
  let helm: HelmRender;
  let counter = 0;
  beforeAll(async () => {
    helm = await HelmRender.build();
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  async function errorsFor(yaml: string): Promise<string[]> {
    counter += 1;
    const file = await helm.valuesFile(`case-${counter}.yaml`, yaml);
    const values = await helm.mergedValues([file]);
    return schemaErrors(values).map((e) => `${e.instancePath} ${e.message}`);
  }

  it('accepts the chart defaults', async () => {
    expect(await errorsFor('{}')).toEqual([]);
  });

  it.each([
    ['a misspelled top-level key', 'controler:\n  replicas: 2\n', '', 'must NOT have additional properties'],
    [
      'a misspelled nested key',
      'node:\n  kubeletdir: /var/lib/k0s/kubelet\n',
      '/node',
      'must NOT have additional properties',
    ],
    [
      'an unknown CSP key',
      'csps:\n  truenas:\n    enviroment: {}\n',
      '/csps/truenas',
      'must NOT have additional properties',
    ],
    ['an unknown CSP', 'csps:\n  nimble:\n    enabled: true\n', '/csps', 'must NOT have additional properties'],
    [
      'an unknown sidecar setting',
      'sidecars:\n  provisioner:\n    workers: 4\n',
      '/sidecars/provisioner',
      'must NOT have additional properties',
    ],
    [
      'an unknown StorageClass key',
      'storageClasses:\n  - name: a\n    secretName: s\n    fstype: xfs\n',
      '/storageClasses/0',
      'must NOT have additional properties',
    ],
  ])('rejects %s', async (_what, yaml, path, message) => {
    expect(await errorsFor(yaml)).toContain(`${path} ${message}`);
  });

  it.each([
    ['replicas as a string', 'controller:\n  replicas: "2"\n', '/controller/replicas must be integer'],
    ['hostNetwork as a string', 'node:\n  hostNetwork: "true"\n', '/node/hostNetwork must be boolean'],
    [
      'a timeout without a unit',
      'sidecars:\n  provisioner:\n    timeout: 120\n',
      '/sidecars/provisioner/timeout must be string',
    ],
    ['a malformed duration', 'driver:\n  cspTimeout: 1 minute\n', '/driver/cspTimeout must match pattern'],
    ['an unknown host mode', 'node:\n  hostMode: host\n', '/node/hostMode must be equal to one of the allowed values'],
    [
      'no iSCSI node-database writer',
      'node:\n  iscsiNodeDbConcurrency: 0\n',
      '/node/iscsiNodeDbConcurrency must be >= 1',
    ],
    [
      'a node-database timeout the driver cannot parse',
      'node:\n  iscsiNodeDbTimeout: 1m30s\n',
      '/node/iscsiNodeDbTimeout must match pattern "^[0-9]+(ms|s|m|h)$"',
    ],
    ['a relative kubelet dir', 'node:\n  kubeletDir: var/lib/kubelet\n', '/node/kubeletDir must match pattern'],
    [
      'a port out of range',
      'csps:\n  truenas:\n    service:\n      port: 70000\n',
      '/csps/truenas/service/port must be <= 65535',
    ],
    [
      'an unknown fsGroupPolicy',
      'csiDriver:\n  fsGroupPolicy: Always\n',
      '/csiDriver/fsGroupPolicy must be equal to one of the allowed values',
    ],
    [
      'a boolean StorageClass parameter',
      'storageClasses:\n  - name: a\n    secretName: s\n    parameters:\n      sparse: true\n',
      '/storageClasses/0/parameters/sparse must be string',
    ],
    [
      'an unsupported fsType',
      'storageClasses:\n  - name: a\n    secretName: s\n    fsType: zfs\n',
      '/storageClasses/0/fsType must be equal to one of the allowed values',
    ],
    [
      'a StorageClass without a secret',
      'storageClasses:\n  - name: a\n',
      "/storageClasses/0 must have required property 'secretName'",
    ],
    [
      'a backend Secret without a password',
      'backendSecrets:\n  - name: a\n    backend: 192.0.2.1\n    username: u\n',
      "/backendSecrets/0 must have required property 'password'",
    ],
    [
      'an extra arg that is not a flag',
      'sidecars:\n  attacher:\n    extraArgs: ["v=5"]\n',
      '/sidecars/attacher/extraArgs/0 must match pattern',
    ],
    ['a digest that is not sha256', 'image:\n  digest: latest\n', '/image/digest must match pattern'],
    [
      'a fractional CSP env value',
      'csps:\n  truenas:\n    env:\n      TRUENAS_RATIO: 1.5\n',
      '/csps/truenas/env/TRUENAS_RATIO must be string,integer,boolean',
    ],
    [
      'an env var name with a dash',
      'csps:\n  synology:\n    env:\n      SYNO-HOST: x\n',
      '/csps/synology/env property name must be valid',
    ],
  ])('rejects %s', async (_what, yaml, expected) => {
    const errors = await errorsFor(yaml);
    expect(
      errors.some((e) => e.startsWith(expected)),
      errors.join('\n'),
    ).toBe(true);
  });

  it('rejects a StorageClass parameter the chart sets itself', async () => {
    const errors = await errorsFor(
      'storageClasses:\n  - name: a\n    secretName: s\n    parameters:\n      csi.storage.k8s.io/node-stage-secret-name: other\n',
    );
    expect(errors).toContain('/storageClasses/0/parameters property name must be valid');
  });

  it('lets a user null remove a default, as helm does, and the schema then names the missing key', async () => {
    const errors = await errorsFor('leaderElection:\n  leaseDuration: null\n');
    expect(errors).toContain("/leaderElection must have required property 'leaseDuration'");
  });
});
