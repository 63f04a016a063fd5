// The real-cluster e2e stack: a cluster (cluster.ts), an array simulator in the test process
// (arrays.ts: the stand-in for an array), and opencsp installed from the chart (opencsp.ts): the
// CSP Deployment, the controller Deployment and the node DaemonSet run as processes on the Node
// the images ship. The backend fixture is the simulator with that CSP process in front. The node's
// driver container runs the loop-node launcher (the production driver with the loop transport;
// the simulator's node API tells it which file holds a published LUN and plays the iSCSI login),
// and the node's initiator name is the node's own /etc/iscsi/initiatorname.iscsi. The CSP, both
// drivers and the controller sidecars serve metrics on free loopback ports (`metricsTargets`).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanups as cleanupList } from '../common/cleanups.js';
import { mutableParameters } from '../csi-sanity/files.js';
import type { E2eBackend, E2eBackendName } from '../e2e/stack.js';
import { randomInitiatorName } from '../e2e/stack.js';
import { serviceNode } from '../launch/service-node.js';
import { detachLoopsUnder, loopsUnder } from '../loop/index.js';
import { type KubeArrayOptions, startKubeArray } from './arrays.js';
import { repoRoot } from './binaries.js';
import { type Cluster, type ClusterNode, startCluster } from './cluster.js';
import { kubeletRootDir } from './kubelet.js';
import { classNames, installOpencsp, type MetricsPorts, type OpencspInstall } from './opencsp.js';
import type { RunningPod } from './pod-runner.js';
import { waitFor } from './wait.js';
import { testNamespace, Workloads } from './workloads.js';

export interface KubeStackOptions extends KubeArrayOptions {
  backend?: E2eBackendName;
  /** pino level of the drivers and the CSP (default info: their logs are files). */
  logLevel?: string;
}

/** A node of the stack with the DaemonSet's pod on it. */
export interface StackNode {
  node: ClusterNode;
  pod: RunningPod;
  initiatorName: string;
}

export interface KubeStack {
  cluster: Cluster;
  backend: E2eBackend;
  opencsp: OpencspInstall;
  kube: Workloads;
  /** The node pods run on (replaced by `replaceNode`). */
  readonly current: StackNode;
  readonly nodeName: string;
  readonly initiatorName: string;
  /** Milliseconds: cluster up (node Ready), then opencsp installed and registered. */
  timings: { clusterMs: number; installMs: number };
  /** A path as the node sees it, reachable from the test (through the node namespace). */
  onNode(path: string): string;
  /** The directory kubelet publishes a pod's filesystem volume to (node path). */
  podVolumeDir(podUid: string, pvName: string): string;
  /** The file kubelet maps a pod's raw block volume to (node path). */
  podDevicePath(podUid: string, pvName: string): string;
  /** Every metrics endpoint: the CSP, both drivers and the controller sidecars (loopback). */
  metricsTargets(): MetricsTarget[];
  /** What is left: array audit, mounts under kubelet's dir, loop devices of LUN files, API objects. */
  leftovers(): Promise<string[]>;
  /** The node leaves: its host registration is removed from the array (the operator's step). */
  decommissionNode(name?: string): Promise<void>;
  /**
   * The current node's machine is gone: its DaemonSet pod, kubelet and mount namespace end (its
   * mounts with it), its loop devices (the LUNs it was logged in to) are released and the array's
   * targets drop its sessions.
   */
  loseNode(): Promise<void>;
  /** A new machine joins as node `name` (new initiator name) with the DaemonSet's pod on it. */
  joinNode(name: string): Promise<StackNode>;
  stop(): Promise<void>;
}

/** One metrics endpoint, named by what serves it. */
export interface MetricsTarget {
  component: string;
  url: string;
}

function metricsTargets(backend: E2eBackend, ports: MetricsPorts): MetricsTarget[] {
  const at = (port: number) => `http://127.0.0.1:${port}/metrics`;
  const { controller, node, ...sidecars } = ports;
  return [
    ...(backend.metricsUrl ? [{ component: `csp-${backend.name}`, url: backend.metricsUrl }] : []),
    { component: 'csi-controller', url: at(controller) },
    { component: 'csi-node', url: at(node) },
    ...Object.entries(sidecars).map(([name, port]) => ({ component: `csi-${name}`, url: at(port) })),
  ];
}

async function httpOk(port: number): Promise<true | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
  return res?.status === 200 ? true : undefined;
}

