// The controller's half of NVMe/TCP (accessProtocol: nvmetcp) against every CSP: a CSP that
// offers it creates and publishes with the node's NQN and answers the subsystem, namespace and
// portals; a node without an NQN, a CSP without nvmetcp, an unknown protocol, a malformed DH-CHAP
// key or a protocol change of an existing volume are refused before anything changes on the array.
import { status } from '@grpc/grpc-js';
import { formatNodeId } from '@opencsp/csi-driver';
import { isGrpcError, storageClass, testNodeId } from '@opencsp/testbed/harness';
import { describe, expect, it } from 'vitest';
import { backendNames, GiB, type Scenario, scenarioPerTest, secretRef } from './fixture.js';

const nqn = 'nqn.2014-08.org.nvmexpress:uuid:2b6f0c34-5f0e-4d8b-9a51-3c7e1f0a9d22';
const key = `DHHC-1:00:${Buffer.alloc(36, 7).toString('base64')}:`;
const ctrlKey = `DHHC-1:00:${Buffer.alloc(36, 8).toString('base64')}:`;

function nvmeNode(hostname: string): string {
  return formatNodeId({
    hostname,
    iqns: [`iqn.1993-08.org.debian:01:${hostname}`],
    nqns: [nqn],
    networks: ['127.0.0.1/8'],
  });
}

async function rejection(call: () => Promise<unknown>): Promise<{ code: number; details: string }> {
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isGrpcError(err)) {
    throw new Error(`expected a gRPC error, got ${JSON.stringify(err)}`);
  }
  return { code: err.code, details: err.details };
}

describe.each(backendNames)('NVMe/TCP through the controller (%s)', (backendName) => {
  let s: Scenario;
  scenarioPerTest(backendName, {}, (started) => {
    s = started;
  });

  const nvmeClass = (name = `${backendName}-nvme`, ref = secretRef) =>
    storageClass(name, ref, {
      'csi.storage.k8s.io/fstype': 'ext4',
      ...s.backend.parameters,
      accessProtocol: 'nvmetcp',
    });

  it('refuses an access protocol nobody implements, naming the parameter', async () => {
    const sc = storageClass(`${backendName}-fc`, secretRef, { ...s.backend.parameters, accessProtocol: 'fc' });
    const err = await rejection(() => s.driver.kube.provisionPvc(sc, { name: 'fc', namespace: 'ns', size: GiB }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('accessProtocol');
    expect(await s.backend.volumeCount()).toBe(0);
  });

  if (backendName === 'synology') {
    it('a CSP that does not offer nvmetcp: CreateVolume is INVALID_ARGUMENT and nothing is created', async () => {
      const err = await rejection(() =>
        s.driver.kube.provisionPvc(nvmeClass(), { name: 'nvme', namespace: 'ns', size: GiB }),
      );
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/accessProtocol.*nvmetcp/);
      expect(await s.backend.volumeCount()).toBe(0);
    });
    return;
  }

  it('publishes to the node by its NQN; a node without one is FAILED_PRECONDITION with nothing changed', async () => {
    const pv = await s.driver.kube.provisionPvc(nvmeClass(), { name: 'nvme', namespace: 'ns', size: GiB });
    expect(pv.volumeAttributes).toMatchObject({ accessProtocol: 'nvmetcp' });

    const before = JSON.stringify(await s.backend.audit());
    const refused = await rejection(() => s.driver.kube.attach(pv, testNodeId('iscsi-only')));
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(refused.details).toMatch(/NVMe host NQN.*nvme-cli/);
    expect(JSON.stringify(await s.backend.audit())).toBe(before);
    expect(await s.backend.host('iscsi-only')).toBeUndefined();

    const node = nvmeNode('worker-nvme');
    const context = await s.driver.kube.attach(pv, node);
    expect(context).toMatchObject({ accessProtocol: 'nvmetcp', lunId: '1', dhchap: 'none' });
    expect(context.targetNames).toMatch(/^nqn\.\d{4}-\d{2}\.\S+$/);
    expect(context.serialNumber).toMatch(/^[0-9a-f]{32}$/);
    expect(context.discoveryIps?.split(',').length).toBeGreaterThan(0);
    expect(await s.backend.initiatorsOf(pv.volumeHandle)).toEqual([nqn]);
    expect(await s.backend.host('worker-nvme')).toMatchObject({ nqns: [nqn] });
    // Publishing again answers the same attachment.
    expect(await s.driver.kube.attach(pv, node)).toEqual(context);

    // The name is taken by an nvmetcp volume: an iSCSI request for it is incompatible.
    const iscsi = storageClass(`${backendName}-iscsi`, secretRef, {
      'csi.storage.k8s.io/fstype': 'ext4',
      ...s.backend.parameters,
    });
    const request = await s.driver.kube.createVolumeRequest(
      iscsi,
      { name: 'nvme', namespace: 'ns', size: GiB },
      pv.name,
    );
    const taken = await rejection(() => s.driver.client.controller('CreateVolume', request));
    expect(taken.code).toBe(status.ALREADY_EXISTS);
    expect(taken.details).toContain('access protocol');

    await s.driver.kube.detach(pv, node);
    expect(await s.backend.initiatorsOf(pv.volumeHandle)).toEqual([]);
    await s.driver.kube.deletePv(pv);
    await s.backend.removeHost('worker-nvme');
  });

  it('DH-CHAP keys go to the CSP host, never into the publish context; malformed keys are refused', async () => {
    const badRef = { name: 'csp-bad-dhchap', namespace: secretRef.namespace };
    s.driver.kube.addSecret(badRef, { ...s.backend.secrets, dhchapKey: 'DHHC-1:00:short:' });
    const pv = await s.driver.kube.provisionPvc(nvmeClass(`${backendName}-nvme-bad`, badRef), {
      name: 'bad',
      namespace: 'ns',
      size: GiB,
    });
    const bad = await rejection(() => s.driver.kube.attach(pv, nvmeNode('worker-bad')));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('dhchapKey');
    expect(bad.details).not.toContain('short');
    expect(await s.backend.host('worker-bad')).toBeUndefined();
    await s.driver.kube.deletePv(pv);

    const ref = { name: 'csp-dhchap', namespace: secretRef.namespace };
    s.driver.kube.addSecret(ref, { ...s.backend.secrets, dhchapKey: key, dhchapCtrlKey: ctrlKey });
    const secured = await s.driver.kube.provisionPvc(nvmeClass(`${backendName}-nvme-auth`, ref), {
      name: 'auth',
      namespace: 'ns',
      size: GiB,
    });
    const node = nvmeNode('worker-auth');
    const context = await s.driver.kube.attach(secured, node);
    expect(context.dhchap).toBe('bidirectional');
    expect(JSON.stringify(context)).not.toContain(key.slice(10, 30));
    expect(JSON.stringify(context)).not.toContain(ctrlKey.slice(10, 30));
    await s.driver.kube.detach(secured, node);
    await s.driver.kube.deletePv(secured);
    await s.backend.removeHost('worker-auth');
  });
});
