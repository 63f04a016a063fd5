// opencsp installed on a test cluster from its chart: the real `helm install` of charts/opencsp
// into the real apiserver (helm-release.ts) with the values a user would give (the backend
// Secret, StorageClasses, a VolumeSnapshotClass, a VolumeAttributesClass, free health ports,
// metrics on free ports). The two workloads are read back from the apiserver and their pod
// templates run as processes on the node (pod-runner.ts) with exactly the stored args and env:
// the controller Deployment (driver + provisioner, attacher, snapshotter, resizer,
// livenessprobe, authenticated with the controller ServiceAccount's token) and the node DaemonSet
// (driver + node-driver-registrar + livenessprobe, no token). The cluster runs no Deployment,
// ReplicaSet or DaemonSet controller (control-plane.ts), so these runs are the workloads' only pods.
import { join } from 'node:path';
import { serviceDir, serviceScript } from '../launch/service-entry.js';
import { serviceNode } from '../launch/service-node.js';
import type { KubeObject } from './client.js';
import type { Cluster, ClusterNode } from './cluster.js';
import { HelmRelease, type Release } from './helm-release.js';
import { type Program, type RunningPod, runPod } from './pod-runner.js';
import type { PodSpec } from './pod-spec.js';
import { freePorts } from './wait.js';

export const releaseNamespace = 'kube-system';
export const driverName = 'csi.opencsp.io';

export interface OpencspValues {
  /** The backend Secret's data (service mode: serviceName/servicePort, backend, username, password). */
  secrets: Record<string, string>;
  /** StorageClass parameters for the CSP. */
  parameters: Record<string, string>;
  /** A VolumeAttributesClass's parameters (settings the CSP changes on a live volume). */
  mutableParameters?: Record<string, string>;
  /** Prefix of the class and Secret names. */
  prefix: string;
  logLevel: string;
  /** The CA (PEM) of the CSP's HTTPS certificate: a Secret the controller trusts (driver.cspCaBundle). */
  cspCa: string;
  /** The CSP claims snapshot_groups: VolumeGroupSnapshots on, a grouped StorageClass and a class for them. */
  groupSnapshots?: boolean;
}

/** What the chart renders for the test: names of the classes and the values file. */
export interface OpencspClasses {
  secretName: string;
  /** The Secret with the CA of the CSP's certificate (driver.cspCaBundle). */
  cspCaSecret: string;
  ext4: string;
  xfs: string;
  /** ext4, WaitForFirstConsumer. */
  waitForConsumer: string;
  snapshots: string;
  /** The VolumeAttributesClass of `mutableParameters`. */
  modified: string;
  /** ext4 with `volumeGroup` (only with groupSnapshots). */
  grouped: string;
  groupSnapshots: string;
}

export interface OpencspInstall {
  /** The release as `helm install` made it (revision 1). */
  release: Release;
  /** The release on the cluster: `helm upgrade`, `helm uninstall`. */
  helm: HelmRelease;
  /** The values it was installed with (a copy to change for an upgrade). */
  values: ReturnType<typeof valuesFor>;
  classes: OpencspClasses;
  controller: RunningPod;
  /** The DaemonSet's pod on the cluster's first node. */
  node: RunningPod;
  /** Starts the DaemonSet's pod on another node (as the DaemonSet controller would). */
  startNodePod(node: ClusterNode): Promise<RunningPod>;
  /** Where the livenessprobe sidecars and the registrar serve /healthz (127.0.0.1). */
  healthPorts: HealthPorts;
  /** Where the drivers and the controller sidecars serve their metrics (127.0.0.1, /metrics). */
  metricsPorts: MetricsPorts;
  /** The controller pod's ServiceAccount. */
  controllerServiceAccount: string;
  stop(): Promise<void>;
}

export interface HealthPorts {
  controller: number;
  node: number;
  registrar: number;
}

/** The chart's metrics ports: both drivers and the controller sidecars' --http-endpoint. */
export interface MetricsPorts {
  controller: number;
  node: number;
  provisioner: number;
  attacher: number;
  snapshotter: number;
  resizer: number;
}

export interface InstallOptions {
  cluster: Cluster;
  values: OpencspValues;
  /** The program the node DaemonSet's driver container runs here (its args follow). */
  nodeDriver: Program;
}