/** Waits until both pods answer /healthz and kubelet registered the driver (containers that exit are restarted). */
async function waitRegistered(cluster: Cluster, opencsp: OpencspInstall, nodeName: string) {
  for (const [what, port] of Object.entries(opencsp.healthPorts)) {
    await waitFor(() => httpOk(port), { what: `${what} /healthz`, timeoutMs: 60_000, intervalMs: 200 });
  }
  await waitFor(
    async () => {
      const csiNode = await cluster.admin.get<{
        apiVersion: string;
        kind: string;
        metadata: { name: string };
        spec?: { drivers?: { name: string; nodeID: string }[] };
      }>('storage.k8s.io/v1', 'CSINode', nodeName);
      return csiNode?.spec?.drivers?.some((d) => d.name === 'csi.opencsp.io') ? true : undefined;
    },
    { what: `CSINode ${nodeName} lists csi.opencsp.io`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

async function apiLeftovers(kube: Workloads): Promise<string[]> {
  const c = kube.client;
  const lines: string[] = [];
  for (const pod of await c.list('v1', 'Pod', testNamespace)) {
    lines.push(`pod ${pod.metadata.name}`);
  }
  for (const pvc of await c.list('v1', 'PersistentVolumeClaim', testNamespace)) {
    lines.push(`pvc ${pvc.metadata.name}`);
  }
  for (const pv of await c.list('v1', 'PersistentVolume')) {
    lines.push(`pv ${pv.metadata.name}`);
  }
  for (const va of await kube.attachments()) {
    lines.push(`volumeattachment ${va.metadata.name}`);
  }
  for (const content of await c.list('snapshot.storage.k8s.io/v1', 'VolumeSnapshotContent')) {
    lines.push(`volumesnapshotcontent ${content.metadata.name}`);
  }
  return lines;
}

export async function startKubeStack(options: KubeStackOptions = {}): Promise<KubeStack> {
  const logLevel = options.logLevel ?? 'info';
  const cleanups = cleanupList('kube stack');
  const stop = () => cleanups.stop();
  try {
    const started = performance.now();
    const array = await startKubeArray(options.backend === 'synology' ? 'synology' : 'truenas', options);
    const { nodeApi, dropSessions } = array;
    cleanups.push(() => array.stop());
    let backend: E2eBackend | undefined;
    // The node's loop devices go when the node does, before the array's files.
    cleanups.push(async () => {
      if (backend) {
        await detachLoopsUnder(backend.luns.dataDir);
      }
    });
    const cluster = await startCluster();
    cleanups.push(() => cluster.stop());
    const clusterMs = performance.now() - started;
    const initiatorName = randomInitiatorName();
    await cluster.node.namespace.writeFile('/etc/iscsi/initiatorname.iscsi', `InitiatorName=${initiatorName}\n`);
    const caFile = join(cluster.dir, 'array-simulator-ca.pem');
    if (nodeApi.ca) {
      await writeFile(caFile, nodeApi.ca);
    }
    const prefix = array.csp;
    const installStarted = performance.now();
    const opencsp = await installOpencsp({
      cluster,
      values: {
        secrets: array.secrets,
        parameters: array.parameters,
        mutableParameters: mutableParameters[prefix],
        prefix,
        groupSnapshots: prefix === 'truenas',
        logLevel,
        cspValues: array.cspValues(classNames(prefix).arrayCaSecret),
        arrayCa: array.ca,
      },
      nodeDriver: {
        command: [serviceNode().path, join(repoRoot, 'packages/testbed/dist/launch/loop-node.js')],
        workingDir: join(repoRoot, 'packages/testbed'),
        env: {
          NODE_ENV: 'production',
          OPENCSP_LOOP_ARRAY: nodeApi.url,
          ...(nodeApi.ca ? { OPENCSP_LOOP_ARRAY_CA_FILE: caFile } : {}),
        },
      },
    });
    cleanups.push(() => opencsp.stop());
    const fixture = array.fixture(opencsp.cspHandle);
    backend = fixture;
    let current: StackNode = { node: cluster.node, pod: opencsp.node, initiatorName };
    await waitRegistered(cluster, opencsp, current.node.name);
    const installMs = performance.now() - installStarted;
    const kube = new Workloads(cluster.admin);
    return {
      cluster,
      backend: fixture,
      opencsp,
      kube,
      get current() {
        return current;
      },
      get nodeName() {
        return current.node.name;
      },
      get initiatorName() {
        return current.initiatorName;
      },
      timings: { clusterMs, installMs },
      onNode: (path) => current.node.namespace.hostView(path),
      podVolumeDir: (uid, pv) => `${kubeletRootDir}/pods/${uid}/volumes/kubernetes.io~csi/${pv}/mount`,
      metricsTargets: () => metricsTargets(fixture, opencsp.metricsPorts),
      podDevicePath: (uid, pv) => `${kubeletRootDir}/plugins/kubernetes.io/csi/volumeDevices/publish/${pv}/${uid}`,
      async leftovers() {
        const lines = await fixture.audit();
        const mounts = await current.node.namespace.mountsUnder(kubeletRootDir);
        // kubelet bind-mounts its root dir onto itself (shared propagation); everything below is ours.
        for (const m of mounts.filter((x) => x.target !== kubeletRootDir)) {
          lines.push(`mount ${m.target} (${m.fstype} ${m.source})`);
        }
        for (const l of await loopsUnder(fixture.luns.dataDir)) {
          lines.push(`loop device ${l.device} → ${l.file}`);
        }
        lines.push(...(await apiLeftovers(kube)));
        return lines;
      },
      decommissionNode: (name) => fixture.removeHost(name ?? current.node.name),
      async loseNode() {
        await current.pod.stop();
        await current.node.stop();
        await detachLoopsUnder(fixture.luns.dataDir);
        dropSessions(current.initiatorName);
      },
      async joinNode(name) {
        const node = await cluster.addNode(name);
        const iqn = randomInitiatorName();
        await node.namespace.writeFile('/etc/iscsi/initiatorname.iscsi', `InitiatorName=${iqn}\n`);
        const pod = await opencsp.startNodePod(node);
        cleanups.push(() => pod.stop());
        await waitRegistered(cluster, opencsp, name);
        current = { node, pod, initiatorName: iqn };
        return current;
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
