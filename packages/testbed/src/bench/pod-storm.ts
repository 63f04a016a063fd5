// Benchmark `storm`: 100 PVCs created at once, provisioned and attached through the driver by
// sidecar-like worker pools (external-provisioner and external-attacher with 16 workers each,
// their default deadlines and retries), against TrueNAS and DSM with 5 ms per array call. Reports
// the time until every PVC is bound and every volume attached, and every ABORTED or retry seen.
import { performance } from 'node:perf_hooks';
import { type PersistentVolume, testNodeId } from '../harness/index.js';
import { type ArrayKind, type ArrayStack, GiB, startArray } from './arrays/index.js';
import type { BenchContext, Benchmark, BenchmarkOutput } from './benchmark.js';
import { sized } from './benchmark.js';
import { startDriver } from './csi.js';
import { cspClient } from './csp-client.js';
import { memoryDelta, sampleMemory } from './memory.js';
import { WorkQueue } from './queue.js';
import { type Column, opColumns, type Row, type Table, table } from './report.js';
import { round, summarize } from './stats.js';

interface Sizes {
  arrays: ArrayKind[];
  pvcs: number;
  nodes: number;
  workers: number;
  latencyMs: number;
}

const sizes = {
  full: { arrays: ['truenas', 'dsm'], pvcs: 100, nodes: 10, workers: 16, latencyMs: 5 },
  quick: { arrays: ['truenas', 'dsm'], pvcs: 32, nodes: 8, workers: 16, latencyMs: 5 },
  tiny: { arrays: ['truenas', 'dsm'], pvcs: 4, nodes: 2, workers: 2, latencyMs: 0 },
} satisfies Record<string, Sizes>;

/** Default --timeout of external-provisioner (10 s) and external-attacher (15 s). */
const provisionerTimeoutMs = 10_000;
const attacherTimeoutMs = 15_000;
/** Their retries: exponential backoff from 100 ms (the harness stops after 10 attempts). */
const sidecarRetry = { attempts: 10, initialDelayMs: 100, maxDelayMs: 5_000 };

interface Claim {
  i: number;
  node: string;
  pv?: PersistentVolume;
  boundAt?: number;
  attachedAt?: number;
}

interface StormResult {
  stack: ArrayStack;
  summary: Row;
  ops: Row[];
}

function latencyRow(op: string, samples: number[], concurrency: number, wallMs: number, extra: Row): Row {
  const s = summarize(samples);
  return {
    op,
    count: samples.length,
    concurrency,
    p50: round(s.p50),
    p95: round(s.p95),
    p99: round(s.p99),
    opsPerSec: round(wallMs > 0 ? (samples.length * 1000) / wallMs : Number.NaN),
    ...extra,
  };
}

