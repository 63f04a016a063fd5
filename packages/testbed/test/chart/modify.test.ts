// Chart parts of volume modification and attach limits: VolumeAttributesClasses from values and
// CSIDriver.spec.nodeAllocatableUpdatePeriodSeconds, both only where the cluster has them
// (Kubernetes >= 1.34), and the resizer's RBAC for VolumeAttributesClasses. Every rendered
// object is checked against the Kubernetes schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, findAll, findOne, Helm } from '../../src/chart/helm.js';
import { validateObject } from './k8s-schemas.js';

const missing = await chartToolchain('chart modify tests');

const values = `
csiDriver:
  nodeAllocatableUpdatePeriodSeconds: 60
volumeAttributesClasses:
  - name: truenas-zstd
    parameters:
      compression: ZSTD
      sync: ALWAYS
  - name: synology-no-unmap
    labels: { tier: cold }
    parameters:
      spaceReclamation: "false"
`;

describe.skipIf(missing !== undefined)(
  `VolumeAttributesClass and allocatable counts (${missing ?? 'rendered'})`,
  () => {
    let helm: Helm;
    let file: string;
    beforeAll(async () => {
      helm = await Helm.start();
      file = await helm.valuesFile('modify-values.yaml', values);
    });
    afterAll(async () => {
      await helm?.dispose();
    });

    it('renders the VolumeAttributesClasses and the allocatable update period on Kubernetes 1.34', async () => {
      const result = await helm.render({ valueFiles: [file], kubeVersion: 'v1.34.0' });
      for (const { object } of result.objects) {
        validateObject(object);
      }
      const zstd = findOne(result, 'VolumeAttributesClass', 'truenas-zstd');
      expect(zstd.apiVersion).toBe('storage.k8s.io/v1');
      expect(zstd.driverName).toBe('csi.opencsp.io');
      expect(zstd.parameters).toEqual({ compression: 'ZSTD', sync: 'ALWAYS' });
      const cold = findOne(result, 'VolumeAttributesClass', 'synology-no-unmap');
      expect(cold.parameters).toEqual({ spaceReclamation: 'false' });
      expect(cold.metadata.labels?.tier).toBe('cold');
      expect(findOne(result, 'CSIDriver').spec).toMatchObject({ nodeAllocatableUpdatePeriodSeconds: 60 });
      const resizer = findOne(result, 'ClusterRole', 'opencsp-resizer');
      expect(resizer.rules).toContainEqual({
        apiGroups: ['storage.k8s.io'],
        resources: ['volumeattributesclasses'],
        verbs: ['get', 'list', 'watch'],
      });
    });

    it('leaves both out on Kubernetes 1.33, and the period out when it is 0 (the default)', async () => {
      const old = await helm.render({ valueFiles: [file], kubeVersion: 'v1.33.4' });
      expect(findAll(old, 'VolumeAttributesClass')).toEqual([]);
      expect(findOne(old, 'CSIDriver').spec).not.toHaveProperty('nodeAllocatableUpdatePeriodSeconds');
      const defaults = await helm.render({ kubeVersion: 'v1.35.0' });
      expect(findAll(defaults, 'VolumeAttributesClass')).toEqual([]);
      expect(findOne(defaults, 'CSIDriver').spec).not.toHaveProperty('nodeAllocatableUpdatePeriodSeconds');
    });

    it.each([
      ['a period below Kubernetes minimum of 10 s', 'csiDriver:\n  nodeAllocatableUpdatePeriodSeconds: 5\n'],
      ['a class without parameters', 'volumeAttributesClasses:\n  - name: empty\n'],
      [
        'a parameter name that is no CSP key',
        'volumeAttributesClasses:\n  - name: x\n    parameters: { "a.b": "1" }\n',
      ],
    ])('values.schema.json refuses %s (helm says so)', async (what, bad) => {
      const badFile = await helm.valuesFile(`bad-${what.replaceAll(' ', '-')}.yaml`, bad);
      expect(await helm.renderError({ valueFiles: [badFile] })).toContain(
        "values don't meet the specifications of the schema(s)",
      );
    });
  },
);
