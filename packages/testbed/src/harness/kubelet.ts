// The kubelet's side of CSI, against the node plugin's socket: registration (GetPluginInfo and
// NodeGetInfo, what node-driver-registrar puts into CSINode and the attacher then uses as the
// node id), NodeStage/NodePublish with kubelet's directory layout, stats, node expansion,
// unpublish and unstage, each retried the way kubelet's volume manager retries (every failure,
// with exponential backoff), and kubelet's own directory bookkeeping (vol_data.json, removing the
// directories it made). The raw block pod mapping kubelet adds on top of the CSI publish path
// (a symlink in the pod directory and a loop device pinning it) is not played.
import { createHash } from 'node:crypto';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type * as csi from '@opencsp/csi-driver';
import { type CsiClient, isGrpcError } from './client.js';
import type { KubeHarness } from './kube.js';
import { type RetryPolicy, withRetry } from './retry.js';
import type { PersistentVolume } from './storage-class.js';

/** kubelet retries every failed volume operation; tests bound the attempts. */
export const kubeletRetry: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  retryable: isGrpcError,
};

export interface KubeletOptions {
  /** A client on the node plugin's socket. */
  client: CsiClient;
  /** Where Secrets live (the sidecars' harness plays the API server). */
  kube: KubeHarness;
  /** kubelet's root directory (`--root-dir`, /var/lib/kubelet on a real node). */
  kubeletDir: string;
  retry?: RetryPolicy;
}

/** A PV as one pod uses it: where kubelet published it and with which attachment metadata. */
export interface PodVolume {
  pv: PersistentVolume;
  podUid: string;
  /** NodePublishVolume's target path (a directory for filesystems, a file for raw block). */
  targetPath: string;
  readOnly: boolean;
  publishContext: Record<string, string>;
}

export interface Registration {
  driverName: string;
  nodeId: string;
  capabilities: string[];
}

async function removeEmptyDir(path: string): Promise<void> {
  await rmdir(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') {
      throw new Error(`kubelet could not remove ${path}: ${err.message}`);
    }
  });
}

export class Kubelet {
  readonly client: CsiClient;
  readonly kubeletDir: string;
  readonly #kube: KubeHarness;
  readonly #retry: RetryPolicy;
  #registration: Registration | undefined;

  constructor(options: KubeletOptions) {
    this.client = options.client;
    this.#kube = options.kube;
    this.kubeletDir = options.kubeletDir;
    this.#retry = options.retry ?? kubeletRetry;
  }

