// What the demo's steps share: the options, the stack, and what earlier steps made (the PVC, its
// attachment and pod volume, the data's checksum, the snapshot, the restore and the clone).
import type { PodVolume } from '../harness/kubelet.js';
import type { PersistentVolume, StorageClass, VolumeSnapshotContent } from '../harness/storage-class.js';
import type { NodeDecision } from './node-part.js';
import type { DemoOptions } from './options.js';
import type { StepLog } from './report.js';
import type { DemoNode, DemoStack } from './stack.js';

export interface DemoContext {
  options: DemoOptions;
  stack: DemoStack;
  nodePart: NodeDecision;
  /** Ext4 on a host that refuses to grow a mounted ext4: the pod stops for the grow. */
  offlineGrow: boolean;
  sc?: StorageClass;
  pv?: PersistentVolume;
  publishContext?: Record<string, string>;
  podUid?: string;
  volume?: PodVolume;
  /** sha256 of the file the pod wrote before the snapshot. */
  checksum?: string;
  snapshot?: VolumeSnapshotContent;
  restored?: PersistentVolume;
  clone?: PersistentVolume;
  /** What ControllerExpandVolume answered. */
  nodeExpansionRequired?: boolean;
  /** Filesystem size (statfs total) before the expand. */
  fsBytes?: number;
}

export interface DemoStep {
  name: string;
  /** Runs on the node (skipped, with the reason, when the node part does not run). */
  node?: boolean;
  run(ctx: DemoContext, log: StepLog): Promise<void>;
}

/** A value an earlier step made; a clear error when that step did not make it. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new Error(`${what} is missing: an earlier step did not make it`);
  }
  return value;
}

export function nodeOf(ctx: DemoContext): DemoNode {
  return need(ctx.stack.node, 'the node part');
}

/** The names of the data files the pod writes. */
export const dataFile = 'data.bin';
export const laterFile = 'later.txt';
export const dataBytes = 4 * 1024 ** 2;

/** A path under kubelet's root dir as `<kubelet>/…` (the dir is shown once, when the node starts). */
export function kubeletPath(ctx: DemoContext, path: string): string {
  const dir = ctx.stack.node?.kubeletDir;
  return dir && path.startsWith(`${dir}/`) ? `<kubelet>${path.slice(dir.length)}` : path;
}
