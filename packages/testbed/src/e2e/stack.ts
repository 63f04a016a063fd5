// The whole stack a cluster runs, in one process and on loopback: the array simulator, its CSP,
// the driver in controller mode (with the sidecars' harness) and the driver in node mode on its
// own socket (with kubelet's harness), the node's LUNs attached through loop devices. One
// `stop()` removes everything, also after a failure: mounts under the kubelet dir, loop devices
// of the array's backing files, both drivers, the CSP and the simulator.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { cleanups as cleanupList } from '../common/cleanups.js';
import {
  type BackendFixture,
  type LunSource,
  type SynologyBackendOptions,
  synologyBackend,
  type TrueNasBackendOptions,
  truenasBackend,
} from '../harness/backends/index.js';
import { type DriverFixture, startDriverFixture } from '../harness/driver.js';
import type { KubeHarness } from '../harness/kube.js';
import { Kubelet } from '../harness/kubelet.js';
import { type NodeDriverFixture, startNodeDriver } from '../harness/node-driver.js';
import {
  type PersistentVolume,
  type SecretRef,
  type StorageClass,
  snapshotClass,
  storageClass,
  type VolumeSnapshotClass,
} from '../harness/storage-class.js';
import { detachLoopsUnder, loopsUnder, mountsUnder, requireLoopEnvironment, unmountUnder } from '../loop/index.js';
import { type Pod, PodScheduler } from './pods.js';

/** Arrays whose simulators keep LUN data a node can attach: the e2e stack runs on these. */
export const e2eBackendNames = ['truenas', 'synology'] as const;
export type E2eBackendName = (typeof e2eBackendNames)[number];

/** A backend fixture whose array keeps LUN data (every e2e backend). */
export type E2eBackend = BackendFixture & { readonly luns: LunSource };

export interface E2eStackOptions {
  /** The array and CSP behind the driver (default truenas). */
  backend?: E2eBackendName;
  /** kubelet's root dir; default a fresh temp dir, removed by `stop()`. */
  kubeletDir?: string;
  /** pino level for both drivers and the CSP (default silent). */
  logLevel?: string;
  /** The node's Kubernetes name (default e2e-node-1). */
  nodeName?: string;
  /** The node's initiator name (default a Debian-style IQN with a random suffix). */
  initiatorName?: string;
  /** Settings of the TrueNAS fixture (backend truenas). */
  truenas?: TrueNasBackendOptions;
  /** Settings of the Synology fixture (backend synology), e.g. `{ csp: { masking: 'chap' } }`. */
  synology?: SynologyBackendOptions;
  /** Serve metrics from the CSP and both drivers on free loopback ports (`metricsTargets`). */
  metrics?: boolean;
}

export interface E2eStack {
  backend: E2eBackend;
  /** The driver in controller mode; `controller.kube` plays the sidecars. */
  controller: DriverFixture;
  /** The driver in node mode (loop transport). */
  node: NodeDriverFixture;
  kube: KubeHarness;
  kubelet: Kubelet;
  pods: PodScheduler;
  kubeletDir: string;
  nodeName: string;
  initiatorName: string;
  /** The node's NVMe host NQN, when the array serves NVMe/TCP (TrueNAS). */
  hostnqn: string | undefined;
  /** The Secret every class of this stack references. */
  secretRef: SecretRef;
  /** A StorageClass for a filesystem (ext4, xfs, btrfs) or, without fsType, for raw block PVCs. */
  storageClass(name: string, fsType?: string, parameters?: Record<string, string>): StorageClass;
  snapshotClass: VolumeSnapshotClass;
  /** Starts a pod that uses these PVs (attach, stage, publish as needed). */
  startPod(pvs: PersistentVolume[], options?: { readOnly?: boolean }): Promise<Pod>;
  /** Deletes a pod (unpublish; unstage and detach with the last pod of a PV). */
  stopPod(pod: Pod): Promise<void>;
  /**
   * external-resizer then kubelet: ControllerExpandVolume, and NodeExpandVolume when the driver asks
   * for it, online through a running pod or, with no pod, at the next stage.
   */
  resize(pv: PersistentVolume, bytes: number, pod?: Pod): Promise<void>;
  /** The node leaves the cluster: its host registration is removed from the array (an operator step). */
  decommissionNode(): Promise<void>;
  /** What is left: the array's leak audit, mounts under the kubelet dir, loop devices of LUN files. */
  leftovers(): Promise<string[]>;
  /** The metrics endpoints (option `metrics`): the CSP, the controller driver and the node driver. */
  metricsTargets(): MetricsTarget[];
  stop(): Promise<void>;
}

