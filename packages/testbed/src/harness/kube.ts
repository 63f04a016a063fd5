// The kube harness: plays external-provisioner, external-attacher, external-snapshotter and
// external-resizer against the driver's socket with their parameters, secrets and retries, so
// tests exercise the driver the way a cluster does, without an API server.
import { randomUUID } from 'node:crypto';
import type * as csi from '@opencsp/csi-driver';
import type { CsiClient } from './client.js';
import { defaultRetry, type RetryPolicy, withRetry } from './retry.js';
import {
  driverParameters,
  type K8sAccessMode,
  k8sPrefix,
  type PersistentVolume,
  type PvcSpec,
  type SecretRef,
  type SecretRole,
  type StorageClass,
  secretRef,
  snapshotContent,
  type VolumeSnapshotClass,
  type VolumeSnapshotContent,
} from './storage-class.js';

export interface KubeOptions {
  retry?: RetryPolicy;
}

export class KubeHarness {
  readonly client: CsiClient;
  readonly secrets = new Map<string, Record<string, string>>();
  readonly #retry: RetryPolicy;
  #singleNodeMultiWriter: boolean | undefined;

  constructor(client: CsiClient, options: KubeOptions = {}) {
    this.client = client;
    this.#retry = options.retry ?? defaultRetry;
  }

  addSecret(ref: SecretRef, data: Record<string, string>): void {
    this.secrets.set(`${ref.namespace}/${ref.name}`, data);
  }

  secretsFor(parameters: Record<string, string>, role: SecretRole): Record<string, string> {
    const ref = secretRef(parameters, role);
    if (!ref) {
      return {};
    }
    const data = this.secrets.get(`${ref.namespace}/${ref.name}`);
    if (!data) {
      throw new Error(`secret ${ref.namespace}/${ref.name} (${role}) does not exist in the harness`);
    }
    return data;
  }

