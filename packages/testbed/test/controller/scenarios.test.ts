// Harness scenarios over the real socket: every RPC twice, concurrent duplicates, a CSP restart
// that loses every token, array errors mapped to gRPC codes. Each ends with an empty leak audit.
import { status } from '@grpc/grpc-js';
import { type CreateFault, isGrpcError, testNodeId } from '@opencsp/testbed/harness';
import { describe, expect, it } from 'vitest';
import { backendNames, codeOf, GiB, type Scenario, scenarioPerTest } from './fixture.js';

/** The gRPC code external-provisioner sees for each contract reason. */
const codeForFault: Record<CreateFault, number> = {
  OUT_OF_SPACE: status.RESOURCE_EXHAUSTED,
  LIMIT_EXCEEDED: status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL: status.INTERNAL,
  INVALID_INPUT: status.INVALID_ARGUMENT,
  NAME_TAKEN: status.ALREADY_EXISTS,
  NOT_IMPLEMENTED: status.UNIMPLEMENTED,
};

describe.each(backendNames)('controller scenarios (%s)', (backendName) => {
  let s: Scenario;
  scenarioPerTest(backendName, { defaultSecret: true }, (started) => {
    s = started;
  });

  it('answers every RPC the same way when it is sent twice', async () => {
    const { kube, client } = s.driver;
    const node = testNodeId('worker-2');
    const request = await kube.createVolumeRequest(s.sc, { name: 'twice', namespace: 'ns', size: GiB }, 'pvc-twice');
    const first = await client.controller('CreateVolume', request);
    const second = await client.controller('CreateVolume', request);
    expect(second).toEqual(first);
    const volumeId = first.volume?.volumeId as string;
    const secrets = s.backend.secrets;
    const capability = request.volumeCapabilities?.[0];
    const publish = {
      volumeId,
      nodeId: node,
      volumeCapability: capability,
      readonly: false,
      secrets,
      volumeContext: first.volume?.volumeContext,
    };
    expect(await client.controller('ControllerPublishVolume', publish)).toEqual(
      await client.controller('ControllerPublishVolume', publish),
    );
    const snap = { sourceVolumeId: volumeId, name: 'snapshot-twice', secrets, parameters: {} };
    const snap1 = await client.controller('CreateSnapshot', snap);
    expect(await client.controller('CreateSnapshot', snap)).toEqual(snap1);
    const expand = { volumeId, capacityRange: { requiredBytes: 2 * GiB }, secrets, volumeCapability: capability };
    expect(await client.controller('ControllerExpandVolume', expand)).toEqual(
      await client.controller('ControllerExpandVolume', expand),
    );
    for (const method of ['ListVolumes', 'ControllerGetCapabilities'] as const) {
      expect(await client.controller(method, {})).toEqual(await client.controller(method, {}));
    }
    const get = { volumeId };
    expect(await client.controller('ControllerGetVolume', get)).toEqual(
      await client.controller('ControllerGetVolume', get),
    );
    const unpublish = { volumeId, nodeId: node, secrets };
    await client.controller('ControllerUnpublishVolume', unpublish);
    await client.controller('ControllerUnpublishVolume', unpublish);
    const deleteSnap = { snapshotId: snap1.snapshot?.snapshotId as string, secrets };
    await client.controller('DeleteSnapshot', deleteSnap);
    await client.controller('DeleteSnapshot', deleteSnap);
    await client.controller('DeleteVolume', { volumeId, secrets });
    await client.controller('DeleteVolume', { volumeId, secrets });
    await s.backend.removeHost('worker-2');
  });

  it('refuses a concurrent duplicate with ABORTED and creates one volume', async () => {
    const { kube, client } = s.driver;
    const request = await kube.createVolumeRequest(s.sc, { name: 'dup', namespace: 'ns', size: GiB }, 'pvc-dup');
    const codes = await Promise.all(
      Array.from({ length: 6 }, () => codeOf(client.controller('CreateVolume', request))),
    );
    expect(codes).toContain('OK');
    expect(codes.every((c) => c === 'OK' || c === status.ABORTED)).toBe(true);
    expect(await s.backend.volumeCount()).toBe(1);
    // The sidecar's retry of an ABORTED call then sees the finished volume.
    const { volume } = await client.controller('CreateVolume', request);
    await client.controller('DeleteVolume', { volumeId: volume?.volumeId as string, secrets: s.backend.secrets });
  });

  it('logs in again when the CSP restarts and forgets every token', async () => {
    const { kube } = s.driver;
    const pv = await kube.provisionPvc(s.sc, { name: 'before', namespace: 'ns', size: GiB });
    const logins = s.backend.arrayLogins();
    await s.backend.restart();
    const node = testNodeId('worker-3');
    await kube.attach(pv, node);
    expect(s.backend.arrayLogins()).toBe(logins + 1);
    await kube.detach(pv, node);
    await kube.deletePv(pv);
    await s.backend.removeHost('worker-3');
  });

  it('maps array failures to the gRPC codes the sidecars act on', async () => {
    const { kube, client } = s.driver;
    expect(s.backend.createFaults.length).toBeGreaterThan(2);
    for (const fault of s.backend.createFaults) {
      s.backend.failNextCreate(fault);
      const request = await kube.createVolumeRequest(s.sc, { name: 'err', namespace: 'ns', size: GiB }, 'pvc-err');
      const err = await client.controller('CreateVolume', request).catch((e: unknown) => e);
      expect(isGrpcError(err) && err.code, `${fault}: ${String(err)}`).toBe(codeForFault[fault]);
      expect(isGrpcError(err) && err.details).toContain('createVolume: CSP answered');
      expect(await s.backend.audit(), `${fault} left something behind`).toEqual([]);
    }
    const pv = await kube.provisionPvc(s.sc, { name: 'deps', namespace: 'ns', size: GiB });
    const snap = await kube.snapshot(pv, s.vsc);
    const blocked = await codeOf(
      client.controller('DeleteVolume', { volumeId: pv.volumeHandle, secrets: s.backend.secrets }),
    );
    expect(blocked).toBe(status.FAILED_PRECONDITION);
    const restored = await kube.restore(snap, s.sc, { name: 'from-snap', namespace: 'ns', size: GiB });
    const dependents = await codeOf(
      client.controller('DeleteSnapshot', { snapshotId: snap.snapshotHandle, secrets: s.backend.secrets }),
    );
    // csp-truenas and csp-synology claim snapshot_delete_with_clones (snapshot-with-clone.test.ts).
    expect(dependents).toBe(backendName === 'memory' ? status.FAILED_PRECONDITION : 'OK');
    await kube.deletePv(restored);
    const wrongPassword = { ...s.backend.secrets, username: 'other' };
    const denied = await codeOf(
      client.controller('DeleteSnapshot', { snapshotId: snap.snapshotHandle, secrets: wrongPassword }),
    );
    expect(denied).toBe(status.UNAUTHENTICATED);
    await kube.deleteSnapshot(snap);
    await kube.deletePv(pv);
  });

  it('reports unreachable CSPs as UNAVAILABLE and the harness retries them', async () => {
    const { kube } = s.driver;
    s.backend.failNextCreate('UNAVAILABLE');
    const pv = await kube.provisionPvc(s.sc, { name: 'retry', namespace: 'ns', size: GiB });
    expect(await s.backend.volumeCount()).toBe(1);
    await kube.deletePv(pv);
  });

  it('lists the nodes a volume is published to, from the array, in ListVolumes and ControllerGetVolume', async () => {
    const { kube, client } = s.driver;
    const caps = await client.controller('ControllerGetCapabilities', {});
    const types = caps.capabilities.map((c) => c.rpc?.type);
    expect(types).toContain('LIST_VOLUMES_PUBLISHED_NODES');
    const pv = await kube.provisionPvc(s.sc, { name: 'nodes', namespace: 'ns', size: GiB });
    const [one, two] = [testNodeId('worker-3'), testNodeId('worker-4')];
    await kube.attach(pv, one);
    await kube.attach(pv, two, true);
    const published = async () => {
      const list = await client.controller('ListVolumes', {});
      const entry = list.entries.find((e) => e.volume?.volumeId === pv.volumeHandle);
      const got = await client.controller('ControllerGetVolume', { volumeId: pv.volumeHandle });
      const fromGet = [...(got.status?.publishedNodeIds ?? [])].sort();
      const fromList = [...(entry?.status?.publishedNodeIds ?? [])].sort();
      expect(fromGet).toEqual(fromList);
      return fromList;
    };
    expect(await published()).toEqual([one, two].sort());
    await kube.detach(pv, one);
    expect(await published()).toEqual([two]);
    await kube.detach(pv, two);
    expect(await published()).toEqual([]);
    await kube.deletePv(pv);
    await s.backend.removeHost('worker-3');
    await s.backend.removeHost('worker-4');
  });

  it('lists volumes and snapshots page by page and reports capacity and volume condition', async () => {
    const { kube, client } = s.driver;
    const pvs = [];
    for (let i = 0; i < 5; i++) {
      pvs.push(await kube.provisionPvc(s.sc, { name: `list-${i}`, namespace: 'ns', size: GiB }));
    }
    const seen: string[] = [];
    let token = '';
    do {
      const page = await client.controller('ListVolumes', { maxEntries: 2, startingToken: token });
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries.map((e) => e.volume?.volumeId as string));
      token = page.nextToken;
    } while (token);
    expect(seen.sort()).toEqual(pvs.map((p) => p.volumeHandle).sort());
    const [first, second] = pvs;
    if (!first || !second) {
      throw new Error('expected five volumes');
    }
    const snaps = [await kube.snapshot(first, s.vsc), await kube.snapshot(first, s.vsc)];
    const listed = await client.controller('ListSnapshots', { sourceVolumeId: first.volumeHandle, maxEntries: 1 });
    expect(listed.entries).toHaveLength(1);
    expect(listed.nextToken).not.toBe('');
    const rest = await client.controller('ListSnapshots', {
      sourceVolumeId: first.volumeHandle,
      startingToken: listed.nextToken,
    });
    expect([...listed.entries, ...rest.entries].map((e) => e.snapshot?.snapshotId).sort()).toEqual(
      snaps.map((c) => c.snapshotHandle).sort(),
    );
    const capacity = await client.controller('GetCapacity', { parameters: s.backend.parameters });
    expect(capacity.availableCapacity).toBeGreaterThan(0);
    const got = await client.controller('ControllerGetVolume', { volumeId: second.volumeHandle });
    expect(got.status?.volumeCondition).toEqual({ abnormal: false, message: 'ok' });
    const bad = await codeOf(client.controller('ListVolumes', { startingToken: 'not-a-token' }));
    expect(bad).toBe(status.ABORTED);
    for (const snap of snaps) {
      await kube.deleteSnapshot(snap);
    }
    for (const pv of pvs) {
      await kube.deletePv(pv);
    }
  });
});