/** One metrics endpoint of a stack, named by what serves it. */
export interface MetricsTarget {
  component: 'csp-truenas' | 'csp-synology' | 'csi-controller' | 'csi-node';
  url: string;
}

/** The node half of a stack: the driver in node mode (loop transport) and kubelet's harness. */
export interface NodeSide {
  driver: NodeDriverFixture;
  kubelet: Kubelet;
  pods: PodScheduler;
  kubeletDir: string;
  hostnqn: string | undefined;
}

/**
 * Starts the node driver for `backend` and kubelet on top of it. `onCleanup` receives, in start
 * order, what `stop` must run in reverse: unmount and detach everything of this node before the
 * array's files go, then stop the node driver.
 */
export async function startNodeSide(input: {
  backend: E2eBackend;
  kube: KubeHarness;
  kubeletDir: string;
  nodeName: string;
  initiatorName: string;
  /** The node's host NQN when the array serves NVMe/TCP (default: a random one). */
  hostnqn?: string;
  logLevel: string;
  metrics?: boolean;
  onCleanup: (cleanup: () => Promise<void>) => void;
}): Promise<NodeSide> {
  const { backend, kube, kubeletDir } = input;
  input.onCleanup(async () => {
    await unmountUnder(kubeletDir);
    await detachLoopsUnder(backend.luns.dataDir);
  });
  const nvme = backend.luns.nvme;
  const hostnqn = nvme ? (input.hostnqn ?? randomHostNqn()) : undefined;
  const driver = await startNodeDriver({
    nodeName: input.nodeName,
    initiatorNames: [input.initiatorName],
    resolve: backend.luns.resolve,
    sessions: backend.luns.sessions(input.initiatorName),
    ...(nvme && hostnqn ? { nvme: { hostnqn, resolve: nvme.resolve, sessions: nvme.sessions(hostnqn) } } : {}),
    logLevel: input.logLevel,
    ...(input.metrics ? { metrics: true } : {}),
  });
  input.onCleanup(() => driver.stop());
  const kubelet = new Kubelet({ client: driver.client, kube, kubeletDir });
  return { driver, kubelet, pods: new PodScheduler(kube, kubelet), kubeletDir, hostnqn };
}

/** What a stack left behind: the array's leak audit, mounts under the kubelet dir, loop devices of LUN files. */
export async function stackLeftovers(backend: E2eBackend, kubeletDir: string | undefined): Promise<string[]> {
  const lines = await backend.audit();
  if (kubeletDir !== undefined) {
    lines.push(...(await mountsUnder(kubeletDir)).map((m) => `mount ${m}`));
    lines.push(...(await loopsUnder(backend.luns.dataDir)).map((l) => `loop device ${l.device} → ${l.file}`));
  }
  return lines;
}

/** A Debian-style initiator name with a random suffix. */
export const randomInitiatorName = () => `iqn.1993-08.org.debian:01:${randomBytes(6).toString('hex')}`;
/** A host NQN as `nvme gen-hostnqn` makes it (a random UUID). */
export const randomHostNqn = () => `nqn.2014-08.org.nvmexpress:uuid:${randomUUID()}`;

