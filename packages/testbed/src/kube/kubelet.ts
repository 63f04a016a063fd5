// A node: fakecri (the CRI runtime from ../shared/kube that runs no containers, so kubelet's
// volume manager does attach-wait, stage, publish, expand, unpublish and unstage as on a real
// node) and kubelet, both inside the node's mount namespace, kubelet authenticated as
// system:node:<name> (Node authorization and NodeRestriction apply to it).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeBinaries } from './binaries.js';
import type { KubeClient, KubeObject } from './client.js';
import { writeKubeconfig } from './kubeconfig.js';
import type { NodeNamespace } from './node-namespace.js';
import type { ClusterPki } from './pki.js';
import type { ProcessGroup, Supervised } from './processes.js';
import { freePort, waitFor } from './wait.js';

/** kubelet's --root-dir inside the node namespace (the chart's default node.kubeletDir). */
export const kubeletRootDir = '/var/lib/kubelet';

export interface KubeletNode {
  name: string;
  kubelet: Supervised;
  runtime: Supervised;
  rootDir: string;
  stop(): Promise<void>;
}

interface NodeStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

export async function startKubelet(input: {
  name: string;
  bins: KubeBinaries;
  pki: ClusterPki;
  server: string;
  group: ProcessGroup;
  namespace: NodeNamespace;
  admin: KubeClient;
  dir: string;
}): Promise<KubeletNode> {
  const { name, bins, namespace, group } = input;
  const dir = join(input.dir, `node-${name}`);
  await mkdir(dir, { recursive: true });
  const socket = join(dir, 'fakecri.sock');
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };
  const runtimeCmd = namespace.enter(bins.path('fakecri'), [socket]);
  const runtime = group.start({ name: `fakecri-${name}`, ...runtimeCmd, env });
  const kubeconfig = await writeKubeconfig(join(dir, 'kubelet.kubeconfig'), {
    server: input.server,
    caFile: input.pki.ca.cert,
    user: `system:node:${name}`,
    cert: await input.pki.node(name),
  });
  const port = await freePort();
  const kubeletCmd = namespace.enter(bins.path('kubelet'), [
    `--kubeconfig=${kubeconfig}`,
    `--hostname-override=${name}`,
    `--root-dir=${kubeletRootDir}`,
    `--container-runtime-endpoint=unix://${socket}`,
    `--image-service-endpoint=unix://${socket}`,
    '--fail-cgroupv1=false',
    '--cgroups-per-qos=false',
    '--enforce-node-allocatable=',
    '--fail-swap-on=false',
    '--cgroup-driver=cgroupfs',
    '--make-iptables-util-chains=false',
    '--protect-kernel-defaults=false',
    '--address=127.0.0.1',
    `--port=${port}`,
    '--read-only-port=0',
    '--healthz-port=0',
    '--authorization-mode=AlwaysAllow',
    '--anonymous-auth=false',
    `--cert-dir=${join(dir, 'pki')}`,
    `--volume-plugin-dir=${join(dir, 'volume-plugins')}`,
    '--pod-manifest-path=',
    '--eviction-hard=',
    '--image-gc-high-threshold=100',
    '--node-status-update-frequency=2s',
    '--sync-frequency=5s',
  ]);
  const kubelet = group.start({ name: `kubelet-${name}`, ...kubeletCmd, env, graceSeconds: 10 });
  await waitFor(
    async () => {
      const node = await input.admin.get<KubeObject & NodeStatus>('v1', 'Node', name);
      return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    },
    {
      what: `node ${name} Ready`,
      timeoutMs: 60_000,
      intervalMs: 200,
      abort: () =>
        [runtime, kubelet]
          .filter((p) => p.exitStatus() !== undefined)
          .map((p) => `${p.name} exited (${p.exitStatus()}), see ${p.logFile}`)[0],
    },
  );
  return {
    name,
    kubelet,
    runtime,
    rootDir: kubeletRootDir,
    async stop() {
      await kubelet.stop();
      await runtime.stop();
      await rm(socket, { force: true });
    },
  };
}