export function classNames(prefix: string): OpencspClasses {
  return {
    secretName: `${prefix}-backend`,
    cspCaSecret: `${prefix}-csp-ca`,
    ext4: `${prefix}-ext4`,
    xfs: `${prefix}-xfs`,
    waitForConsumer: `${prefix}-wffc`,
    snapshots: `${prefix}-snapshots`,
    modified: `${prefix}-modified`,
    grouped: `${prefix}-grouped`,
    groupSnapshots: `${prefix}-group-snapshots`,
  };
}

export function valuesFor(input: OpencspValues, ports: HealthPorts, metrics?: MetricsPorts) {
  const classes = classNames(input.prefix);
  const s = input.secrets;
  return {
    // The CSP runs outside this release (the test's array stack), over HTTPS signed by the test CA.
    driver: { logLevel: input.logLevel, cspCaBundle: { secretName: classes.cspCaSecret, key: 'ca.crt' } },
    // The driver knows the CSP from the start (--csp-secret-dir), so it can advertise MODIFY_VOLUME
    // and LIST_VOLUMES_PUBLISHED_NODES when the sidecars read its capabilities once at start.
    controller: { healthPort: ports.controller, cspSecretName: classes.secretName },
    node: { healthPort: ports.node, registrarHealthPort: ports.registrar },
    backendSecrets: [
      {
        name: classes.secretName,
        backend: s.backend,
        username: s.username,
        password: s.password,
        ...(s.serviceName ? { serviceName: s.serviceName } : {}),
        ...(s.servicePort ? { servicePort: s.servicePort } : {}),
      },
    ],
    storageClasses: [
      { name: classes.ext4, secretName: classes.secretName, fsType: 'ext4', parameters: input.parameters },
      { name: classes.xfs, secretName: classes.secretName, fsType: 'xfs', parameters: input.parameters },
      {
        name: classes.waitForConsumer,
        secretName: classes.secretName,
        fsType: 'ext4',
        volumeBindingMode: 'WaitForFirstConsumer',
        parameters: input.parameters,
      },
      ...(input.groupSnapshots ? [groupedClass(input, classes)] : []),
    ],
    volumeSnapshotClasses: [{ name: classes.snapshots, secretName: classes.secretName }],
    ...(input.mutableParameters
      ? { volumeAttributesClasses: [{ name: classes.modified, parameters: input.mutableParameters }] }
      : {}),
    ...(input.groupSnapshots ? groupValues(classes) : {}),
    ...(metrics ? { metrics: metricsValues(metrics) } : {}),
  };
}

function metricsValues(ports: MetricsPorts) {
  const { controller, node, ...sidecarPorts } = ports;
  return { enabled: true, controllerPort: controller, nodePort: node, sidecarPorts };
}

const anyInterface = /^(--metrics-address|--http-endpoint)=:(\d+)$/;

/**
 * A pod spec whose listen addresses on every interface (`--metrics-address=:port`,
 * `--http-endpoint=:port`, as the chart renders them for a pod network) are on 127.0.0.1: the
 * test's pods share the machine's network, and tests listen on loopback only.
 */
export function onLoopback(spec: PodSpec): PodSpec {
  return {
    ...spec,
    containers: spec.containers.map((c) => ({ ...c, ...(c.args ? { args: loopbackArgs(c.args) } : {}) })),
  };
}

export function loopbackArgs(args: readonly string[]): string[] {
  return args.map((arg) => arg.replace(anyInterface, '$1=127.0.0.1:$2'));
}

function groupValues(classes: OpencspClasses) {
  return {
    sidecars: { snapshotter: { volumeGroupSnapshots: true } },
    volumeGroupSnapshotClasses: [{ name: classes.groupSnapshots, secretName: classes.secretName }],
  };
}

/** Volumes of this class share the CSP volume group `e2e-app`, so one VolumeGroupSnapshot covers them. */
function groupedClass(input: OpencspValues, classes: OpencspClasses) {
  return {
    name: classes.grouped,
    secretName: classes.secretName,
    fsType: 'ext4',
    parameters: { ...input.parameters, volumeGroup: 'e2e-app' },
  };
}

/**
 * The image → program map of this machine: our driver from the workspace on the images' Node
 * (service-node.ts), sidecars from ../shared/kube.
 */
