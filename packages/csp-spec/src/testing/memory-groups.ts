// Volume groups and snapshot groups of the memory reference CSP. A snapshot group takes one
// snapshot of every volume of its group at once (trivially consistent: there is no data), named
// like the group; its snapshots are ordinary snapshots of the array, so they can be read, cloned
// and deleted one by one, and the group shows those that are left.
import { CspProblem, checkMembers, notFound } from '../server/index.js';
import type {
  Snapshot,
  SnapshotGroup,
  SnapshotGroupCreateRequest,
  Volume,
  VolumeGroup,
  VolumeGroupCreateRequest,
} from '../types.js';

interface StoredSnapshotGroup {
  id: string;
  name: string;
  volumeGroupId: string;
  snapshotIds: string[];
  creationTime: number;
}

/** What the groups need from the rest of the memory array. */
export interface GroupArray {
  volumes: Map<string, Volume>;
  snapshots: Map<string, Snapshot>;
  nextId: number;
  takeSnapshot(volumeId: string, name: string): Snapshot;
  isCloned(snapshotId: string): boolean;
}

export class MemoryGroups {
  readonly volumeGroups = new Map<string, VolumeGroup>();
  readonly snapshotGroups = new Map<string, StoredSnapshotGroup>();

  members(groupId: string, array: GroupArray): Volume[] {
    return [...array.volumes.values()].filter((v) => v.volume_group_id === groupId);
  }

  group(id: string, array: GroupArray): VolumeGroup {
    const group = this.volumeGroups.get(id);
    if (!group) {
      throw notFound(`volume group ${id}`);
    }
    return { ...group, volumes: this.members(id, array).map((v) => v.id) };
  }

  list(name: string | undefined, array: GroupArray): VolumeGroup[] {
    return [...this.volumeGroups.values()]
      .filter((g) => name === undefined || g.name === name)
      .map((g) => this.group(g.id, array));
  }

  create(request: VolumeGroupCreateRequest, array: GroupArray): VolumeGroup {
    if ([...this.volumeGroups.values()].some((g) => g.name === request.name)) {
      throw new CspProblem('NAME_TAKEN', `a volume group named ${request.name} exists`);
    }
    const group: VolumeGroup = {
      id: `vg-${array.nextId++}`,
      name: request.name,
      description: request.description ?? '',
      config: request.config ?? {},
      creation_time: Math.floor(Date.now() / 1000),
    };
    this.volumeGroups.set(group.id, group);
    return this.group(group.id, array);
  }

  delete(id: string, array: GroupArray): void {
    const group = this.group(id, array);
    if ((group.volumes ?? []).length > 0) {
      throw new CspProblem('HAS_DEPENDENTS', `volume group ${id} holds ${group.volumes?.length} volume(s)`);
    }
    if ([...this.snapshotGroups.values()].some((s) => s.volumeGroupId === id)) {
      throw new CspProblem('HAS_DEPENDENTS', `volume group ${id} has snapshot groups`);
    }
    this.volumeGroups.delete(id);
  }

  #show(stored: StoredSnapshotGroup, array: GroupArray): SnapshotGroup {
    const group = this.volumeGroups.get(stored.volumeGroupId);
    return {
      id: stored.id,
      name: stored.name,
      volume_group_id: stored.volumeGroupId,
      volume_group_name: group?.name ?? '',
      snapshots: stored.snapshotIds
        .map((id) => array.snapshots.get(id))
        .filter((s): s is Snapshot => s !== undefined)
        .map((s) => ({ ...s, in_use: array.isCloned(s.id) })),
      creation_time: stored.creationTime,
    };
  }

  listSnapshotGroups(volumeGroupId: string, name: string | undefined, array: GroupArray): SnapshotGroup[] {
    return [...this.snapshotGroups.values()]
      .filter((s) => s.volumeGroupId === volumeGroupId && (name === undefined || s.name === name))
      .map((s) => this.#show(s, array));
  }

  createSnapshotGroup(request: SnapshotGroupCreateRequest, array: GroupArray): SnapshotGroup {
    const group = this.group(request.volume_group_id, array);
    const taken = [...this.snapshotGroups.values()].some(
      (s) => s.volumeGroupId === group.id && s.name === request.name,
    );
    if (taken) {
      throw new CspProblem('NAME_TAKEN', `volume group ${group.id} has a snapshot group named ${request.name}`);
    }
    const members = group.volumes ?? [];
    if (request.volume_ids) {
      checkMembers(request.volume_ids, members, group.id);
    }
    for (const volumeId of members) {
      const clash = [...array.snapshots.values()].some((s) => s.volume_id === volumeId && s.name === request.name);
      if (clash) {
        throw new CspProblem('NAME_TAKEN', `volume ${volumeId} has a snapshot named ${request.name}`);
      }
    }
    const stored: StoredSnapshotGroup = {
      id: `sg-${array.nextId++}`,
      name: request.name,
      volumeGroupId: group.id,
      snapshotIds: members.map((volumeId) => array.takeSnapshot(volumeId, request.name).id),
      creationTime: Math.floor(Date.now() / 1000),
    };
    this.snapshotGroups.set(stored.id, stored);
    return this.#show(stored, array);
  }

  getSnapshotGroup(id: string, array: GroupArray): SnapshotGroup {
    const stored = this.snapshotGroups.get(id);
    if (!stored) {
      throw notFound(`snapshot group ${id}`);
    }
    return this.#show(stored, array);
  }

  deleteSnapshotGroup(id: string, array: GroupArray): void {
    const shown = this.getSnapshotGroup(id, array);
    const cloned = (shown.snapshots ?? []).filter((s) => s.in_use);
    if (cloned.length > 0) {
      throw new CspProblem(
        'HAS_DEPENDENTS',
        `snapshot group ${id}: ${cloned.map((s) => s.id).join(', ')} have dependent clones`,
      );
    }
    for (const snapshot of shown.snapshots ?? []) {
      array.snapshots.delete(snapshot.id);
    }
    this.snapshotGroups.delete(id);
  }
}
