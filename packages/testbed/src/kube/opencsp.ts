// opencsp installed on a test cluster from its chart: the real `helm install` of charts/opencsp
// into the real apiserver (helm-release.ts) with the values a user would give (the array's CSP
// enabled with its settings and the array's CA Secret, the backend Secret in service mode,
// StorageClasses, a VolumeSnapshotClass, a VolumeAttributesClass, free health ports, metrics on
// free ports, the CSPs' TLS left at the chart's default: Helm generates the CA and certificate).
// The three workloads are read back from the apiserver and their pod templates run as processes
// on the node (pod-runner.ts) with exactly the stored args and env: the CSP Deployment
// (csp-pod.ts; the controller reaches it through its Service's name and port), the controller
// Deployment (driver + provisioner, attacher, snapshotter, resizer, livenessprobe,
// authenticated with the controller ServiceAccount's token) and the node DaemonSet (driver +
// node-driver-registrar + livenessprobe, no token). The cluster runs no Deployment, ReplicaSet or
// DaemonSet controller (control-plane.ts), so these runs are the workloads' only pods.
import { join } from 'node:path';
import type { CspHandle } from '../harness/backends/types.js';
import { serviceDir, serviceScript } from '../launch/service-entry.js';
import { serviceNode } from '../launch/service-node.js';
import type { KubeCsp } from './arrays.js';
import type { KubeObject } from './client.js';
import type { Cluster, ClusterNode } from './cluster.js';
import { runCspPod, serviceHosts } from './csp-pod.js';
import { HelmRelease, type Release } from './helm-release.js';
import { type Program, type RunningPod, runPod } from './pod-runner.js';
import type { PodSpec } from './pod-spec.js';
import { freePorts } from './wait.js';

export const releaseNamespace = 'kube-system';
export const driverName = 'csi.opencsp.io';

export interface OpencspValues {
  /** The backend Secret's data (backend, username, password; the chart adds its CSP's Service). */
  secrets: Record<string, string>;
  /** StorageClass parameters for the CSP. */
  parameters: Record<string, string>;
  /** A VolumeAttributesClass's parameters (settings the CSP changes on a live volume). */
  mutableParameters?: Record<string, string>;
  /** The CSP the release runs (csps.<prefix>); also the prefix of the class and Secret names. */
  prefix: KubeCsp;
  logLevel: string;
  /** More `csps.<prefix>` values: the CSP's settings (env) and how it trusts the array. */
  cspValues?: Record<string, unknown>;
  /** The CA (PEM) of the array's certificate: the operator's Secret `classes.arrayCaSecret`. */
  arrayCa?: string | undefined;
  /** The CSP claims snapshot_groups: VolumeGroupSnapshots on, a grouped StorageClass and a class for them. */
  groupSnapshots?: boolean;
}