function programs(cluster: Cluster, nodeDriver: Program) {
  const sidecars = new Set([
    'csi-provisioner',
    'csi-attacher',
    'csi-resizer',
    'csi-snapshotter',
    'csi-node-driver-registrar',
    'livenessprobe',
  ]);
  return (pod: 'controller' | 'node') =>
    (container: { name: string; image: string }): Program => {
      const repository = container.image.replace(/[@:][^/]*$/, '');
      const base = repository.split('/').pop() ?? '';
      if (base === 'csi-driver') {
        return pod === 'node'
          ? nodeDriver
          : {
              command: [serviceNode().path, serviceScript('csi-driver')],
              workingDir: serviceDir('csi-driver'),
            };
      }
      if (sidecars.has(base)) {
        return { command: [cluster.bins.path(base as 'csi-provisioner')] };
      }
      throw new Error(`${container.name}: no program here for image ${container.image}`);
    };
}

/** The release's one workload of a kind, as the apiserver stored it (defaults filled in). */
async function workload(cluster: Cluster, release: Release, kind: 'Deployment' | 'DaemonSet'): Promise<KubeObject> {
  const hits = release.objects.map((o) => o.object).filter((o) => o.kind === kind);
  const name = hits[0]?.metadata.name;
  if (hits.length !== 1 || name === undefined) {
    throw new Error(`the release holds ${hits.length} ${kind}s; the test installs exactly one`);
  }
  const stored = await cluster.admin.get('apps/v1', kind, name, releaseNamespace);
  if (stored === undefined) {
    throw new Error(`${kind} ${releaseNamespace}/${name} of the release is not in the apiserver`);
  }
  return stored;
}

const podSpecOf = (w: KubeObject) => (w.spec as { template: { spec: PodSpec } }).template.spec;

export async function installOpencsp(options: InstallOptions): Promise<OpencspInstall> {
  const { cluster } = options;
  const free = await freePorts(9);
  const port = (i: number) => free[i] as number;
  const healthPorts = { controller: port(0), node: port(1), registrar: port(2) };
  const metricsPorts = {
    controller: port(3),
    node: port(4),
    provisioner: port(5),
    attacher: port(6),
    snapshotter: port(7),
    resizer: port(8),
  };
  const values = valuesFor(options.values, healthPorts, metricsPorts);
  // The CA of the test CSP's certificate: the operator's own Secret, outside the release.
  await cluster.admin.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: classNames(options.values.prefix).cspCaSecret, namespace: releaseNamespace },
    type: 'Opaque',
    data: { 'ca.crt': Buffer.from(options.values.cspCa).toString('base64') },
  } as KubeObject);
  const helm = await HelmRelease.start({
    kubeconfig: cluster.controlPlane.adminKubeconfig,
    namespace: releaseNamespace,
  });
  let release: Release;
  let controllerWorkload: KubeObject;
  let nodeWorkload: KubeObject;
  try {
    release = await helm.install([await helm.valuesFile('opencsp-values.json', values)]);
    controllerWorkload = await workload(cluster, release, 'Deployment');
    nodeWorkload = await workload(cluster, release, 'DaemonSet');
  } catch (err) {
    await helm.dispose();
    throw err;
  }
  const program = programs(cluster, options.nodeDriver);
  const common = {
    namespace: releaseNamespace,
    admin: cluster.admin,
    apiserver: { host: '127.0.0.1', port: cluster.controlPlane.apiserverPort, caFile: cluster.pki.ca.cert },
    group: cluster.group,
    dir: join(cluster.dir, 'pods'),
  };
  const startNodePod = (node: ClusterNode) =>
    runPod({
      ...common,
      nodeName: node.name,
      node: node.namespace,
      name: `${nodeWorkload.metadata.name}-${node.name}`,
      spec: onLoopback(podSpecOf(nodeWorkload)),
      program: program('node'),
    });
  const controllerSpec = onLoopback(podSpecOf(controllerWorkload));
  let nodePod: RunningPod | undefined;
  let controllerPod: RunningPod;
  try {
    nodePod = await startNodePod(cluster.node);
    controllerPod = await runPod({
      ...common,
      nodeName: cluster.node.name,
      node: cluster.infraNamespace,
      name: `${controllerWorkload.metadata.name}-0`,
      spec: controllerSpec,
      program: program('controller'),
    });
  } catch (err) {
    await nodePod?.stop();
    await helm.dispose();
    throw err;
  }
  const node = nodePod;
  return {
    release,
    helm,
    values,
    classes: classNames(options.values.prefix),
    controller: controllerPod,
    node,
    startNodePod,
    healthPorts,
    metricsPorts,
    controllerServiceAccount: controllerSpec.serviceAccountName ?? 'default',
    async stop() {
      await controllerPod.stop();
      await node.stop();
      await helm.dispose();
    },
  };
}
