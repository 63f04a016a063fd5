// What a user creates on the cluster (PVCs, Pods, VolumeSnapshots) and how the tests wait for
// Kubernetes to act on it, through the admin client.
import type { KubeClient, KubeObject } from './client.js';
import { waitFor } from './wait.js';

export interface Pvc extends KubeObject {
  spec: {
    storageClassName?: string;
    accessModes: string[];
    volumeMode?: 'Filesystem' | 'Block';
    resources: { requests: { storage: string } };
    volumeName?: string;
    dataSource?: { apiGroup?: string; kind: string; name: string };
    volumeAttributesClassName?: string;
  };
  status?: {
    phase?: string;
    capacity?: { storage?: string };
    conditions?: { type: string; status: string }[];
    allocatedResourceStatuses?: Record<string, string>;
    currentVolumeAttributesClassName?: string;
    modifyVolumeStatus?: { status: string; targetVolumeAttributesClassName?: string };
  };
}

export interface Pv extends KubeObject {
  spec: {
    capacity: { storage: string };
    csi?: { driver: string; volumeHandle: string; fsType?: string; volumeAttributes?: Record<string, string> };
    claimRef?: { name: string; namespace: string };
    volumeMode?: string;
    volumeAttributesClassName?: string;
  };
  status?: { phase?: string };
}

export interface Pod extends KubeObject {
  spec: Record<string, unknown> & { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string; message?: string }[] };
}

export interface VolumeAttachment extends KubeObject {
  spec: { attacher: string; nodeName: string; source: { persistentVolumeName?: string } };
  status?: { attached: boolean; attachError?: { message: string } };
}

export interface VolumeSnapshot extends KubeObject {
  status?: { readyToUse?: boolean; boundVolumeSnapshotContentName?: string; error?: { message?: string } };
}

export const testNamespace = 'default';

export function pvcManifest(input: {
  name: string;
  storageClassName: string;
  size: string;
  block?: boolean;
  dataSource?: { kind: 'PersistentVolumeClaim' | 'VolumeSnapshot'; name: string };
  labels?: Record<string, string>;
}): Pvc {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: input.name, namespace: testNamespace, ...(input.labels ? { labels: input.labels } : {}) },
    spec: {
      storageClassName: input.storageClassName,
      accessModes: ['ReadWriteOnce'],
      ...(input.block ? { volumeMode: 'Block' as const } : {}),
      resources: { requests: { storage: input.size } },
      ...(input.dataSource
        ? {
            dataSource: {
              ...(input.dataSource.kind === 'VolumeSnapshot' ? { apiGroup: 'snapshot.storage.k8s.io' } : {}),
              ...input.dataSource,
            },
          }
        : {}),
    },
  };
}

/** A pod whose one container uses each claim: filesystems at /data/<claim>, block devices at /dev/<claim>. */
export function podManifest(input: {
  name: string;
  claims: { name: string; block?: boolean }[];
  nodeName?: string;
}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: input.name, namespace: testNamespace },
    spec: {
      ...(input.nodeName ? { nodeName: input.nodeName } : {}),
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'app',
          image: 'registry.k8s.io/pause:3.10',
          volumeMounts: input.claims
            .filter((c) => !c.block)
            .map((c) => ({ name: c.name, mountPath: `/data/${c.name}` })),
          volumeDevices: input.claims
            .filter((c) => c.block)
            .map((c) => ({ name: c.name, devicePath: `/dev/${c.name}` })),
        },
      ],
      volumes: input.claims.map((c) => ({ name: c.name, persistentVolumeClaim: { claimName: c.name } })),
    },
  };
}

export function snapshotManifest(name: string, pvc: string, className: string): VolumeSnapshot {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: { name, namespace: testNamespace },
    spec: { volumeSnapshotClassName: className, source: { persistentVolumeClaimName: pvc } },
  };
}

export const ref = {
  pvc: (name: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name, namespace: testNamespace }),
  pod: (name: string) => ({ apiVersion: 'v1', kind: 'Pod', name, namespace: testNamespace }),
  snapshot: (name: string) => ({
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    name,
    namespace: testNamespace,
  }),
  pv: (name: string) => ({ apiVersion: 'v1', kind: 'PersistentVolume', name }),
};

export class Workloads {
  constructor(
    readonly client: KubeClient,
    /** Default wait, ms. */
    readonly timeoutMs = 60_000,
  ) {}

  /** Waits until `get` returns an object for which `ready` holds; `ready` may return a failure text. */
  private async until<T extends KubeObject>(
    what: string,
    get: () => Promise<T | undefined>,
    ready: (o: T) => boolean,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    return waitFor(
      async () => {
        const o = await get();
        return o && ready(o) ? o : undefined;
      },
      { what, timeoutMs, intervalMs: 100 },
    );
  }

