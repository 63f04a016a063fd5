// ControllerModifyVolume and CreateVolume's mutable_parameters (VolumeAttributesClass) over the
// real socket, against each CSP: the change reaches the array (read back through
// ControllerGetVolume, whose context carries the CSP's effective config), retries and concurrent
// duplicates change it once, and unknown, immutable or driver-owned keys are INVALID_ARGUMENT
// naming the key with nothing changed. Each ends with an empty leak audit.
import { status } from '@grpc/grpc-js';
import { isGrpcError } from '@opencsp/testbed/harness';
import { describe, expect, it } from 'vitest';
import { type BackendName, backendNames, GiB, type Scenario, scenarioPerTest } from './fixture.js';

interface ModifyCase {
  /** A mutable parameter, its StorageClass value and the value a VolumeAttributesClass sets. */
  key: string;
  from: string;
  to: string;
  /** A parameter fixed at create, with another value than the volume has. */
  immutable: Record<string, string>;
  /** A value the CSP refuses for `key` (its 400 names `body.config.<key>`). */
  badValue?: string;
}

const cases: Record<BackendName, ModifyCase> = {
  memory: { key: 'tier', from: 'gold', to: 'silver', immutable: { layout: 'striped' } },
  truenas: { key: 'compression', from: 'LZ4', to: 'ZSTD', immutable: { volblocksize: '64K' }, badValue: 'NOPE' },
  synology: { key: 'spaceReclamation', from: 'true', to: 'false', immutable: { lunType: 'FILE' }, badValue: 'maybe' },
};

async function failure(promise: Promise<unknown>): Promise<{ code: number | string; details: string }> {
  try {
    await promise;
    return { code: 'OK', details: '' };
  } catch (err) {
    if (isGrpcError(err)) {
      return { code: err.code, details: err.details };
    }
    throw err;
  }
}

describe.each(backendNames)('ControllerModifyVolume (%s)', (backendName) => {
  const c = cases[backendName];
  let s: Scenario;
  scenarioPerTest(backendName, { defaultSecret: true }, (started) => {
    s = started;
  });

  const current = async (volumeId: string) => {
    const got = await s.driver.client.controller('ControllerGetVolume', { volumeId });
    return got.volume?.volumeContext?.[c.key]?.toLowerCase();
  };

  it('advertises MODIFY_VOLUME and changes a live volume idempotently, once under concurrent duplicates', async () => {
    const { kube, client } = s.driver;
    const caps = await client.controller('ControllerGetCapabilities', {});
    expect(caps.capabilities.map((x) => x.rpc?.type)).toContain('MODIFY_VOLUME');
    const sc = { ...s.sc, parameters: { ...s.sc.parameters, [c.key]: c.from } };
    const pv = await kube.provisionPvc(sc, { name: 'modify', namespace: 'ns', size: GiB });
    expect(await current(pv.volumeHandle)).toBe(c.from.toLowerCase());
    const request = { volumeId: pv.volumeHandle, secrets: s.backend.secrets, mutableParameters: { [c.key]: c.to } };
    expect(await client.controller('ControllerModifyVolume', request)).toEqual({});
    expect(await current(pv.volumeHandle)).toBe(c.to.toLowerCase());
    expect(await client.controller('ControllerModifyVolume', request)).toEqual({});
    const back = { ...request, mutableParameters: { [c.key]: c.from } };
    const racing = await Promise.all([1, 2, 3].map(() => failure(client.controller('ControllerModifyVolume', back))));
    expect(racing.every((r) => r.code === 'OK' || r.code === status.ABORTED)).toBe(true);
    expect(racing.some((r) => r.code === 'OK')).toBe(true);
    expect(await current(pv.volumeHandle)).toBe(c.from.toLowerCase());
    // Without secrets the driver finds the volume through its default credentials.
    expect(await client.controller('ControllerModifyVolume', { ...request, secrets: {} })).toEqual({});
    expect(await current(pv.volumeHandle)).toBe(c.to.toLowerCase());
    await kube.deletePv(pv);
  });

  it('refuses unknown, immutable and driver-owned keys naming them, and changes nothing', async () => {
    const { kube, client } = s.driver;
    const sc = { ...s.sc, parameters: { ...s.sc.parameters, [c.key]: c.from } };
    const pv = await kube.provisionPvc(sc, { name: 'refuse', namespace: 'ns', size: GiB });
    const modify = (mutableParameters: Record<string, string>, volumeId = pv.volumeHandle) =>
      failure(client.controller('ControllerModifyVolume', { volumeId, secrets: s.backend.secrets, mutableParameters }));
    const [immutableKey] = Object.keys(c.immutable);
    const refusals: Array<[Record<string, string>, string]> = [
      [{ XXX_FakeKey: 'XXX_FakeValue' }, 'mutable_parameters.XXX_FakeKey'],
      [{ [c.key]: c.to, ...c.immutable }, `mutable_parameters.${immutableKey}`],
      [{ fsType: 'xfs' }, 'mutable_parameters.fsType'],
      [{ accessProtocol: 'nvmetcp' }, 'mutable_parameters.accessProtocol'],
      ...(c.badValue
        ? [[{ [c.key]: c.badValue }, `mutable_parameters.${c.key}`] as [Record<string, string>, string]]
        : []),
    ];
    for (const [params, field] of refusals) {
      const refused = await modify(params);
      expect(refused.code).toBe(status.INVALID_ARGUMENT);
      expect(refused.details).toContain(field);
    }
    expect(await current(pv.volumeHandle)).toBe(c.from.toLowerCase());
    expect((await modify({ [c.key]: c.to }, '')).code).toBe(status.INVALID_ARGUMENT);
    expect((await modify({ [c.key]: c.to }, 'non-existing-volume-id')).code).toBe(status.NOT_FOUND);
    await kube.deletePv(pv);
  });

  it('applies mutable_parameters at create and refuses keys the CSP cannot change', async () => {
    const { kube, client } = s.driver;
    const request = await kube.createVolumeRequest(s.sc, { name: 'vac', namespace: 'ns', size: GiB }, 'pvc-vac');
    const bad = await failure(
      client.controller('CreateVolume', { ...request, mutableParameters: { XXX_FakeKey: 'XXX_FakeValue' } }),
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('mutable_parameters.XXX_FakeKey');
    const immutable = await failure(client.controller('CreateVolume', { ...request, mutableParameters: c.immutable }));
    expect(immutable.code).toBe(status.INVALID_ARGUMENT);
    expect(await s.backend.volumeCount()).toBe(0);
    const created = await client.controller('CreateVolume', { ...request, mutableParameters: { [c.key]: c.to } });
    const volumeId = created.volume?.volumeId as string;
    expect(await current(volumeId)).toBe(c.to.toLowerCase());
    await client.controller('DeleteVolume', { volumeId, secrets: s.backend.secrets });
  });
});
