// The Kubernetes objects the sidecars read, reduced to what matters to a CSI driver:
// StorageClass and VolumeSnapshotClass parameters with their secret references, Secrets, PVCs
// and the PVs / VolumeSnapshotContents the sidecars create.

/** Parameter prefix the sidecars own; such keys are consumed by them, never sent as-is. */
export const k8sPrefix = 'csi.storage.k8s.io/';

export type SecretRole =
  | 'provisioner'
  | 'controller-publish'
  | 'node-stage'
  | 'node-publish'
  | 'controller-expand'
  | 'node-expand'
  | 'snapshotter';

export interface SecretRef {
  name: string;
  namespace: string;
}

export interface StorageClass {
  name: string;
  /** As written in the StorageClass, including `csi.storage.k8s.io/*` keys. */
  parameters: Record<string, string>;
  allowVolumeExpansion?: boolean;
}

export interface VolumeSnapshotClass {
  name: string;
  parameters: Record<string, string>;
}

/** A StorageClass whose every CSI secret reference points at one Secret (the usual setup). */
export function storageClass(name: string, secret: SecretRef, parameters: Record<string, string> = {}): StorageClass {
  const refs: Record<string, string> = {};
  for (const role of [
    'provisioner',
    'controller-publish',
    'node-stage',
    'node-publish',
    'controller-expand',
    'node-expand',
  ] as const) {
    refs[`${k8sPrefix}${role}-secret-name`] = secret.name;
    refs[`${k8sPrefix}${role}-secret-namespace`] = secret.namespace;
  }
  return { name, parameters: { ...refs, ...parameters }, allowVolumeExpansion: true };
}

export function snapshotClass(
  name: string,
  secret: SecretRef,
  parameters: Record<string, string> = {},
): VolumeSnapshotClass {
  return {
    name,
    parameters: {
      [`${k8sPrefix}snapshotter-secret-name`]: secret.name,
      [`${k8sPrefix}snapshotter-secret-namespace`]: secret.namespace,
      ...parameters,
    },
  };
}

/** The secret reference of a role in a class's parameters, if any. */
export function secretRef(parameters: Record<string, string>, role: SecretRole): SecretRef | undefined {
  const name = parameters[`${k8sPrefix}${role}-secret-name`];
  const namespace = parameters[`${k8sPrefix}${role}-secret-namespace`];
  return name && namespace ? { name, namespace } : undefined;
}

/** Parameters as the sidecars pass them: secret references and fstype removed. */
export function driverParameters(parameters: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (!key.startsWith(k8sPrefix)) {
      out[key] = value;
    }
  }
  return out;
}

export type K8sAccessMode = 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadOnlyMany' | 'ReadWriteMany';

export interface PvcSpec {
  name: string;
  namespace: string;
  size: number;
  accessModes?: K8sAccessMode[];
  volumeMode?: 'Filesystem' | 'Block';
  /** dataSource: a VolumeSnapshot (by its content's handle) or a PVC (by its PV). */
  dataSource?: { snapshotHandle: string } | { volumeHandle: string };
}

export interface PersistentVolume {
  name: string;
  volumeHandle: string;
  capacity: number;
  volumeAttributes: Record<string, string>;
  fsType: string | undefined;
  volumeMode: 'Filesystem' | 'Block';
  accessModes: K8sAccessMode[];
  storageClass: StorageClass;
  claim: { name: string; namespace: string };
}

export interface VolumeSnapshotContent {
  name: string;
  snapshotHandle: string;
  sourceVolumeHandle: string;
  restoreSize: number;
  readyToUse: boolean;
  snapshotClass: VolumeSnapshotClass;
}

/** The VolumeSnapshotContent external-snapshotter makes for a CSI snapshot. */
export function snapshotContent(
  name: string,
  snapshot: { snapshotId: string; sourceVolumeId: string; sizeBytes: number | string; readyToUse: boolean },
  snapshotClass: VolumeSnapshotClass,
): VolumeSnapshotContent {
  return {
    name,
    snapshotHandle: snapshot.snapshotId,
    sourceVolumeHandle: snapshot.sourceVolumeId,
    restoreSize: Number(snapshot.sizeBytes),
    readyToUse: snapshot.readyToUse,
    snapshotClass,
  };
}