  getPvc = (name: string) => this.client.get<Pvc>('v1', 'PersistentVolumeClaim', name, testNamespace);
  getPod = (name: string) => this.client.get<Pod>('v1', 'Pod', name, testNamespace);
  getPv = (name: string) => this.client.get<Pv>('v1', 'PersistentVolume', name);

  async createPvc(input: Parameters<typeof pvcManifest>[0]): Promise<Pvc> {
    return this.client.create(pvcManifest(input));
  }

  async boundPvc(name: string, timeoutMs?: number): Promise<{ pvc: Pvc; pv: Pv }> {
    const pvc = await this.until(
      `PVC ${name} Bound`,
      () => this.getPvc(name),
      (p) => p.status?.phase === 'Bound',
      timeoutMs,
    );
    const pv = await this.getPv(pvc.spec.volumeName ?? '');
    if (pv === undefined) {
      throw new Error(`PVC ${name} is bound to ${pvc.spec.volumeName}, which does not exist`);
    }
    return { pvc, pv };
  }

  async createPod(input: Parameters<typeof podManifest>[0]): Promise<Pod> {
    return this.client.create(podManifest(input));
  }

  /** Waits for Running: kubelet has attached, staged and published every volume. */
  async runningPod(name: string, timeoutMs?: number): Promise<Pod> {
    return this.until(
      `pod ${name} Running`,
      () => this.getPod(name),
      (p) => p.status?.phase === 'Running',
      timeoutMs,
    );
  }

  /** Deletes an object and waits until it is gone (finalizers done). */
  async deleteAndWait(r: { apiVersion: string; kind: string; name: string; namespace?: string }, timeoutMs?: number) {
    await this.client.delete(r);
    await waitFor(
      async () => ((await this.client.get(r.apiVersion, r.kind, r.name, r.namespace)) === undefined ? true : undefined),
      { what: `${r.kind} ${r.name} deleted`, timeoutMs: timeoutMs ?? this.timeoutMs, intervalMs: 100 },
    );
  }

  async attachments(): Promise<VolumeAttachment[]> {
    return this.client.list<VolumeAttachment>('storage.k8s.io/v1', 'VolumeAttachment');
  }

  async attachmentOf(pvName: string): Promise<VolumeAttachment | undefined> {
    return (await this.attachments()).find((va) => va.spec.source.persistentVolumeName === pvName);
  }

  async noAttachmentOf(pvName: string, timeoutMs?: number): Promise<void> {
    await waitFor(async () => ((await this.attachmentOf(pvName)) === undefined ? true : undefined), {
      what: `VolumeAttachment of ${pvName} gone`,
      timeoutMs: timeoutMs ?? this.timeoutMs,
      intervalMs: 100,
    });
  }

  async createSnapshot(name: string, pvc: string, className: string): Promise<VolumeSnapshot> {
    return this.client.create(snapshotManifest(name, pvc, className));
  }

  async readySnapshot(name: string, timeoutMs?: number): Promise<VolumeSnapshot> {
    return this.until(
      `VolumeSnapshot ${name} ready`,
      () => this.client.get<VolumeSnapshot>('snapshot.storage.k8s.io/v1', 'VolumeSnapshot', name, testNamespace),
      (s) => s.status?.readyToUse === true,
      timeoutMs,
    );
  }

  /** Asks for a bigger PVC (external-resizer, then kubelet for the filesystem). */
  async resizePvc(name: string, size: string): Promise<void> {
    await this.client.patch(ref.pvc(name), { spec: { resources: { requests: { storage: size } } } });
  }

  /** Waits until the PVC's status shows the new capacity (controller and node expansion done). */
  async resizedPvc(name: string, size: string, timeoutMs?: number): Promise<Pvc> {
    return this.until(
      `PVC ${name} resized to ${size}`,
      () => this.getPvc(name),
      (p) => p.status?.capacity?.storage === size && (p.status.conditions ?? []).length === 0,
      timeoutMs,
    );
  }

  /** Moves a PVC to a VolumeAttributesClass (csi-resizer then calls ControllerModifyVolume). */
  async modifyPvc(name: string, className: string): Promise<void> {
    await this.client.patch(ref.pvc(name), { spec: { volumeAttributesClassName: className } });
  }

  /** Waits until the PVC's status reports the class as current (the modification is done). */
  async modifiedPvc(name: string, className: string, timeoutMs?: number): Promise<Pvc> {
    return this.until(
      `PVC ${name} modified to VolumeAttributesClass ${className}`,
      () => this.getPvc(name),
      (p) => p.status?.currentVolumeAttributesClassName === className && p.status.modifyVolumeStatus === undefined,
      timeoutMs,
    );
  }

  async events(involving: string): Promise<string[]> {
    const list = await this.client.list<
      KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }
    >('v1', 'Event', testNamespace);
    return list.filter((e) => e.involvedObject?.name === involving).map((e) => `${e.reason}: ${e.message}`);
  }
}
