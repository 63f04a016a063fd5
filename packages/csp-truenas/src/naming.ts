// Names and ids. A CSI name maps deterministically to a zvol leaf name that is valid for ZFS and
// for iSCSI target/extent names (lower-case `[a-z0-9.:-]`, short enough for SCST's 64-char extent
// limit); names that do not fit are sanitised and suffixed with a hash. A volume id is the zvol's
// dataset path made URL- and CSI-safe (`/`→`~`, `_`→`+`, both impossible in ZFS names), so an id
// is reversible with one filtered query and never ambiguous. Snapshot ids add `@<snapshot>`.
// A volume group is a filesystem `<parent>/vg_<leaf>` (the `_` keeps it apart from every volume
// leaf); its volumes live one level below it, so one recursive snapshot of the group dataset
// snapshots them all at once (docs/architecture.md, "Group snapshots").
import { createHash } from 'node:crypto';
import { CspProblem } from '@opencsp/csp-spec/server';

/** SCST limits extent names to 64 characters; target names use the same leaf. */
export const maxIscsiName = 64;
/** CSI and Kubernetes cap volume and snapshot ids at 128 bytes. */
export const maxIdLength = 128;
/** Volume ids stay at or below this, leaving room for `@<snapshot>` in snapshot ids. */
export const maxVolumeIdLength = 100;
/** Leaves shorter than this would hash almost every name. */
export const minLeafBudget = 24;
/** A volume group's dataset leaf is `vg_` and at most this many characters of its name. */
export const groupLeafBudget = 16;
export const groupPrefix = 'vg_';
/** Snapshot group leaves fit under any volume id (`<volume id>@<leaf>` within 128 bytes). */
export const groupSnapshotLeafBudget = maxIdLength - maxVolumeIdLength - 1;

const plainLeaf = /^[a-z0-9][a-z0-9.:-]*$/;

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The leaf name for a CSI name within `budget` characters. */
export function leafFor(name: string, budget: number): string {
  if (plainLeaf.test(name) && name.length <= budget && !name.endsWith('.')) {
    return name;
  }
  const suffix = hash(name, 12);
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9.:-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, Math.max(0, budget - suffix.length - 1))
    .replace(/[^a-z0-9]+$/, '');
  return cleaned ? `${cleaned}-${suffix}` : `v-${suffix}`;
}

export function encodePath(path: string): string {
  return path.replaceAll('/', '~').replaceAll('_', '+');
}

export function decodePath(id: string): string {
  return id.replaceAll('~', '/').replaceAll('+', '_');
}

/** ZFS component rules without spaces (ids cannot carry them). */
export function validDatasetPath(path: string): boolean {
  return path.split('/').every((part) => /^[A-Za-z0-9_.:-]+$/.test(part) && part !== '.' && part !== '..');
}

export interface Naming {
  /** Allowed parent datasets; the first is the default. */
  parents: readonly string[];
  /** Prefix of target and extent names. */
  iscsiPrefix: string;
}

export class Names {
  readonly parents: readonly string[];
  readonly iscsiPrefix: string;
  /** Leaf budget, the same for every parent so a name has the same leaf under each. */
  readonly leafBudget: number;
  /** Leaf budget of a volume inside a volume group (`<group leaf>.<leaf>` is its iSCSI name). */
  readonly groupedLeafBudget: number;

  constructor(naming: Naming) {
    this.parents = naming.parents;
    this.iscsiPrefix = naming.iscsiPrefix;
    const longestParent = Math.max(...naming.parents.map((p) => encodePath(p).length));
    this.leafBudget = Math.min(maxIscsiName - naming.iscsiPrefix.length, maxVolumeIdLength - longestParent - 1);
    const groupDir = groupPrefix.length + groupLeafBudget;
    this.groupedLeafBudget = Math.min(
      maxIscsiName - naming.iscsiPrefix.length - groupLeafBudget - 1,
      maxVolumeIdLength - longestParent - groupDir - 2,
    );
  }

  /** The dataset path of a volume group of this name under `parent`. */
  groupPath(parent: string, name: string): string {
    return `${parent}/${groupPrefix}${leafFor(name, groupLeafBudget)}`;
  }