export function startBackend(
  name: E2eBackendName,
  options: Pick<E2eStackOptions, 'truenas' | 'synology' | 'metrics'>,
  logLevel: string,
): Promise<E2eBackend> {
  const logger = pino({ level: logLevel });
  const metricsAddress = { host: '127.0.0.1', port: 0 };
  switch (name) {
    case 'truenas': {
      const cspArgs = [...(options.truenas?.cspArgs ?? [])];
      if (options.metrics) {
        cspArgs.push('--metrics-address', '127.0.0.1:0');
      }
      return truenasBackend({ ...options.truenas, cspArgs, logger });
    }
    case 'synology': {
      const csp = { ...options.synology?.csp, ...(options.metrics ? { metricsAddress } : {}) };
      return synologyBackend({ ...options.synology, csp, logger });
    }
  }
}

function metricsTargets(backend: E2eBackend, controller: DriverFixture, node: NodeDriverFixture): MetricsTarget[] {
  const targets: MetricsTarget[] = [];
  const csp = backend.name === 'truenas' ? 'csp-truenas' : 'csp-synology';
  for (const [component, url] of [
    [csp, backend.metricsUrl],
    ['csi-controller', controller.metricsUrl],
    ['csi-node', node.metricsUrl],
  ] as const) {
    if (url) {
      targets.push({ component, url });
    }
  }
  return targets;
}

export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const backendName = options.backend ?? 'truenas';
  if (!(e2eBackendNames as readonly string[]).includes(backendName)) {
    throw new Error(
      `backend ${String(backendName)} is not available: the e2e stack runs on ${e2eBackendNames.join(', ')}`,
    );
  }
  await requireLoopEnvironment();
  const cleanups = cleanupList('e2e stack');
  const stop = () => cleanups.stop();
  try {
    const logLevel = options.logLevel ?? 'silent';
    const ownKubeletDir = options.kubeletDir === undefined;
    const kubeletDir = options.kubeletDir ?? (await mkdtemp(join(tmpdir(), 'opencsp-kubelet-')));
    if (ownKubeletDir) {
      cleanups.push(() => rm(kubeletDir, { recursive: true, force: true }));
    }
    const backend = await startBackend(backendName, options, logLevel);
    cleanups.push(() => backend.stop());
    const controller = await startDriverFixture({
      defaultSecret: backend.secrets,
      logLevel,
      ...(options.metrics ? { metrics: true } : {}),
    });
    cleanups.push(() => controller.stop());
    const nodeName = options.nodeName ?? 'e2e-node-1';
    const initiatorName = options.initiatorName ?? randomInitiatorName();
    const {
      driver: node,
      kubelet,
      pods,
      hostnqn,
    } = await startNodeSide({
      backend,
      kube: controller.kube,
      kubeletDir,
      nodeName,
      initiatorName,
      logLevel,
      ...(options.metrics ? { metrics: true } : {}),
      onCleanup: (cleanup) => cleanups.push(cleanup),
    });
    const kube = controller.kube;
    const secretRef: SecretRef = { name: `opencsp-${backendName}`, namespace: 'kube-system' };
    kube.addSecret(secretRef, backend.secrets);
    return {
      backend,
      controller,
      node,
      kube,
      kubelet,
      pods,
      kubeletDir,
      nodeName,
      initiatorName,
      hostnqn,
      secretRef,
      storageClass: (name, fsType, parameters = {}) =>
        storageClass(name, secretRef, {
          ...(fsType ? { 'csi.storage.k8s.io/fstype': fsType } : {}),
          ...parameters,
        }),
      snapshotClass: snapshotClass('opencsp-snapshots', secretRef),
      startPod: (pvs, podOptions) => pods.start(pvs, podOptions),
      stopPod: (pod) => pods.stop(pod),
      async resize(pv, bytes, pod) {
        const { nodeExpansionRequired } = await kube.expand(pv, bytes);
        if (!nodeExpansionRequired) {
          return;
        }
        const volume = pod?.volumes.find((v) => v.pv.volumeHandle === pv.volumeHandle);
        if (volume) {
          await kubelet.expand(pv, volume);
        } else {
          pods.markResizePending(pv);
        }
      },
      decommissionNode: () => backend.removeHost(nodeName),
      leftovers: () => stackLeftovers(backend, kubeletDir),
      metricsTargets: () => metricsTargets(backend, controller, node),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
