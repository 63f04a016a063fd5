// The control plane of a test cluster, as child processes on 127.0.0.1 and free ports: etcd
// (Debian's etcd-server), kube-apiserver (RBAC and Node authorization, service-account tokens
// signed with the run's key), kube-controller-manager (every controller but those that make the
// pods of Deployments and DaemonSets, each with its own service-account credentials, so the
// bootstrap RBAC roles are what is exercised) and kube-scheduler.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeBinaries } from './binaries.js';
import { KubeClient } from './client.js';
import { writeKubeconfig } from './kubeconfig.js';
import type { ClusterPki } from './pki.js';
import { logTail, type ProcessGroup, type Supervised } from './processes.js';
import { freePorts, waitFor } from './wait.js';

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  server: string;
  apiserverPort: number;
  admin: KubeClient;
  /** kubeconfig of the admin user (system:masters). */
  adminKubeconfig: string;
}

const baseEnv = () => ({ PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' });

/** Why a process died, with the end of its log. */
export async function deathNotice(p: Supervised): Promise<string> {
  return `${p.name} exited (${p.exitStatus()}); end of ${p.logFile}:\n${await logTail(p.logFile)}`;
}

function died(processes: Supervised[]): () => string | undefined {
  return () => {
    const dead = processes.find((p) => p.exitStatus() !== undefined);
    return dead ? `${dead.name} exited (${dead.exitStatus()}), see ${dead.logFile}` : undefined;
  };
}

export async function startControlPlane(input: {
  bins: KubeBinaries;
  pki: ClusterPki;
  group: ProcessGroup;
  dir: string;
}): Promise<ControlPlane> {
  const { bins, pki, group, dir } = input;
  const [etcdClient, etcdPeer, etcdMetrics, apiPort] = (await freePorts(4)) as [number, number, number, number];
  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  const peerUrl = `http://127.0.0.1:${etcdPeer}`;
  const etcd = group.start({
    name: 'etcd',
    command: bins.etcd,
    args: [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      `--listen-metrics-urls=http://127.0.0.1:${etcdMetrics}`,
    ],
    env: baseEnv(),
  });
  const server = `https://127.0.0.1:${apiPort}`;
  const certDir = join(dir, 'apiserver-certs');
  await mkdir(certDir, { recursive: true });
  const apiserver = group.start({
    name: 'kube-apiserver',
    command: bins.path('kube-apiserver'),
    args: [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--advertise-address=127.0.0.1',
      `--tls-cert-file=${pki.apiserver.cert}`,
      `--tls-private-key-file=${pki.apiserver.key}`,
      `--client-ca-file=${pki.ca.cert}`,
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      `--service-account-key-file=${pki.serviceAccount.pub}`,
      `--service-account-signing-key-file=${pki.serviceAccount.key}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true',
      `--cert-dir=${certDir}`,
    ],
    env: baseEnv(),
  });
  const admin = new KubeClient({ server, caFile: pki.ca.cert, cert: pki.admin });
  await waitFor(async () => ((await admin.call<string>('GET', '/readyz').catch(() => undefined)) ? true : undefined), {
    what: 'kube-apiserver /readyz',
    timeoutMs: 60_000,
    intervalMs: 200,
    abort: died([etcd, apiserver]),
  }).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await deathNotice(apiserver)}`);
  });
  const adminKubeconfig = await writeKubeconfig(join(dir, 'admin.kubeconfig'), {
    server,
    caFile: pki.ca.cert,
    user: 'admin',
    cert: pki.admin,
  });
  const kcmConfig = await writeKubeconfig(join(dir, 'kube-controller-manager.kubeconfig'), {
    server,
    caFile: pki.ca.cert,
    user: 'system:kube-controller-manager',
    cert: pki.controllerManager,
  });
  group.start({
    name: 'kube-controller-manager',
    command: bins.path('kube-controller-manager'),
    args: [
      `--kubeconfig=${kcmConfig}`,
      `--authentication-kubeconfig=${kcmConfig}`,
      `--authorization-kubeconfig=${kcmConfig}`,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      '--leader-elect=false',
      `--service-account-private-key-file=${pki.serviceAccount.key}`,
      `--root-ca-file=${pki.ca.cert}`,
      '--use-service-account-credentials=true',
      '--allocate-node-cidrs=false',
      // The test runs the pod templates of opencsp's Deployment and DaemonSet itself (pod-runner.ts);
      // fakecri runs no containers, so pods these controllers made would only be records beside them.
      '--controllers=*,-deployment-controller,-replicaset-controller,-daemonset-controller',
    ],
    env: baseEnv(),
  });
  const schedulerConfig = await writeKubeconfig(join(dir, 'kube-scheduler.kubeconfig'), {
    server,
    caFile: pki.ca.cert,
    user: 'system:kube-scheduler',
    cert: pki.scheduler,
  });
  group.start({
    name: 'kube-scheduler',
    command: bins.path('kube-scheduler'),
    args: [
      `--kubeconfig=${schedulerConfig}`,
      `--authentication-kubeconfig=${schedulerConfig}`,
      `--authorization-kubeconfig=${schedulerConfig}`,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      '--leader-elect=false',
    ],
    env: baseEnv(),
  });
  return { server, apiserverPort: apiPort, admin, adminKubeconfig };
}