async function storm(ctx: BenchContext, kind: ArrayKind, s: Sizes): Promise<StormResult> {
  const scope = ctx.scope.child(`${kind} storm`);
  const stack = await scope.adopt(`${kind} stack`, startArray(kind, { latencyMs: s.latencyMs }));
  const driver = await startDriver(stack, scope);
  const provisioner = driver.sidecar(provisionerTimeoutMs, sidecarRetry);
  const attacher = driver.sidecar(attacherTimeoutMs, sidecarRetry);
  const nodeIds = Array.from({ length: s.nodes }, (_, i) => testNodeId(`storm-node-${i}`));
  const claims: Claim[] = Array.from({ length: s.pvcs }, (_, i) => ({ i, node: nodeIds[i % s.nodes] as string }));
  const calls0 = stack.arrayCalls?.() ?? 0;
  const failures: string[] = [];
  const provisionMs: number[] = [];
  const attachMs: number[] = [];
  const pvcs = new WorkQueue<Claim>();
  const attachments = new WorkQueue<Claim>();
  for (const claim of claims) {
    pvcs.push(claim);
  }
  pvcs.close();
  ctx.log(`storm: ${stack.label}, ${s.pvcs} PVCs, ${s.workers} provisioner + ${s.workers} attacher workers`);
  const mem0 = sampleMemory();
  const t0 = performance.now();
  const provisioning = pvcs
    .drain(s.workers, async (claim) => {
      const started = performance.now();
      try {
        claim.pv = await provisioner.kube.provisionPvc(driver.sc, {
          name: `storm-${claim.i}`,
          namespace: 'bench',
          size: GiB,
        });
      } catch (err) {
        failures.push(`provision storm-${claim.i}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      claim.boundAt = performance.now() - t0;
      provisionMs.push(performance.now() - started);
      attachments.push(claim);
    })
    .finally(() => attachments.close());
  const attaching = attachments.drain(s.workers, async (claim) => {
    const started = performance.now();
    try {
      await attacher.kube.attach(claim.pv as PersistentVolume, claim.node);
    } catch (err) {
      failures.push(`attach storm-${claim.i}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    claim.attachedAt = performance.now() - t0;
    attachMs.push(performance.now() - started);
  });
  await Promise.all([provisioning, attaching]);
  const stormMs = performance.now() - t0;
  const mem1 = sampleMemory();
  const callsStorm = (stack.arrayCalls?.() ?? 0) - calls0;
  const stormAttempts =
    (provisioner.client.attempts.get('CreateVolume') ?? 0) +
    (attacher.client.attempts.get('ControllerPublishVolume') ?? 0);
  const stormFailures = [provisioner.client.failureSummary(), attacher.client.failureSummary()];

  // Teardown as the sidecars do it when the pods and PVCs go: detach, then delete.
  const t1 = performance.now();
  const detachMs: number[] = [];
  const deleteMs: number[] = [];
  const bound = claims.filter((c) => c.pv);
  const detaches = new WorkQueue<Claim>();
  const deletes = new WorkQueue<Claim>();
  for (const claim of bound) {
    (claim.attachedAt !== undefined ? detaches : deletes).push(claim);
  }
  detaches.close();
  const detaching = detaches
    .drain(s.workers, async (claim) => {
      const started = performance.now();
      await attacher.kube.detach(claim.pv as PersistentVolume, claim.node);
      detachMs.push(performance.now() - started);
      deletes.push(claim);
    })
    .finally(() => deletes.close());
  const deleting = deletes.drain(s.workers, async (claim) => {
    const started = performance.now();
    await provisioner.kube.deletePv(claim.pv as PersistentVolume);
    deleteMs.push(performance.now() - started);
  });
  await Promise.all([detaching, deleting]);
  const teardownMs = performance.now() - t1;
  // Nodes leaving the cluster: their host registrations go too (the driver keeps them while a node exists).
  const admin = await cspClient(stack, scope);
  for (let i = 0; i < s.nodes; i++) {
    await admin.deleteHostByUuid(`storm-node-${i}`);
  }
  const left = await stack.leftovers();
  if (left.length > 0) {
    failures.push(`left on the array: ${left.join('; ')}`);
  }
  const endToEnd = claims.flatMap((c) => (c.attachedAt === undefined ? [] : [c.attachedAt]));
  const e2e = summarize(endToEnd);
  const summary: Row = {
    array: stack.label,
    pvcs: s.pvcs,
    workers: `${s.workers}+${s.workers}`,
    allBoundS: round(Math.max(0, ...claims.map((c) => c.boundAt ?? 0)) / 1000),
    allAttachedS: round(stormMs / 1000),
    podP50: round(e2e.p50),
    podP95: round(e2e.p95),
    podP99: round(e2e.p99),
    rpcs: stormAttempts,
    retries: stormAttempts - provisionMs.length - attachMs.length,
    grpcErrors: stormFailures.filter((f) => f !== 'none').join('; ') || 'none',
    failed: failures.length,
    callsPerPvc: stack.arrayCalls ? round(callsStorm / s.pvcs) : null,
    teardownS: round(teardownMs / 1000),
    ...memoryDelta(mem0, mem1),
  };
  const ops: Row[] = [
    latencyRow('CreateVolume (provisioner)', provisionMs, s.workers, stormMs, {}),
    latencyRow('ControllerPublish (attacher)', attachMs, s.workers, stormMs, {}),
    latencyRow('ControllerUnpublish (attacher)', detachMs, s.workers, teardownMs, {}),
    latencyRow('DeleteVolume (provisioner)', deleteMs, s.workers, teardownMs, {}),
  ];
  for (const failure of failures.slice(0, 5)) {
    ctx.log(`storm: ${failure}`);
  }
  const problems = await scope.close();
  if (problems.length > 0) {
    throw new Error(problems.join('; '));
  }
  return { stack, summary, ops };
}

const summaryColumns: Column[] = [
  { key: 'array', label: 'array' },
  { key: 'pvcs', label: 'PVCs' },
  { key: 'workers', label: 'prov+att workers' },
  { key: 'allBoundS', label: 'all bound s' },
  { key: 'allAttachedS', label: 'all attached s' },
  { key: 'podP50', label: 'attached p50 ms' },
  { key: 'podP95', label: 'attached p95 ms' },
  { key: 'podP99', label: 'attached p99 ms' },
  { key: 'rpcs', label: 'RPC attempts' },
  { key: 'retries', label: 'retries' },
  { key: 'grpcErrors', label: 'gRPC errors (prov; att)' },
  { key: 'failed', label: 'failed' },
  { key: 'callsPerPvc', label: 'array calls/PVC' },
  { key: 'teardownS', label: 'teardown s' },
  { key: 'rssDeltaMiB', label: 'RSS Δ MiB' },
  { key: 'heapDeltaMiB', label: 'heap Δ MiB' },
];

export const stormBenchmark: Benchmark = {
  name: 'storm',
  title: 'Pod storm: PVCs provisioned and attached all at once',
  description:
    'Every PVC of a large deployment (100 in a full run) created at once: a provisioner pool and an attacher pool (16 workers each, ' +
    '10 s / 15 s deadlines, backoff retries) drive the driver over its socket to TrueNAS and DSM with 5 ms per ' +
    'array call; PVCs are spread over 10 nodes.',
  async run(ctx): Promise<BenchmarkOutput> {
    const s: Sizes = sized(ctx.profile, sizes);
    const results: StormResult[] = [];
    for (const kind of s.arrays) {
      results.push(await storm(ctx, kind, s));
    }
    const tables: Table[] = [
      table(
        `Pod storm: ${s.pvcs} PVCs on ${s.nodes} nodes`,
        summaryColumns,
        results.map((r) => r.summary),
      ),
    ];
    for (const r of results) {
      tables.push(
        table(`${r.stack.label}: RPC latency inside the storm (retries included)`, opColumns.slice(0, 7), r.ops),
      );
    }
    return {
      tables,
      notes: [
        'all bound / all attached: seconds from the moment every PVC exists until the last CreateVolume / ' +
          'ControllerPublish succeeded. attached p50/p95/p99: per PVC, from that moment until its volume was ' +
          'attached (queueing in the sidecars included), the part of a pod start the driver and CSP own.',
        'RPC attempts: CreateVolume and ControllerPublishVolume calls the sidecars made (retries = attempts beyond ' +
          'one per PVC); gRPC errors lists failures of any RPC by code ' +
          '(ABORTED would mean an operation on the same volume was still in flight).',
        'ops/s in the latency tables is completed operations per second of the storm (or of the teardown).',
      ],
    };
  },
};