  /** external-provisioner maps RWO to SINGLE_NODE_MULTI_WRITER when the driver offers it. */
  async #accessMode(mode: K8sAccessMode): Promise<csi.AccessMode> {
    if (this.#singleNodeMultiWriter === undefined) {
      const caps = await this.client.controller('ControllerGetCapabilities', {});
      this.#singleNodeMultiWriter = caps.capabilities.some((c) => c.rpc?.type === 'SINGLE_NODE_MULTI_WRITER');
    }
    switch (mode) {
      case 'ReadWriteOnce':
        return this.#singleNodeMultiWriter ? 'SINGLE_NODE_MULTI_WRITER' : 'SINGLE_NODE_WRITER';
      case 'ReadWriteOncePod':
        return this.#singleNodeMultiWriter ? 'SINGLE_NODE_SINGLE_WRITER' : 'SINGLE_NODE_WRITER';
      case 'ReadOnlyMany':
        return 'MULTI_NODE_READER_ONLY';
      case 'ReadWriteMany':
        return 'MULTI_NODE_MULTI_WRITER';
    }
  }

  async capability(
    volumeMode: 'Filesystem' | 'Block',
    accessMode: K8sAccessMode,
    fsType: string | undefined,
  ): Promise<csi.VolumeCapability> {
    const mode = await this.#accessMode(accessMode);
    return volumeMode === 'Block'
      ? { block: {}, accessMode: { mode } }
      : { mount: { fsType: fsType ?? '', mountFlags: [] }, accessMode: { mode } };
  }

  /** The CreateVolume request external-provisioner sends for a PVC (with --extra-create-metadata). */
  async createVolumeRequest(sc: StorageClass, pvc: PvcSpec, pvName: string): Promise<csi.CreateVolumeRequest> {
    const fsType = sc.parameters[`${k8sPrefix}fstype`];
    const volumeMode = pvc.volumeMode ?? 'Filesystem';
    const capabilities = await Promise.all(
      (pvc.accessModes ?? ['ReadWriteOnce']).map((m) => this.capability(volumeMode, m, fsType)),
    );
    const request: csi.CreateVolumeRequest = {
      name: pvName,
      capacityRange: { requiredBytes: pvc.size },
      volumeCapabilities: capabilities,
      parameters: {
        ...driverParameters(sc.parameters),
        [`${k8sPrefix}pvc/name`]: pvc.name,
        [`${k8sPrefix}pvc/namespace`]: pvc.namespace,
        [`${k8sPrefix}pv/name`]: pvName,
      },
      secrets: this.secretsFor(sc.parameters, 'provisioner'),
    };
    if (pvc.dataSource && 'snapshotHandle' in pvc.dataSource) {
      request.volumeContentSource = { snapshot: { snapshotId: pvc.dataSource.snapshotHandle } };
    } else if (pvc.dataSource) {
      request.volumeContentSource = { volume: { volumeId: pvc.dataSource.volumeHandle } };
    }
    return request;
  }

  /** Dynamic provisioning of a PVC: CreateVolume (retried while transient) → a PV. */
  async provisionPvc(sc: StorageClass, pvc: PvcSpec): Promise<PersistentVolume> {
    const pvName = `pvc-${randomUUID()}`;
    const request = await this.createVolumeRequest(sc, pvc, pvName);
    const { volume } = await withRetry(() => this.client.controller('CreateVolume', request), this.#retry);
    if (!volume) {
      throw new Error('CreateVolume answered without a volume');
    }
    return {
      name: pvName,
      volumeHandle: volume.volumeId,
      capacity: volume.capacityBytes,
      volumeAttributes: volume.volumeContext,
      fsType: sc.parameters[`${k8sPrefix}fstype`],
      volumeMode: pvc.volumeMode ?? 'Filesystem',
      accessModes: pvc.accessModes ?? ['ReadWriteOnce'],
      storageClass: sc,
      claim: { name: pvc.name, namespace: pvc.namespace },
    };
  }

  /** PV deletion with reclaimPolicy Delete. */
  async deletePv(pv: PersistentVolume): Promise<void> {
    await withRetry(
      () =>
        this.client.controller('DeleteVolume', {
          volumeId: pv.volumeHandle,
          secrets: this.secretsFor(pv.storageClass.parameters, 'provisioner'),
        }),
      this.#retry,
    );
  }

  /** The capability the sidecars and kubelet derive from a PV (access mode, volume mode, fsType). */
  async pvCapability(pv: PersistentVolume): Promise<csi.VolumeCapability> {
    return this.capability(pv.volumeMode, pv.accessModes[0] ?? 'ReadWriteOnce', pv.fsType);
  }

  /** A VolumeAttachment becoming attached: ControllerPublishVolume → attachment metadata. */
  async attach(pv: PersistentVolume, nodeId: string, readOnly = false): Promise<Record<string, string>> {
    const request: csi.ControllerPublishVolumeRequest = {
      volumeId: pv.volumeHandle,
      nodeId,
      volumeCapability: await this.pvCapability(pv),
      readonly: readOnly,
      secrets: this.secretsFor(pv.storageClass.parameters, 'controller-publish'),
      volumeContext: pv.volumeAttributes,
    };
    const response = await withRetry(() => this.client.controller('ControllerPublishVolume', request), this.#retry);
    return response.publishContext;
  }

  /** A VolumeAttachment being deleted: ControllerUnpublishVolume. */
  async detach(pv: PersistentVolume, nodeId: string): Promise<void> {
    await withRetry(
      () =>
        this.client.controller('ControllerUnpublishVolume', {
          volumeId: pv.volumeHandle,
          nodeId,
          secrets: this.secretsFor(pv.storageClass.parameters, 'controller-publish'),
        }),
      this.#retry,
    );
  }

  /** A VolumeSnapshot: CreateSnapshot, repeated until ready as the snapshotter does. */
  async snapshot(pv: PersistentVolume, vsc: VolumeSnapshotClass): Promise<VolumeSnapshotContent> {
    const name = `snapshot-${randomUUID()}`;
    const request: csi.CreateSnapshotRequest = {
      sourceVolumeId: pv.volumeHandle,
      name,
      parameters: driverParameters(vsc.parameters),
      secrets: this.secretsFor(vsc.parameters, 'snapshotter'),
    };
    for (let attempt = 0; ; attempt++) {
      const { snapshot } = await withRetry(() => this.client.controller('CreateSnapshot', request), this.#retry);
      if (!snapshot) {
        throw new Error('CreateSnapshot answered without a snapshot');
      }
      if (snapshot.readyToUse || attempt >= 20) {
        return snapshotContent(`snapcontent-${name.slice('snapshot-'.length)}`, snapshot, vsc);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async deleteSnapshot(content: VolumeSnapshotContent): Promise<void> {
    await withRetry(
      () =>
        this.client.controller('DeleteSnapshot', {
          snapshotId: content.snapshotHandle,
          secrets: this.secretsFor(content.snapshotClass.parameters, 'snapshotter'),
        }),
      this.#retry,
    );
  }

  /** A PVC with a VolumeSnapshot data source. */
  restore(
    content: VolumeSnapshotContent,
    sc: StorageClass,
    pvc: Omit<PvcSpec, 'dataSource'>,
  ): Promise<PersistentVolume> {
    return this.provisionPvc(sc, { ...pvc, dataSource: { snapshotHandle: content.snapshotHandle } });
  }

  /** A PVC with another PVC as data source. */
  clone(source: PersistentVolume, sc: StorageClass, pvc: Omit<PvcSpec, 'dataSource'>): Promise<PersistentVolume> {
    return this.provisionPvc(sc, { ...pvc, dataSource: { volumeHandle: source.volumeHandle } });
  }

  /** external-resizer: ControllerExpandVolume; returns whether kubelet must expand on the node. */
  async expand(pv: PersistentVolume, size: number): Promise<{ capacity: number; nodeExpansionRequired: boolean }> {
    const response = await withRetry(
      async () =>
        this.client.controller('ControllerExpandVolume', {
          volumeId: pv.volumeHandle,
          capacityRange: { requiredBytes: size },
          secrets: this.secretsFor(pv.storageClass.parameters, 'controller-expand'),
          volumeCapability: await this.pvCapability(pv),
        }),
      this.#retry,
    );
    pv.capacity = response.capacityBytes;
    return { capacity: response.capacityBytes, nodeExpansionRequired: response.nodeExpansionRequired };
  }

  /** A PVC moved to a VolumeAttributesClass: ControllerModifyVolume with its parameters, as csi-resizer sends it. */
  async modify(pv: PersistentVolume, mutableParameters: Record<string, string>): Promise<void> {
    await withRetry(
      () =>
        this.client.controller('ControllerModifyVolume', {
          volumeId: pv.volumeHandle,
          mutableParameters,
          secrets: this.secretsFor(pv.storageClass.parameters, 'controller-expand'),
        }),
      this.#retry,
    );
  }
}