  /** The dataset path of a volume group id, or NOT_FOUND. */
  groupPathOf(id: string): string {
    const path = decodePath(id);
    const cut = path.lastIndexOf('/');
    const leaf = path.slice(cut + 1 + groupPrefix.length);
    if (
      cut < 0 ||
      !this.parents.includes(path.slice(0, cut)) ||
      !path.slice(cut + 1).startsWith(groupPrefix) ||
      !plainLeaf.test(leaf) ||
      leaf.length > groupLeafBudget
    ) {
      throw new CspProblem('NOT_FOUND', `volume group ${id} not found`);
    }
    return path;
  }

  /** A `~` filter (a regular expression matched from the start) for the dataset paths of volumes. */
  volumePattern(): string {
    return `${this.#parentsPattern()}/(?:[a-z0-9][^/]*|${groupPrefix}[^/]+/[^/]+)$`;
  }

  /** A `~` filter for volume group datasets and (with `members`) the datasets directly below them. */
  groupPattern(members: boolean): string {
    return `${this.#parentsPattern()}/${groupPrefix}[^/]+${members ? '(?:/[^/]+)?' : ''}$`;
  }

  #parentsPattern(): string {
    return `(?:${this.parents.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
  }

  /** The path of a volume of this name inside the group dataset `groupPath`. */
  memberPath(groupPath: string, name: string): string {
    return `${groupPath}/${leafFor(name, this.groupedLeafBudget)}`;
  }

  /** The configured parent a volume path lives under (a grouped volume's group's parent). */
  parentOf(volumePath: string): string {
    const parts = volumePath.split('/');
    const group = parts.at(-2) ?? '';
    return parts.slice(0, group.startsWith(groupPrefix) ? -2 : -1).join('/');
  }

  /** The group dataset of a grouped volume path, or undefined. */
  groupOf(volumePath: string): string | undefined {
    const parent = volumePath.slice(0, volumePath.lastIndexOf('/'));
    return parent.slice(parent.lastIndexOf('/') + 1).startsWith(groupPrefix) ? parent : undefined;
  }

  leaf(name: string): string {
    return leafFor(name, this.leafBudget);
  }

  /** Dataset paths a volume of this name may live at (one per allowed parent). */
  candidatePaths(name: string): string[] {
    const leaf = this.leaf(name);
    return this.parents.map((parent) => `${parent}/${leaf}`);
  }

  volumeId(path: string): string {
    return encodePath(path);
  }

  /** The dataset path of a volume id, or NOT_FOUND when the id is not one of ours. */
  volumePath(id: string): string {
    const path = decodePath(id);
    const cut = path.lastIndexOf('/');
    const parent = path.slice(0, cut);
    const leaf = path.slice(cut + 1);
    const group = this.groupOf(path);
    const budget = group === undefined ? this.leafBudget : this.groupedLeafBudget;
    const placed = group === undefined ? this.parents.includes(parent) : this.#isGroupPath(group);
    if (cut < 0 || !placed || !plainLeaf.test(leaf) || leaf.length > budget) {
      throw new CspProblem('NOT_FOUND', `volume ${id} not found`);
    }
    return path;
  }

  #isGroupPath(path: string): boolean {
    try {
      return this.groupPathOf(encodePath(path)) === path;
    } catch {
      return false;
    }
  }

  /** Target, extent and subsystem name: the leaf, prefixed by the group's leaf for a grouped volume. */
  iscsiName(path: string): string {
    const leaf = path.slice(path.lastIndexOf('/') + 1);
    const group = this.groupOf(path);
    if (group === undefined) {
      return `${this.iscsiPrefix}${leaf}`;
    }
    return `${this.iscsiPrefix}${group.slice(group.lastIndexOf('/') + 1 + groupPrefix.length)}.${leaf}`;
  }

  /** The snapshot name under a volume: the snapshot id stays within 128 bytes. */
  snapshotLeaf(name: string, volumePath: string): string {
    return leafFor(name, Math.min(maxIscsiName, maxIdLength - encodePath(volumePath).length - 1));
  }

  snapshotId(snapshot: string): string {
    const [dataset, snap] = snapshot.split('@') as [string, string];
    return `${encodePath(dataset)}@${snap}`;
  }

  /** `dataset@snap` of a snapshot id, or NOT_FOUND. */
  snapshotPath(id: string): string {
    const at = id.indexOf('@');
    const snap = id.slice(at + 1);
    if (at < 0 || !plainLeaf.test(snap) || id.length > maxIdLength) {
      throw new CspProblem('NOT_FOUND', `snapshot ${id} not found`);
    }
    return `${this.volumePath(id.slice(0, at))}@${snap}`;
  }
}
