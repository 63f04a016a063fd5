// Benchmark `kube`: the real Kubernetes 1.35 control plane of `pnpm e2e:kube` (src/kube) with
// opencsp installed from its chart on the TrueNAS simulator at 0 ms latency. How long until the
// cluster answers with a Ready node, and per PVC: created → Bound (PV controller + provisioner),
// then its pod created → Running (attach-detach controller + attacher, then kubelet's stage and
// publish). The pod is created once the claim is bound: kubelet skips a pod whose claim is not
// bound yet and looks again only after its pod worker's back-off (about 10 s here).
import { performance } from 'node:perf_hooks';
import { startKubeStack } from '../kube/stack.js';
import { ref } from '../kube/workloads.js';
import type { BenchContext, Benchmark, BenchmarkOutput } from './benchmark.js';
import { sized } from './benchmark.js';
import { type Row, table } from './report.js';
import { round, summarize } from './stats.js';

const goals = { clusterUpMs: 30_000, boundAndPublishedMs: 5_000 };

async function run(ctx: BenchContext): Promise<BenchmarkOutput> {
  const pvcs = sized(ctx.profile, { full: 5, quick: 2, tiny: 1 });
  ctx.log('kube: starting etcd, the control plane, kubelet and opencsp from the chart');
  const stack = await ctx.scope.adopt(
    'real Kubernetes cluster',
    startKubeStack({ backend: 'truenas', logLevel: 'warn' }),
  );
  const { kube } = stack;
  const bound: number[] = [];
  const published: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < pvcs; i++) {
    const name = `bench-${i}`;
    const started = performance.now();
    await kube.createPvc({ name, storageClassName: stack.opencsp.classes.ext4, size: '64Mi' });
    const { pv } = await kube.boundPvc(name);
    const boundAt = performance.now();
    bound.push(boundAt - started);
    await kube.createPod({ name, claims: [{ name }], nodeName: stack.nodeName });
    await kube.runningPod(name);
    published.push(performance.now() - boundAt);
    total.push(performance.now() - started);
    await kube.deleteAndWait(ref.pod(name));
    await kube.noAttachmentOf(pv.metadata.name);
    await kube.deleteAndWait(ref.pvc(name));
    await kube.deleteAndWait(ref.pv(pv.metadata.name));
  }
  await stack.decommissionNode();
  const left = await stack.leftovers();
  const p50 = (samples: number[]) => round(summarize(samples).p50);
  const rows: Row[] = [
    { step: 'cluster up: etcd → node Ready', count: 1, p50: round(stack.cluster.startupMs), goal: goals.clusterUpMs },
    {
      step: 'opencsp installed: pods healthy, CSINode registered',
      count: 1,
      p50: round(stack.timings.installMs),
      goal: null,
    },
    { step: 'PVC created → Bound', count: pvcs, p50: p50(bound), goal: null },
    { step: 'pod created → Running (attached, staged, published)', count: pvcs, p50: p50(published), goal: null },
    {
      step: 'PVC created → bound and its pod volume published',
      count: pvcs,
      p50: p50(total),
      goal: goals.boundAndPublishedMs,
    },
  ];
  return {
    tables: [
      table(
        'Real Kubernetes 1.35 control plane (TrueNAS simulator, 0 ms)',
        [
          { key: 'step', label: 'step' },
          { key: 'count', label: 'count' },
          { key: 'p50', label: 'p50 ms' },
          { key: 'goal', label: 'goal ms' },
        ],
        rows,
        [left.length === 0 ? 'Leak audit: nothing left' : `Leak audit: ${left.join('; ')}`],
      ),
    ],
    notes: [
      'Goals are not asserted; processes share the machine with the rest of the run.',
      'A pod created before its claim is bound waits for kubelet to retry (about 10 s): the pod is created after Bound.',
    ],
  };
}

export const kubeBenchmark: Benchmark = {
  name: 'kube',
  title: 'Real Kubernetes control plane',
  description:
    'How long the real control plane, kubelet and opencsp from its chart take to come up, and a PVC to be bound and published into a pod.',
  run,
};
