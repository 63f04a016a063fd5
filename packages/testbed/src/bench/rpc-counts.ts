// Array calls and rows for one of each controller RPC, made through the driver (gRPC → CSP →
// simulator) exactly as the sidecars make them. Run on an array holding a few objects and on one
// holding thousands, the figures must be the same: a lookup that reads a whole collection shows
// up as rows that grow with the array. Shared by `pnpm bench` (scale) and the scale test.
import type * as csi from '@opencsp/csi-driver';
import {
  CsiClient,
  KubeHarness,
  type SecretRef,
  startDriverFixture,
  storageClass,
  testNodeId,
  type VolumeSnapshotClass,
} from '../harness/index.js';
import { type ArrayStack, GiB } from './arrays/index.js';
import { cspClient, removeNodes } from './csp-client.js';
import type { Scope } from './scope.js';

/** What one RPC cost at the array. */
export interface RpcCount {
  rpc: string;
  /** Array API calls (JSON-RPC calls, DSM Web API requests). */
  calls: number;
  /** Rows the array sent back. */
  returned: number;
  /** Rows the array read to answer the CSP's queries (see ArrayStack.rows). */
  read: number;
  /** Rows the array read inside its own creates, updates and deletes (TrueNAS; 0 for DSM). */
  internal: number;
  /** Contract requests the driver made to the CSP. */
  cspRequests: number;
  /** How long the RPC took (one sample; for information, never asserted). */
  ms: number;
}

/** The RPCs measured, in the order they run (each once). */
export const countedRpcs = [
  'CreateVolume',
  'ControllerGetVolume',
  'ControllerPublishVolume',
  'ControllerUnpublishVolume',
  'ControllerExpandVolume',
  'CreateSnapshot',
  'ListSnapshots by id',
  'ListSnapshots by source',
  'CreateVolume from snapshot',
  'CreateVolume clone',
  'ListVolumes page',
  'GetCapacity',
  'DeleteVolume',
  'DeleteSnapshot',
] as const;

export type CountedRpc = (typeof countedRpcs)[number];

const secretRef: SecretRef = { name: 'csp-secret', namespace: 'kube-system' };

function measureWith(stack: ArrayStack) {
  return async <T>(rpc: CountedRpc, out: RpcCount[], work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const before = {
      calls: stack.arrayCalls?.() ?? 0,
      returned: stack.rows.returned(),
      read: stack.rows.read(),
      internal: stack.rows.internal?.() ?? 0,
      csp: stack.cspRequests(),
    };
    const result = await work();
    out.push({
      rpc,
      calls: (stack.arrayCalls?.() ?? 0) - before.calls,
      returned: stack.rows.returned() - before.returned,
      read: stack.rows.read() - before.read,
      internal: (stack.rows.internal?.() ?? 0) - before.internal,
      cspRequests: stack.cspRequests() - before.csp,
      ms: performance.now() - started,
    });
    return result;
  };
}

/**
 * Starts the driver (controller mode, the stack's secret also as its default for the RPCs that
 * carry none), warms the CSP session up, then runs each counted RPC once and returns its cost.
 * Everything it creates is deleted again; `stack.leftovers()` is empty afterwards.
 */
export async function countRpcs(stack: ArrayStack, scope: Scope, tag: string): Promise<RpcCount[]> {
  const fixture = await scope.adopt(
    'CSI driver',
    startDriverFixture({ mode: 'controller', cspTimeoutMs: 60_000, defaultSecret: stack.secrets }),
  );
  const client = new CsiClient(fixture.socketPath, 60_000);
  scope.defer('CSI client', () => client.close());
  const kube = new KubeHarness(client);
  kube.addSecret(secretRef, stack.secrets);
  const sc = storageClass(`${stack.kind}-counts`, secretRef, { 'csi.storage.k8s.io/fstype': 'ext4' });
  const vsc: VolumeSnapshotClass = {
    name: `${stack.kind}-counts`,
    parameters: {
      'csi.storage.k8s.io/snapshotter-secret-name': secretRef.name,
      'csi.storage.k8s.io/snapshotter-secret-namespace': secretRef.namespace,
    },
  };
  const nodeName = `${tag}-node`;
  const node = testNodeId(nodeName);
  const pvc = (name: string) => ({ name, namespace: 'counts', size: GiB });
  // Warm-up: login, capabilities, the node's host object and the CSP's snapshot state (the DSM
  // snapshot index is built by the first lookup after the CSP starts), so no RPC pays for them.
  const warm = await kube.provisionPvc(sc, pvc(`${tag}-warm`));
  await kube.attach(warm, node);
  await kube.detach(warm, node);
  await kube.deleteSnapshot(await kube.snapshot(warm, vsc));
  await kube.deletePv(warm);

  const out: RpcCount[] = [];
  const measure = measureWith(stack);
  const secrets = stack.secrets;
  const volume = await measure('CreateVolume', out, () => kube.provisionPvc(sc, pvc(`${tag}-a`)));
  await measure('ControllerGetVolume', out, () =>
    client.controller('ControllerGetVolume', { volumeId: volume.volumeHandle }),
  );
  await measure('ControllerPublishVolume', out, () => kube.attach(volume, node));
  await measure('ControllerUnpublishVolume', out, () => kube.detach(volume, node));
  await measure('ControllerExpandVolume', out, () => kube.expand(volume, 2 * GiB));
  const content = await measure('CreateSnapshot', out, () => kube.snapshot(volume, vsc));
  await measure('ListSnapshots by id', out, () =>
    client.controller('ListSnapshots', { snapshotId: content.snapshotHandle, secrets }),
  );
  await measure('ListSnapshots by source', out, () =>
    client.controller('ListSnapshots', { sourceVolumeId: volume.volumeHandle, secrets }),
  );
  const restored = await measure('CreateVolume from snapshot', out, () =>
    kube.restore(content, sc, { ...pvc(`${tag}-restored`), size: 2 * GiB }),
  );
  const clone = await measure('CreateVolume clone', out, () =>
    kube.clone(volume, sc, { ...pvc(`${tag}-clone`), size: 2 * GiB }),
  );
  await measure('ListVolumes page', out, () => client.controller('ListVolumes', { maxEntries: 10 }));
  await measure('GetCapacity', out, () => client.controller('GetCapacity', capacityRequest(sc.parameters)));
  await measure('DeleteVolume', out, () => kube.deletePv(restored));
  await kube.deletePv(clone);
  await measure('DeleteSnapshot', out, () => kube.deleteSnapshot(content));
  await kube.deletePv(volume);
  // The driver never removes a node's host object (a cluster does when the node goes): do it here.
  await removeNodes(await cspClient(stack, scope, 1), [nodeName]);
  return out;
}

/** GetCapacity as external-provisioner sends it: the StorageClass's own parameters, no secrets. */
function capacityRequest(parameters: Record<string, string>): csi.GetCapacityRequest {
  const own = Object.fromEntries(Object.entries(parameters).filter(([key]) => !key.startsWith('csi.storage.k8s.io/')));
  return {
    parameters: own,
    volumeCapabilities: [{ mount: { fsType: 'ext4', mountFlags: [] }, accessMode: { mode: 'SINGLE_NODE_WRITER' } }],
  };
}
