// One Kubernetes 1.35 cluster for a test run, as child processes on loopback: the control plane,
// the snapshot CRDs and snapshot-controller, and one node (kubelet + fakecri) in its own mount
// namespace. `stop()` ends every process (the namespace and its mounts go with them) and removes
// the run directory, also after a failed start.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export interface Cluster {
  bins: KubeBinaries;
  pki: ClusterPki;
  controlPlane: ControlPlane;
  admin: KubeClient;
  namespace: NodeNamespace;
  node: KubeletNode;
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

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const started = performance.now();
  const bins = await findKubeBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-kube-'));
  const group = new ProcessGroup(dir);
  const stop = async () => {
    await group.stopAll();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pki = await createClusterPki(dir);
    const controlPlane = await startControlPlane({ bins, pki, group, dir });
    const admin = controlPlane.admin;
    const namespace = await startNodeNamespace(group, dir);
    const [node] = await Promise.all([
      startKubelet({
        name: options.nodeName ?? 'e2e-node-1',
        bins,
        pki,
        server: controlPlane.server,
        group,
        namespace,
        admin,
        dir,
      }),
      applyCrds(admin, bins.crds),
    ]);
    group.start({
      name: 'snapshot-controller',
      command: bins.path('snapshot-controller'),
      args: [`--kubeconfig=${controlPlane.adminKubeconfig}`, '--leader-election=false'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    return {
      bins,
      pki,
      controlPlane,
      admin,
      namespace,
      node,
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
