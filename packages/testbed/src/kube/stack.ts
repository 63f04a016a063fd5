// The real-cluster e2e stack: a cluster (cluster.ts), an array simulator with its CSP on the test
// process (the backend fixtures), and opencsp installed from the chart (opencsp.ts). The node's
// driver container runs the loop-node launcher (the production driver with the loop transport;
// the simulator's node API tells it which file holds a published LUN and plays the iSCSI login),
// and the node's initiator name is the node's own /etc/iscsi/initiatorname.iscsi. The CSP, both
// drivers and the controller sidecars serve metrics on free loopback ports (`metricsTargets`).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { cleanups as cleanupList } from '../common/cleanups.js';
import { testPki } from '../common/index.js';
import { mutableParameters } from '../csi-sanity/files.js';
import type { E2eBackend, E2eBackendName } from '../e2e/stack.js';
import { randomInitiatorName } from '../e2e/stack.js';
import {
  type SynologyBackendOptions,
  synologyBackend,
  type TrueNasBackendOptions,
  truenasBackend,
} from '../harness/backends/index.js';
import { serviceNode } from '../launch/service-node.js';
import { detachLoopsUnder, handleNodeApi, loopsUnder, nodeApiPrefix } from '../loop/index.js';
import { repoRoot } from './binaries.js';
import { type Cluster, type ClusterNode, startCluster } from './cluster.js';
import { kubeletRootDir } from './kubelet.js';
import { installOpencsp, type MetricsPorts, type OpencspInstall } from './opencsp.js';
import type { RunningPod } from './pod-runner.js';
import { waitFor } from './wait.js';
import { testNamespace, Workloads } from './workloads.js';

export interface KubeStackOptions {
  backend?: E2eBackendName;
  /** pino level of the drivers and the CSP (default info for the drivers: their logs are files). */
  logLevel?: string;
  truenas?: TrueNasBackendOptions;
  synology?: SynologyBackendOptions;
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

interface StartedBackend {
  backend: E2eBackend;
  /** Where the node API is served, and the CA that signed the simulator's certificate. */
  nodeApi: { url: string; ca?: string };
  /** The target drops an initiator's sessions (its TCP connections died with its machine). */
  dropSessions(initiator: string): void;
}

const sessionsOf = (backend: E2eBackend, initiator: string) =>
  backend.luns.loggedIn().filter((s) => s.initiator === initiator);

async function startKubeBackend(options: KubeStackOptions, logLevel: string): Promise<StartedBackend> {
  const logger = pino({ level: logLevel });
  if ((options.backend ?? 'truenas') === 'truenas') {
    const cspArgs = [...(options.truenas?.cspArgs ?? []), '--metrics-address', '127.0.0.1:0'];
    const backend = await truenasBackend({ ...options.truenas, cspArgs, logger });
    const sim = backend.stack.sim;
    sim.routes.add(nodeApiPrefix, (req, res, url) => handleNodeApi(backend.luns, req, res, url));
    return {
      backend,
      nodeApi: { url: `${sim.tls ? 'https' : 'http'}://${sim.address}`, ...(sim.tls ? { ca: sim.tls.cert } : {}) },
      dropSessions: (iqn) => {
        for (const s of sessionsOf(backend, iqn)) {
          sim.iscsiLogout(s.target, iqn);
        }
      },
    };
  }
  const csp = { ...options.synology?.csp, metricsAddress: { host: '127.0.0.1', port: 0 } };
  const backend = await synologyBackend({ ...options.synology, csp, logger });
  backend.sim.routes.add(nodeApiPrefix, (req, res, url) => handleNodeApi(backend.luns, req, res, url));
  return {
    backend,
    nodeApi: { url: backend.sim.url, ...(backend.sim.certificate ? { ca: backend.sim.certificate } : {}) },
    dropSessions: (iqn) => {
      for (const s of sessionsOf(backend, iqn)) {
        backend.sim.portalLogout(iqn, s.target);
      }
    },
  };
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
    const { backend, nodeApi, dropSessions } = await startKubeBackend(
      options,
      process.env.HARNESS_CSP_LOG_LEVEL ?? 'silent',
    );
    cleanups.push(() => backend.stop());
    // The node's loop devices go when the node does, before the array's files.
    cleanups.push(() => detachLoopsUnder(backend.luns.dataDir));
    const cluster = await startCluster();
    cleanups.push(() => cluster.stop());
    const clusterMs = performance.now() - started;
    const initiatorName = randomInitiatorName();
    await cluster.node.namespace.writeFile('/etc/iscsi/initiatorname.iscsi', `InitiatorName=${initiatorName}\n`);
    const caFile = join(cluster.dir, 'array-simulator-ca.pem');
    if (nodeApi.ca) {
      await writeFile(caFile, nodeApi.ca);
    }
    const prefix = backend.name.startsWith('synology') ? 'synology' : 'truenas';
    const installStarted = performance.now();
    const opencsp = await installOpencsp({
      cluster,
      values: {
        secrets: backend.secrets,
        parameters: backend.parameters,
        mutableParameters: mutableParameters[prefix],
        prefix,
        groupSnapshots: prefix === 'truenas',
        logLevel,
        cspCa: (await testPki()).ca.cert,
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
    let current: StackNode = { node: cluster.node, pod: opencsp.node, initiatorName };
    await waitRegistered(cluster, opencsp, current.node.name);
    const installMs = performance.now() - installStarted;
    const kube = new Workloads(cluster.admin);
    return {
      cluster,
      backend,
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
      metricsTargets: () => metricsTargets(backend, opencsp.metricsPorts),
      podDevicePath: (uid, pv) => `${kubeletRootDir}/plugins/kubernetes.io/csi/volumeDevices/publish/${pv}/${uid}`,
      async leftovers() {
        const lines = await backend.audit();
        const mounts = await current.node.namespace.mountsUnder(kubeletRootDir);
        // kubelet bind-mounts its root dir onto itself (shared propagation); everything below is ours.
        for (const m of mounts.filter((x) => x.target !== kubeletRootDir)) {
          lines.push(`mount ${m.target} (${m.fstype} ${m.source})`);
        }
        for (const l of await loopsUnder(backend.luns.dataDir)) {
          lines.push(`loop device ${l.device} → ${l.file}`);
        }
        lines.push(...(await apiLeftovers(kube)));
        return lines;
      },
      decommissionNode: (name) => backend.removeHost(name ?? current.node.name),
      async loseNode() {
        await current.pod.stop();
        await current.node.stop();
        await detachLoopsUnder(backend.luns.dataDir);
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
