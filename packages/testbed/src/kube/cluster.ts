// One Kubernetes 1.35 cluster for a test run, as child processes on loopback: the control plane,
// the snapshot CRDs and snapshot-controller, and one node (kubelet + fakecri) in its own mount
// namespace. `stop()` ends every process (the namespace and its mounts go with them) and removes
// the run directory, also after a failed start.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findKubeBinaries, type KubeBinaries } from './binaries.js';
import type { KubeClient, KubeObject } from './client.js';
import { type ControlPlane, startControlPlane } from './control-plane.js';
import { type KubeletNode, startKubelet } from './kubelet.js';
import { type NodeNamespace, startNodeNamespace } from './node-namespace.js';
import { type ClusterPki, createClusterPki } from './pki.js';
import { ProcessGroup } from './processes.js';
import { waitFor } from './wait.js';

export interface ClusterOptions {
  /** The node's name (default e2e-node-1). */
  nodeName?: string;
}

/** A node: its mount namespace and the kubelet (with fakecri) in it. */
export interface ClusterNode {
  name: string;
  namespace: NodeNamespace;
  kubelet: KubeletNode;
  /** The machine goes away: kubelet, fakecri and every process in its namespace end with it. */
  stop(): Promise<void>;
}

export interface Cluster {
  bins: KubeBinaries;
  pki: ClusterPki;
  controlPlane: ControlPlane;
  admin: KubeClient;
  /** The node the cluster started with. */
  node: ClusterNode;
  /**
   * A mount namespace for pods that run elsewhere than the worker nodes (the controller
   * Deployment's pod): it outlives a node the tests take away.
   */
  infraNamespace: NodeNamespace;
  /** Starts another node (its own mount namespace, fakecri and kubelet) and waits until it is Ready. */
  addNode(name: string): Promise<ClusterNode>;
  group: ProcessGroup;
  /** The run directory (certificates, kubeconfigs, logs, overlays); removed by stop(). */
  dir: string;
  /** Milliseconds from start to a Ready node. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Applies every CRD of a directory and waits until the apiserver serves them. */
export async function applyCrds(admin: KubeClient, dir: string): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const crds: KubeObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      const object = doc.toJSON() as KubeObject | null;
      if (object?.kind === 'CustomResourceDefinition') {
        crds.push(object);
      }
    }
  }
  await Promise.all(crds.map((crd) => admin.apply(crd)));
  for (const crd of crds) {
    await waitFor(
      async () => {
        const current = await admin.get<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
          'apiextensions.k8s.io/v1',
          'CustomResourceDefinition',
          crd.metadata.name,
        );
        return current?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
          ? true
          : undefined;
      },
      { what: `CRD ${crd.metadata.name} established`, timeoutMs: 30_000 },
    );
  }
}

/** With OPENCSP_KUBE_LOGS set, every process's log is copied there (a directory per run). */
async function keepLogs(dir: string): Promise<void> {
  const target = process.env.OPENCSP_KUBE_LOGS;
  if (!target) {
    return;
  }
  const into = join(target, basename(dir));
  await mkdir(into, { recursive: true });
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.log'))) {
    await copyFile(join(dir, file), join(into, file));
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const started = performance.now();
  const bins = await findKubeBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-kube-'));
  const group = new ProcessGroup(dir);
  const stop = async () => {
    await group.stopAll();
    await keepLogs(dir);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pki = await createClusterPki(dir);
    const controlPlane = await startControlPlane({ bins, pki, group, dir });
    const admin = controlPlane.admin;
    const addNode = async (name: string): Promise<ClusterNode> => {
      const nodeDir = join(dir, `node-${name}`);
      const namespace = await startNodeNamespace(group, nodeDir, name);
      const kubelet = await startKubelet({
        name,
        bins,
        pki,
        server: controlPlane.server,
        group,
        namespace,
        admin,
        dir,
      });
      return {
        name,
        namespace,
        kubelet,
        async stop() {
          await kubelet.stop();
          await namespace.holder.stop();
        },
      };
    };
    const [node, infraNamespace] = await Promise.all([
      addNode(options.nodeName ?? 'e2e-node-1'),
      startNodeNamespace(group, join(dir, 'infra'), 'infra'),
      applyCrds(admin, bins.crds),
    ]);
    group.start({
      name: 'snapshot-controller',
      command: bins.path('snapshot-controller'),
      // VolumeGroupSnapshots are BETA and off by default in v8.5.0 (its --help lists the gate).
      args: [
        `--kubeconfig=${controlPlane.adminKubeconfig}`,
        '--leader-election=false',
        '--feature-gates=CSIVolumeGroupSnapshot=true',
      ],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    return {
      bins,
      pki,
      controlPlane,
      admin,
      node,
      infraNamespace,
      addNode,
      group,
      dir,
      startupMs: performance.now() - started,
      async stop() {
        await admin.close();
        await stop();
      },
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
