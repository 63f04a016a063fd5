// VolumeGroupSnapshots through the GroupController: two PVCs of a StorageClass with
// `volumeGroup` are snapshotted as one group, both are restored from the group's snapshots, and
// everything is deleted again; refusals (a volume set that is not the group, a volume in no group,
// wrong snapshot ids, a clone still using a member) change nothing. Every case ends with an empty
// leak audit of the array. csp-synology claims no snapshot groups: there the service is not
// advertised and a group snapshot is FAILED_PRECONDITION with nothing created.
import { status } from '@grpc/grpc-js';
import { snapshotContent, storageClass } from '@opencsp/testbed/harness';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf, GiB, type Scenario, scenarioPerTest, secretRef, startScenario } from './fixture.js';

async function pluginServices(s: Scenario): Promise<string[]> {
  const caps = await s.driver.client.identity('GetPluginCapabilities', {});
  return caps.capabilities.flatMap((c) => (c.service ? [c.service.type] : []));
}

describe.each(['memory', 'truenas'] as const)('volume group snapshots (%s)', (backendName) => {
  let s: Scenario;
  scenarioPerTest(backendName, { defaultSecret: true }, (started) => {
    s = started;
  });

  it('snapshots two PVCs as one group, restores both, and deletes everything', async () => {
    const { kube, client } = s.driver;
    const secrets = s.backend.secrets;
    const grouped = storageClass('grouped', secretRef, { ...s.sc.parameters, volumeGroup: 'app' });
    expect(await pluginServices(s)).toContain('GROUP_CONTROLLER_SERVICE');
    const caps = await client.groupController('GroupControllerGetCapabilities', {});
    expect(caps.capabilities.map((c) => c.rpc?.type)).toEqual(['CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT']);

    const db = await kube.provisionPvc(grouped, { name: 'db', namespace: 'app', size: GiB });
    const log = await kube.provisionPvc(grouped, { name: 'log', namespace: 'app', size: GiB });
    const lone = await kube.provisionPvc(s.sc, { name: 'lone', namespace: 'app', size: GiB });
    const ids = [db.volumeHandle, log.volumeHandle];
    const request = { name: 'groupsnapshot-app', sourceVolumeIds: ids, secrets, parameters: {} };

    const partial = client.groupController('CreateVolumeGroupSnapshot', {
      ...request,
      sourceVolumeIds: [db.volumeHandle],
    });
    expect(await codeOf(partial)).toBe(status.INVALID_ARGUMENT);
    const ungrouped = { ...request, sourceVolumeIds: [lone.volumeHandle] };
    expect(await codeOf(client.groupController('CreateVolumeGroupSnapshot', ungrouped))).toBe(status.INVALID_ARGUMENT);
    const withLone = { ...request, sourceVolumeIds: [...ids, lone.volumeHandle] };
    expect(await codeOf(client.groupController('CreateVolumeGroupSnapshot', withLone))).toBe(status.INVALID_ARGUMENT);

    const first = await client.groupController('CreateVolumeGroupSnapshot', request);
    const again = await client.groupController('CreateVolumeGroupSnapshot', request);
    expect(again).toEqual(first);
    const group = first.groupSnapshot;
    expect(group?.readyToUse).toBe(true);
    expect(group?.snapshots.map((snap) => snap.sourceVolumeId).sort()).toEqual([...ids].sort());
    expect(group?.snapshots.every((snap) => snap.groupSnapshotId === group.groupSnapshotId)).toBe(true);
    const groupSnapshotId = group?.groupSnapshotId as string;
    const snapshotIds = group?.snapshots.map((snap) => snap.snapshotId) ?? [];
    const got = await client.groupController('GetVolumeGroupSnapshot', { groupSnapshotId, snapshotIds, secrets });
    expect(got.groupSnapshot?.snapshots.map((snap) => snap.snapshotId).sort()).toEqual([...snapshotIds].sort());
    const wrongIds = { groupSnapshotId, snapshotIds: [snapshotIds[0] as string], secrets };
    expect(await codeOf(client.groupController('GetVolumeGroupSnapshot', wrongIds))).toBe(status.INVALID_ARGUMENT);
    const otherName = { ...request, sourceVolumeIds: [ids[1] as string, ids[0] as string], name: 'groupsnapshot-2' };
    const second = await client.groupController('CreateVolumeGroupSnapshot', otherName);

    const restored = [];
    for (const snap of group?.snapshots ?? []) {
      const content = snapshotContent(`snapcontent-${snap.snapshotId}`, snap, s.vsc);
      restored.push(
        await kube.restore(content, s.sc, { name: `restored-${restored.length}`, namespace: 'app', size: GiB }),
      );
    }
    expect(restored).toHaveLength(2);

    const del = { groupSnapshotId, snapshotIds, secrets };
    expect(await codeOf(client.groupController('DeleteVolumeGroupSnapshot', del))).toBe(status.FAILED_PRECONDITION);
    expect((await client.groupController('GetVolumeGroupSnapshot', del)).groupSnapshot?.snapshots).toHaveLength(2);
    for (const pv of restored) {
      await kube.deletePv(pv);
    }
    await client.groupController('DeleteVolumeGroupSnapshot', del);
    await client.groupController('DeleteVolumeGroupSnapshot', del);
    expect(await codeOf(client.groupController('GetVolumeGroupSnapshot', del))).toBe(status.NOT_FOUND);
    const secondId = second.groupSnapshot?.groupSnapshotId as string;
    await client.groupController('DeleteVolumeGroupSnapshot', { groupSnapshotId: secondId, snapshotIds: [], secrets });
    for (const pv of [db, log, lone]) {
      await kube.deletePv(pv);
    }
  });

  it('refuses bad group requests with INVALID_ARGUMENT and treats unknown ids as CSI says', async () => {
    const { client } = s.driver;
    const secrets = s.backend.secrets;
    const noName = { name: '', sourceVolumeIds: ['x'], secrets, parameters: {} };
    expect(await codeOf(client.groupController('CreateVolumeGroupSnapshot', noName))).toBe(status.INVALID_ARGUMENT);
    const noIds = { name: 'g', sourceVolumeIds: [], secrets, parameters: {} };
    expect(await codeOf(client.groupController('CreateVolumeGroupSnapshot', noIds))).toBe(status.INVALID_ARGUMENT);
    const unknown = { name: 'g', sourceVolumeIds: ['no-such-volume'], secrets, parameters: {} };
    expect(await codeOf(client.groupController('CreateVolumeGroupSnapshot', unknown))).toBe(status.NOT_FOUND);
    const get = { groupSnapshotId: '', snapshotIds: [], secrets };
    expect(await codeOf(client.groupController('GetVolumeGroupSnapshot', get))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(client.groupController('DeleteVolumeGroupSnapshot', get))).toBe(status.INVALID_ARGUMENT);
    const missing = { groupSnapshotId: 'no-such-group@snap', snapshotIds: [], secrets };
    expect(await codeOf(client.groupController('GetVolumeGroupSnapshot', missing))).toBe(status.NOT_FOUND);
    expect(await codeOf(client.groupController('DeleteVolumeGroupSnapshot', missing))).toBe('OK');
  });
});

