// VolumeGroupSnapshots in the chart: off by default (no feature gate, no groupsnapshot RBAC, no
// class, no node flag); sidecars.snapshotter.volumeGroupSnapshots turns on csi-snapshotter's
// CSIVolumeGroupSnapshot gate (the flag v8.5.0's --help lists), grants it the groupsnapshot.storage.k8s.io
// objects, and has the node plugin advertise GROUP_CONTROLLER_SERVICE; volumeGroupSnapshotClasses
// renders classes with the group snapshotter secret.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, ciValuesDir, findAll, findOne, Helm, type RenderResult } from '../../src/chart/helm.js';
import { container, flag, podSpec } from './pods.js';

const missing = await chartToolchain('chart group snapshot tests');
const gate = '--feature-gates=CSIVolumeGroupSnapshot=true';

function groupRules(result: RenderResult): unknown[] {
  const role = findOne(result, 'ClusterRole', 'opencsp-snapshotter');
  return (role.rules as Array<{ apiGroups: string[] }>).filter((r) =>
    r.apiGroups.includes('groupsnapshot.storage.k8s.io'),
  );
}

describe.skipIf(missing !== undefined)(`chart: volume group snapshots (${missing ?? 'rendered'})`, () => {
  let helm: Helm;
  let defaults: RenderResult;
  let both: RenderResult;
  beforeAll(async () => {
    helm = await Helm.start();
    defaults = await helm.render({ namespace: 'storage-system' });
    both = await helm.render({ valueFiles: [join(ciValuesDir, 'both-csps-values.yaml')], namespace: 'storage-system' });
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it('is off by default', () => {
    const controller = podSpec(findOne(defaults, 'Deployment', 'opencsp-controller'));
    expect(container(controller, 'csi-snapshotter').args).not.toContain(gate);
    expect(flag(container(controller, 'csi-driver'), 'group-snapshots')).toBeUndefined();
    expect(groupRules(defaults)).toEqual([]);
    expect(findAll(defaults, 'VolumeGroupSnapshotClass')).toEqual([]);
    const node = container(podSpec(findOne(defaults, 'DaemonSet', 'opencsp-node')), 'csi-driver');
    expect(flag(node, 'group-snapshots')).toBeUndefined();
  });

  it('turns on the snapshotter gate, its RBAC, the node flag and the classes', () => {
    const controller = podSpec(findOne(both, 'Deployment', 'opencsp-controller'));
    expect(container(controller, 'csi-snapshotter').args).toContain(gate);
    expect(flag(container(controller, 'csi-driver'), 'group-snapshots')).toBe('true');
    expect(groupRules(both)).toEqual([
      {
        apiGroups: ['groupsnapshot.storage.k8s.io'],
        resources: ['volumegroupsnapshotclasses'],
        verbs: ['get', 'list', 'watch'],
      },
      {
        apiGroups: ['groupsnapshot.storage.k8s.io'],
        resources: ['volumegroupsnapshotcontents'],
        verbs: ['get', 'list', 'watch', 'update', 'patch'],
      },
      {
        apiGroups: ['groupsnapshot.storage.k8s.io'],
        resources: ['volumegroupsnapshotcontents/status'],
        verbs: ['update', 'patch'],
      },
    ]);
    const node = container(podSpec(findOne(both, 'DaemonSet', 'opencsp-node')), 'csi-driver');
    expect(flag(node, 'group-snapshots')).toBe('true');
    const cls = findOne(both, 'VolumeGroupSnapshotClass', 'truenas-group-snapshots');
    expect(cls.apiVersion).toBe('groupsnapshot.storage.k8s.io/v1beta2');
    expect(cls.driver).toBe('csi.opencsp.io');
    expect(cls.deletionPolicy).toBe('Delete');
    expect(cls.metadata.annotations).toEqual({ 'groupsnapshot.storage.kubernetes.io/is-default-class': 'true' });
    expect(cls.parameters).toEqual({
      'csi.storage.k8s.io/group-snapshotter-secret-name': 'truenas-backend',
      'csi.storage.k8s.io/group-snapshotter-secret-namespace': 'storage-system',
    });
  });
});