  /** Plugin registration: the driver name and node id (cached, as CSINode holds them). */
  async register(): Promise<Registration> {
    if (!this.#registration) {
      const info = await this.client.identity('GetPluginInfo', {});
      const node = await this.client.node('NodeGetInfo', {});
      const caps = await this.client.node('NodeGetCapabilities', {});
      this.#registration = {
        driverName: info.name,
        nodeId: node.nodeId,
        capabilities: caps.capabilities.map((c) => c.rpc?.type ?? '').filter((t) => t !== ''),
      };
    }
    return this.#registration;
  }

  async nodeId(): Promise<string> {
    return (await this.register()).nodeId;
  }

  #pluginDir(): string {
    return join(this.kubeletDir, 'plugins', 'kubernetes.io', 'csi');
  }

  /** NodeStage's staging path: `globalmount` under the sha256 of the handle, or the block staging dir. */
  async stagingPath(pv: PersistentVolume): Promise<string> {
    if (pv.volumeMode === 'Block') {
      return join(this.#pluginDir(), 'volumeDevices', 'staging', pv.name);
    }
    const { driverName } = await this.register();
    const hash = createHash('sha256').update(pv.volumeHandle).digest('hex');
    return join(this.#pluginDir(), driverName, hash, 'globalmount');
  }

  /** NodePublish's target path for a pod. */
  publishPath(pv: PersistentVolume, podUid: string): string {
    return pv.volumeMode === 'Block'
      ? join(this.#pluginDir(), 'volumeDevices', 'publish', pv.name, podUid)
      : join(this.kubeletDir, 'pods', podUid, 'volumes', 'kubernetes.io~csi', pv.name, 'mount');
  }

  #call<T>(work: () => Promise<T>): Promise<T> {
    return withRetry(work, this.#retry);
  }

  #volData(pv: PersistentVolume): string {
    return JSON.stringify({ volumeHandle: pv.volumeHandle, driverName: this.#registration?.driverName ?? '' });
  }

  /** MountDevice (filesystem) or SetUpDevice (block): NodeStageVolume. Returns the staging path. */
  async stage(pv: PersistentVolume, publishContext: Record<string, string>): Promise<string> {
    const { capabilities } = await this.register();
    const staging = await this.stagingPath(pv);
    if (!capabilities.includes('STAGE_UNSTAGE_VOLUME')) {
      return staging;
    }
    await mkdir(staging, { recursive: true, mode: 0o750 });
    if (pv.volumeMode === 'Filesystem') {
      await writeFile(join(dirname(staging), 'vol_data.json'), this.#volData(pv));
    }
    const request: csi.NodeStageVolumeRequest = {
      volumeId: pv.volumeHandle,
      publishContext,
      stagingTargetPath: staging,
      volumeCapability: await this.#kube.pvCapability(pv),
      secrets: this.#kube.secretsFor(pv.storageClass.parameters, 'node-stage'),
      volumeContext: pv.volumeAttributes,
    };
    await this.#call(() => this.client.node('NodeStageVolume', request));
    return staging;
  }

  /** SetUp (filesystem) or MapPodDevice (block): NodePublishVolume for one pod. */
  async publish(
    pv: PersistentVolume,
    publishContext: Record<string, string>,
    options: { podUid: string; readOnly?: boolean },
  ): Promise<PodVolume> {
    const targetPath = this.publishPath(pv, options.podUid);
    await mkdir(dirname(targetPath), { recursive: true, mode: 0o750 });
    if (pv.volumeMode === 'Filesystem') {
      await writeFile(join(dirname(targetPath), 'vol_data.json'), this.#volData(pv));
    }
    const readOnly = options.readOnly ?? false;
    const request: csi.NodePublishVolumeRequest = {
      volumeId: pv.volumeHandle,
      publishContext,
      stagingTargetPath: await this.stagingPath(pv),
      targetPath,
      volumeCapability: await this.#kube.pvCapability(pv),
      readonly: readOnly,
      secrets: this.#kube.secretsFor(pv.storageClass.parameters, 'node-publish'),
      volumeContext: pv.volumeAttributes,
    };
    await this.#call(() => this.client.node('NodePublishVolume', request));
    return { pv, podUid: options.podUid, targetPath, readOnly, publishContext };
  }

  /** The volume stats kubelet collects for a pod's volume. */
  async stats(volume: PodVolume): Promise<csi.NodeGetVolumeStatsResponse__Output> {
    return this.#call(async () =>
      this.client.node('NodeGetVolumeStats', {
        volumeId: volume.pv.volumeHandle,
        volumePath: volume.targetPath,
        stagingTargetPath: await this.stagingPath(volume.pv),
      }),
    );
  }

  /**
   * NodeExpandVolume after the resizer's ControllerExpandVolume said node expansion is required:
   * online through a pod's volume path, or (no pod) offline right after staging, as kubelet does
   * when a volume is mounted again after an offline resize.
   */
  async expand(pv: PersistentVolume, volume?: PodVolume): Promise<number> {
    const staging = await this.stagingPath(pv);
    const response = await this.#call(async () =>
      this.client.node('NodeExpandVolume', {
        volumeId: pv.volumeHandle,
        volumePath: volume?.targetPath ?? staging,
        capacityRange: { requiredBytes: pv.capacity },
        stagingTargetPath: staging,
        volumeCapability: await this.#kube.pvCapability(pv),
        secrets: this.#kube.secretsFor(pv.storageClass.parameters, 'node-expand'),
      }),
    );
    return response.capacityBytes;
  }

  /** TearDown (filesystem) or UnmapPodDevice (block): NodeUnpublishVolume, then kubelet's cleanup. */
  async unpublish(volume: PodVolume): Promise<void> {
    await this.#call(() =>
      this.client.node('NodeUnpublishVolume', { volumeId: volume.pv.volumeHandle, targetPath: volume.targetPath }),
    );
    const parent = dirname(volume.targetPath);
    if (volume.pv.volumeMode === 'Filesystem') {
      await removeEmptyDir(volume.targetPath);
      await rm(join(parent, 'vol_data.json'), { force: true });
    }
    await removeEmptyDir(parent);
  }

  /** UnmountDevice (filesystem) or TearDownDevice (block): NodeUnstageVolume, then kubelet's cleanup. */
  async unstage(pv: PersistentVolume): Promise<void> {
    const { capabilities } = await this.register();
    const staging = await this.stagingPath(pv);
    if (capabilities.includes('STAGE_UNSTAGE_VOLUME')) {
      await this.#call(() =>
        this.client.node('NodeUnstageVolume', { volumeId: pv.volumeHandle, stagingTargetPath: staging }),
      );
    }
    await removeEmptyDir(staging);
    if (pv.volumeMode === 'Filesystem') {
      await rm(join(dirname(staging), 'vol_data.json'), { force: true });
      await removeEmptyDir(dirname(staging));
    }
  }
}