describe('volume group snapshots on a CSP without snapshot groups (synology)', () => {
  let s: Scenario;
  beforeEach(async () => {
    s = await startScenario('synology', { defaultSecret: true });
  });
  afterEach(async () => {
    try {
      expect(await s.backend.audit()).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it('does not advertise the GroupController and refuses a group snapshot without creating anything', async () => {
    const { kube, client } = s.driver;
    const secrets = s.backend.secrets;
    expect(await pluginServices(s)).not.toContain('GROUP_CONTROLLER_SERVICE');
    const pv = await kube.provisionPvc(s.sc, { name: 'one', namespace: 'app', size: GiB });
    const request = { name: 'groupsnapshot-x', sourceVolumeIds: [pv.volumeHandle], secrets, parameters: {} };
    expect(await codeOf(client.groupController('CreateVolumeGroupSnapshot', request))).toBe(status.FAILED_PRECONDITION);
    const grouped = storageClass('grouped', secretRef, { ...s.sc.parameters, volumeGroup: 'app' });
    const refused = kube.createVolumeRequest(grouped, { name: 'g', namespace: 'app', size: GiB }, 'pvc-grouped');
    expect(await codeOf(client.controller('CreateVolume', await refused))).toBe(status.FAILED_PRECONDITION);
    await kube.deletePv(pv);
  });
});