/** What the chart renders for the test: names of the classes and the values file. */
export interface OpencspClasses {
  secretName: string;
  /** The Secret with the CA of the array's certificate (mounted by the CSP). */
  arrayCaSecret: string;
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
  /** The CSP Deployment's pod, and how the test reaches that CSP. */
  csp: RunningPod;
  cspHandle: CspHandle;
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

/** The CSP's Service port (where its process listens, csp-pod.ts) and metrics port. */
export interface CspPorts {
  service: number;
  metrics: number;
}

export interface InstallOptions {
  cluster: Cluster;
  values: OpencspValues;
  /** The program the node DaemonSet's driver container runs here (its args follow). */
  nodeDriver: Program;
}

export function classNames(prefix: KubeCsp): OpencspClasses {
  return {
    secretName: `${prefix}-backend`,
    arrayCaSecret: `${prefix}-array-ca`,
    ext4: `${prefix}-ext4`,
    xfs: `${prefix}-xfs`,
    waitForConsumer: `${prefix}-wffc`,
    snapshots: `${prefix}-snapshots`,
    modified: `${prefix}-modified`,
    grouped: `${prefix}-grouped`,
    groupSnapshots: `${prefix}-group-snapshots`,
  };
}

export function valuesFor(input: OpencspValues, ports: HealthPorts, metrics?: MetricsPorts, csp?: CspPorts) {
  const classes = classNames(input.prefix);
  const s = input.secrets;
  const cspValues = {
    enabled: true,
    logLevel: input.logLevel,
    ...(csp ? { service: { port: csp.service } } : {}),
    ...input.cspValues,
  };
  return {
    // The controller trusts the CA the chart generates for its CSP (cspTls.mode generate).
    driver: { logLevel: input.logLevel },
    // The driver knows the CSP from the start (--csp-secret-dir), so it can advertise MODIFY_VOLUME
    // and LIST_VOLUMES_PUBLISHED_NODES when the sidecars read its capabilities once at start.
    controller: { healthPort: ports.controller, cspSecretName: classes.secretName },
    node: { healthPort: ports.node, registrarHealthPort: ports.registrar },
    csps: { [input.prefix]: cspValues },
    // Service mode: the chart writes its CSP's Service name and port into the Secret.
    backendSecrets: [
      { name: classes.secretName, csp: input.prefix, backend: s.backend, username: s.username, password: s.password },
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
    ...(metrics ? { metrics: metricsValues(metrics, csp) } : {}),
  };
}

function metricsValues(ports: MetricsPorts, csp: CspPorts | undefined) {
  const { controller, node, ...sidecarPorts } = ports;
  return {
    enabled: true,
    controllerPort: controller,
    nodePort: node,
    sidecarPorts,
    ...(csp ? { cspPort: csp.metrics } : {}),
  };
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

/**
 * The release's one object of a kind and component (and name, when given: a CSP's Service has its
 * Deployment's name, its metrics Service another), as the apiserver stored it (defaults filled in).
 */
async function workload(
  cluster: Cluster,
  release: Release,
  kind: 'Deployment' | 'DaemonSet' | 'Service',
  component: string,
  name?: string,
): Promise<KubeObject> {
  const hits = release.objects
    .map((o) => o.object)
    .filter(
      (o) =>
        o.kind === kind &&
        o.metadata.labels?.['app.kubernetes.io/component'] === component &&
        (name === undefined || o.metadata.name === name),
    );
  const found = hits[0]?.metadata.name;
  if (hits.length !== 1 || found === undefined) {
    throw new Error(`the release holds ${hits.length} ${kind}s of ${component}; the test installs exactly one`);
  }
  const stored = await cluster.admin.get(kind === 'Service' ? 'v1' : 'apps/v1', kind, found, releaseNamespace);
  if (stored === undefined) {
    throw new Error(`${kind} ${releaseNamespace}/${found} of the release is not in the apiserver`);
  }
  return stored;
}

const podSpecOf = (w: KubeObject) => (w.spec as { template: { spec: PodSpec } }).template.spec;

export async function installOpencsp(options: InstallOptions): Promise<OpencspInstall> {
  const { cluster } = options;
  const free = await freePorts(11);
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
  const values = valuesFor(options.values, healthPorts, metricsPorts, { service: port(9), metrics: port(10) });
  if (options.values.arrayCa !== undefined) {
    // The CA of the array's certificate: the operator's own Secret, outside the release.
    await cluster.admin.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: classNames(options.values.prefix).arrayCaSecret, namespace: releaseNamespace },
      type: 'Opaque',
      data: { 'ca.crt': Buffer.from(options.values.arrayCa).toString('base64') },
    } as KubeObject);
  }
  const helm = await HelmRelease.start({
    kubeconfig: cluster.controlPlane.adminKubeconfig,
    namespace: releaseNamespace,
  });
  let release: Release;
  let controllerWorkload: KubeObject;
  let nodeWorkload: KubeObject;
  let cspWorkload: KubeObject;
  let cspService: KubeObject;
  const cspComponent = `csp-${options.values.prefix}`;
  try {
    release = await helm.install([await helm.valuesFile('opencsp-values.json', values)]);
    controllerWorkload = await workload(cluster, release, 'Deployment', 'controller');
    nodeWorkload = await workload(cluster, release, 'DaemonSet', 'node');
    cspWorkload = await workload(cluster, release, 'Deployment', cspComponent);
    cspService = await workload(cluster, release, 'Service', cspComponent, cspWorkload.metadata.name);
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
  let csp: Awaited<ReturnType<typeof runCspPod>> | undefined;
  let nodePod: RunningPod | undefined;
  let controllerPod: RunningPod;
  try {
    csp = await runCspPod({
      csp: options.values.prefix,
      name: cspWorkload.metadata.name,
      spec: onLoopback(podSpecOf(cspWorkload)),
      service: cspService,
      admin: cluster.admin,
      run: { ...common, nodeName: cluster.node.name, node: cluster.infraNamespace },
    });
    nodePod = await startNodePod(cluster.node);
    controllerPod = await runPod({
      ...common,
      nodeName: cluster.node.name,
      node: cluster.infraNamespace,
      name: `${controllerWorkload.metadata.name}-0`,
      spec: controllerSpec,
      program: program('controller'),
      hosts: serviceHosts(cspService.metadata.name, releaseNamespace),
    });
  } catch (err) {
    await nodePod?.stop();
    await csp?.pod.stop();
    await helm.dispose();
    throw err;
  }
  const node = nodePod;
  const cspPod = csp.pod;
  return {
    release,
    helm,
    values,
    classes: classNames(options.values.prefix),
    controller: controllerPod,
    csp: cspPod,
    cspHandle: csp.handle,
    node,
    startNodePod,
    healthPorts,
    metricsPorts,
    controllerServiceAccount: controllerSpec.serviceAccountName ?? 'default',
    async stop() {
      await controllerPod.stop();
      await node.stop();
      await cspPod.stop();
      await helm.dispose();
    },
  };
}
