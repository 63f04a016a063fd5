// Bad input for every field: INVALID_ARGUMENT (or the CSI-prescribed code) whose message names
// the field, and nothing created or changed on the array.
import { status } from '@grpc/grpc-js';
import type * as csi from '@opencsp/csi-driver';
import { isGrpcError, testNodeId } from '@opencsp/testbed/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendNames, GiB, type Scenario, startScenario } from './fixture.js';

describe.each(backendNames)('bad input (%s)', (backendName) => {
  let s: Scenario;
  let good: csi.CreateVolumeRequest;
  let volumeId: string;
  const mount = (mode: csi.AccessMode = 'SINGLE_NODE_WRITER', fsType = 'ext4'): csi.VolumeCapability => ({
    mount: { fsType, mountFlags: [] },
    accessMode: { mode },
  });

  beforeAll(async () => {
    s = await startScenario(backendName);
    good = await s.driver.kube.createVolumeRequest(s.sc, { name: 'x', namespace: 'ns', size: GiB }, 'pvc-good');
    const created = await s.driver.client.controller('CreateVolume', good);
    volumeId = created.volume?.volumeId as string;
  });
  afterAll(async () => {
    try {
      await s.driver.client.controller('DeleteVolume', { volumeId, secrets: s.backend.secrets });
      expect(await s.backend.audit()).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  // The call starts after the first audit, so that a rejection never waits for a handler.
  async function expectRejected(call: () => Promise<unknown>, field: string, code: number = status.INVALID_ARGUMENT) {
    const before = JSON.stringify(await s.backend.audit());
    const err = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGrpcError(err), `expected a gRPC error naming ${field}`).toBe(true);
    if (isGrpcError(err)) {
      expect(err.code, err.details).toBe(code);
      expect(err.details).toContain(field);
      expect(err.details).not.toContain(s.backend.secrets.password as string);
    }
    expect(JSON.stringify(await s.backend.audit())).toBe(before);
  }

  describe('CreateVolume rejects bad input without creating anything', () => {
    const cases: [string, (r: csi.CreateVolumeRequest) => csi.CreateVolumeRequest, string, number?][] = [
      ['missing name', (r) => ({ ...r, name: '' }), 'name'],
      ['name with a control character', (r) => ({ ...r, name: 'a\u0007b' }), 'name'],
      ['name too long', (r) => ({ ...r, name: 'a'.repeat(129) }), 'name'],
      ['no capabilities', (r) => ({ ...r, volumeCapabilities: [] }), 'volume_capabilities'],
      [
        'capability without access mode',
        (r) => ({ ...r, volumeCapabilities: [{ mount: { fsType: 'ext4' } }] }),
        'volume_capabilities[0].access_mode',
      ],
      [
        'capability without access type',
        (r) => ({ ...r, volumeCapabilities: [{ accessMode: { mode: 'SINGLE_NODE_WRITER' } }] }),
        'volume_capabilities[0]',
      ],
      [
        'unknown filesystem',
        (r) => ({ ...r, volumeCapabilities: [mount('SINGLE_NODE_WRITER', 'ntfs')] }),
        'volume_capabilities[0]',
      ],
      [
        'shared filesystem',
        (r) => ({ ...r, volumeCapabilities: [mount('MULTI_NODE_MULTI_WRITER')] }),
        'needs a block volume',
      ],
      ['negative size', (r) => ({ ...r, capacityRange: { requiredBytes: -1 } }), 'capacity_range.required_bytes'],
      ['negative limit', (r) => ({ ...r, capacityRange: { limitBytes: -1 } }), 'capacity_range.limit_bytes'],
      [
        'limit below required',
        (r) => ({ ...r, capacityRange: { requiredBytes: 2 * GiB, limitBytes: GiB } }),
        'capacity_range',
        status.OUT_OF_RANGE,
      ],
      ['missing backend', (r) => ({ ...r, secrets: { ...r.secrets, backend: '' } }), 'secrets.backend'],
      ['missing username', (r) => ({ ...r, secrets: { ...r.secrets, username: '' } }), 'secrets.username'],
      ['missing password', (r) => ({ ...r, secrets: { ...r.secrets, password: '' } }), 'secrets.password'],
      ['bad service port', (r) => ({ ...r, secrets: { ...r.secrets, servicePort: 'http' } }), 'secrets.servicePort'],
      ['bad secret key', (r) => ({ ...r, secrets: { ...r.secrets, 'bad key': 'x' } }), 'secrets'],
      ['bad fsOwner', (r) => ({ ...r, parameters: { ...r.parameters, fsOwner: 'root' } }), 'parameters.fsOwner'],
      ['bad fsMode', (r) => ({ ...r, parameters: { ...r.parameters, fsMode: '999' } }), 'parameters.fsMode'],
      [
        'other protocol',
        (r) => ({ ...r, parameters: { ...r.parameters, accessProtocol: 'nfs' } }),
        'parameters.accessProtocol',
      ],
      ['bad parameter name', (r) => ({ ...r, parameters: { ...r.parameters, 'x.y': '1' } }), 'parameters.x.y'],
      ['unknown CSP config key', (r) => ({ ...r, parameters: { ...r.parameters, bogusKey: '1' } }), 'config.bogus_key'],
      ['mutable parameters', (r) => ({ ...r, mutableParameters: { iops: '1' } }), 'mutable_parameters'],
      [
        'empty snapshot source',
        (r) => ({ ...r, volumeContentSource: { snapshot: { snapshotId: '' } } }),
        'volume_content_source.snapshot.snapshot_id',
      ],
      [
        'unknown snapshot source',
        (r) => ({ ...r, volumeContentSource: { snapshot: { snapshotId: 'nope' } } }),
        'volume_content_source.snapshot.snapshot_id',
        status.NOT_FOUND,
      ],
      [
        'unknown volume source',
        (r) => ({ ...r, volumeContentSource: { volume: { volumeId: 'nope' } } }),
        'volume_content_source.volume.volume_id',
        status.NOT_FOUND,
      ],
    ];
    for (const [what, mutate, field, code] of cases) {
      it(what, async () => {
        await expectRejected(
          () => s.driver.client.controller('CreateVolume', mutate({ ...good, name: 'pvc-bad' })),
          field,
          code,
        );
      });
    }
  });

  describe('other RPCs reject bad input', () => {
    it('names the field of every malformed request', async () => {
      const { client } = s.driver;
      const secrets = s.backend.secrets;
      const cap = mount();
      const node = testNodeId('worker-9');
      await expectRejected(() => client.controller('DeleteVolume', { volumeId: '', secrets }), 'volume_id');
      await expectRejected(() => client.controller('DeleteVolume', { volumeId, secrets: {} }), 'secrets.backend');
      await expectRejected(
        () =>
          client.controller('ControllerPublishVolume', { volumeId: '', nodeId: node, volumeCapability: cap, secrets }),
        'volume_id',
      );
      await expectRejected(
        () => client.controller('ControllerPublishVolume', { volumeId, nodeId: '', volumeCapability: cap, secrets }),
        'node_id',
      );
      await expectRejected(
        () => client.controller('ControllerPublishVolume', { volumeId, nodeId: node, secrets }),
        'volume_capability',
      );
      await expectRejected(
        () =>
          client.controller('ControllerPublishVolume', {
            volumeId,
            nodeId: node,
            volumeCapability: cap,
            secrets: { ...secrets, chapUser: 'u' },
          }),
        'secrets.chapPassword',
      );
      await expectRejected(
        () =>
          client.controller('ControllerPublishVolume', {
            volumeId,
            nodeId: node,
            volumeCapability: cap,
            secrets: { ...secrets, chapUser: 'u', chapPassword: 'short' },
          }),
        'secrets.chapPassword',
      );
      await expectRejected(
        () =>
          client.controller('ControllerPublishVolume', {
            volumeId,
            nodeId: 'not-a-node',
            volumeCapability: cap,
            secrets,
          }),
        'node_id',
        status.NOT_FOUND,
      );
      await expectRejected(
        () =>
          client.controller('ControllerPublishVolume', {
            volumeId: 'missing',
            nodeId: node,
            volumeCapability: cap,
            secrets,
          }),
        'volume missing',
        status.NOT_FOUND,
      );
      await expectRejected(
        () => client.controller('ControllerUnpublishVolume', { volumeId: '', nodeId: node, secrets }),
        'volume_id',
      );
      await expectRejected(
        () => client.controller('ValidateVolumeCapabilities', { volumeId, volumeCapabilities: [], secrets }),
        'volume_capabilities',
      );
      await expectRejected(
        () => client.controller('CreateSnapshot', { sourceVolumeId: '', name: 's', secrets }),
        'source_volume_id',
      );
      await expectRejected(
        () => client.controller('CreateSnapshot', { sourceVolumeId: volumeId, name: '', secrets }),
        'name',
      );
      await expectRejected(
        () => client.controller('CreateSnapshot', { sourceVolumeId: 'missing', name: 's', secrets }),
        'source_volume_id',
        status.NOT_FOUND,
      );
      await expectRejected(() => client.controller('DeleteSnapshot', { snapshotId: '', secrets }), 'snapshot_id');
      await expectRejected(() => client.controller('ControllerExpandVolume', { volumeId, secrets }), 'capacity_range');
      await expectRejected(
        () =>
          client.controller('ControllerExpandVolume', { volumeId: '', capacityRange: { requiredBytes: GiB }, secrets }),
        'volume_id',
      );
      await expectRejected(
        () =>
          client.controller('ControllerExpandVolume', {
            volumeId,
            capacityRange: { requiredBytes: GiB / 2, limitBytes: GiB / 2 },
            secrets,
          }),
        'volumes never shrink',
        status.OUT_OF_RANGE,
      );
      await expectRejected(() => client.controller('ControllerGetVolume', { volumeId: '' }), 'volume_id');
      await expectRejected(() => client.controller('ListVolumes', { maxEntries: -1 }), 'max_entries');
      await expectRejected(
        () => client.controller('ControllerModifyVolume', { volumeId: '', secrets, mutableParameters: { a: 'b' } }),
        'volume_id',
      );
      await expectRejected(
        () => client.controller('ControllerModifyVolume', { volumeId, secrets, mutableParameters: { 'x.y': '1' } }),
        'mutable_parameters.x.y',
      );
    });
  });
});
