// VolumeGroupSnapshots on the real control plane: the groupsnapshot.storage.k8s.io/v1beta2 objects
// (CRDs from ../shared/kube/crds), snapshot-controller and csi-snapshotter v8.5.0 with the
// CSIVolumeGroupSnapshot feature gate. snapshot-controller makes one VolumeSnapshot per member,
// owned by the VolumeGroupSnapshot; those restore like any VolumeSnapshot.
import type { KubeClient, KubeObject } from './client.js';
import { waitFor } from './wait.js';
import { testNamespace } from './workloads.js';

export const groupSnapshotApi = 'groupsnapshot.storage.k8s.io/v1beta2';

interface VolumeGroupSnapshot extends KubeObject {
  status?: { readyToUse?: boolean; error?: { message?: string } };
}

interface MemberSnapshot extends KubeObject {
  metadata: KubeObject['metadata'] & { ownerReferences?: Array<{ kind: string; name: string }> };
  status?: { readyToUse?: boolean };
}

export const groupSnapshotRef = (name: string) => ({
  apiVersion: groupSnapshotApi,
  kind: 'VolumeGroupSnapshot',
  name,
  namespace: testNamespace,
});

/** A VolumeGroupSnapshot of the PVCs with these labels. */
export function createGroupSnapshot(
  client: KubeClient,
  name: string,
  matchLabels: Record<string, string>,
  className: string,
): Promise<KubeObject> {
  return client.create({
    apiVersion: groupSnapshotApi,
    kind: 'VolumeGroupSnapshot',
    metadata: { name, namespace: testNamespace },
    spec: { volumeGroupSnapshotClassName: className, source: { selector: { matchLabels } } },
  });
}

/** Waits until the group and its member VolumeSnapshots are ready; returns the members' names. */
export async function readyGroupSnapshot(client: KubeClient, name: string, members: number, timeoutMs = 120_000) {
  await waitFor(
    async () => {
      const group = await client.get<VolumeGroupSnapshot>(groupSnapshotApi, 'VolumeGroupSnapshot', name, testNamespace);
      if (group?.status?.error?.message) {
        throw new Error(`VolumeGroupSnapshot ${name}: ${group.status.error.message}`);
      }
      return group?.status?.readyToUse === true ? group : undefined;
    },
    { what: `VolumeGroupSnapshot ${name} ready`, timeoutMs, intervalMs: 200 },
  );
  return waitFor(
    async () => {
      const all = await client.list<MemberSnapshot>('snapshot.storage.k8s.io/v1', 'VolumeSnapshot', testNamespace);
      const owned = all.filter((s) =>
        (s.metadata.ownerReferences ?? []).some((o) => o.kind === 'VolumeGroupSnapshot' && o.name === name),
      );
      return owned.length === members && owned.every((s) => s.status?.readyToUse === true)
        ? owned.map((s) => s.metadata.name)
        : undefined;
    },
    { what: `the ${members} member VolumeSnapshots of ${name} ready`, timeoutMs, intervalMs: 200 },
  );
}
