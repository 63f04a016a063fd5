// Names and ids. A CSI name maps deterministically to a zvol leaf name that is valid for ZFS and
// for iSCSI target/extent names (lower-case `[a-z0-9.:-]`, short enough for SCST's 64-char extent
// limit); names that do not fit are sanitised and suffixed with a hash. A volume id is the zvol's
// dataset path made URL- and CSI-safe (`/`→`~`, `_`→`+`, both impossible in ZFS names), so an id
// is reversible with one filtered query and never ambiguous. Snapshot ids add `@<snapshot>`.
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

  constructor(naming: Naming) {
    this.parents = naming.parents;
    this.iscsiPrefix = naming.iscsiPrefix;
    const longestParent = Math.max(...naming.parents.map((p) => encodePath(p).length));
    this.leafBudget = Math.min(maxIscsiName - naming.iscsiPrefix.length, maxVolumeIdLength - longestParent - 1);
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
    if (cut < 0 || !this.parents.includes(parent) || !plainLeaf.test(leaf) || leaf.length > this.leafBudget) {
      throw new CspProblem('NOT_FOUND', `volume ${id} not found`);
    }
    return path;
  }

  iscsiName(path: string): string {
    return `${this.iscsiPrefix}${path.slice(path.lastIndexOf('/') + 1)}`;
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
