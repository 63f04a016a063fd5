// Benchmark `throughput`: many CreateVolume calls at once, with the simulator, the CSP and the
// driver each in a process of its own and a realistic delay on every array call. When nothing
// between the sidecars and the array caps concurrency, N creates with k in flight take about
// ceil(N / k) times one create alone: the critical path. The ratio actual ÷ critical path shows
// every cap and queue on the way (driver → CSP connections, CSP → array connections, locks).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  CsiClient,
  KubeHarness,
  type PersistentVolume,
  type SecretRef,
  type StorageClass,
  storageClass,
} from '../harness/index.js';
import { GiB } from './arrays/index.js';
import type { BenchContext, Benchmark, BenchmarkOutput } from './benchmark.js';
import { sized } from './benchmark.js';
import { type ProcessStack, startProcessStack } from './processes.js';
import { atMost, type Column, type Goal, type Row, type Table, table } from './report.js';
import { runPool } from './runner.js';
import { percentile, round } from './stats.js';

const median = (samples: number[]) =>
  percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );

interface Sizes {
  arrays: Array<'truenas' | 'dsm'>;
  creates: number;
  inFlight: number[];
  /** Sequential creates timed to find the critical path of one. */
  singles: number;
  latencyMs: number;
}

const sizes = {
  full: { arrays: ['truenas', 'dsm'], creates: 500, inFlight: [10, 100], singles: 10, latencyMs: 20 },
  quick: { arrays: ['truenas', 'dsm'], creates: 100, inFlight: [10, 100], singles: 5, latencyMs: 20 },
  tiny: { arrays: ['truenas'], creates: 10, inFlight: [10], singles: 2, latencyMs: 5 },
} satisfies Record<string, Sizes>;

/** The goal per number in flight (issue #14): at most this many times the critical path. */
const goalRatio: Record<number, number> = { 10: 1.2, 100: 2 };

const secretRef: SecretRef = { name: 'csp-secret', namespace: 'kube-system' };

interface Driven {
  stack: ProcessStack;
  kube: KubeHarness;
  sc: StorageClass;
}

async function drive(ctx: BenchContext, kind: 'truenas' | 'dsm', latencyMs: number): Promise<Driven> {
  const stack = await startProcessStack({ kind, latencyMs }, ctx.scope);
  const client = new CsiClient(stack.socketPath, 300_000);
  ctx.scope.defer('CSI client', () => client.close());
  const kube = new KubeHarness(client, { retry: { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 } });
  kube.addSecret(secretRef, stack.secrets);
  return { stack, kube, sc: storageClass(`${kind}-throughput`, secretRef, { 'csi.storage.k8s.io/fstype': 'ext4' }) };
}

async function createMany(d: Driven, prefix: string, count: number, inFlight: number) {
  const pvs: PersistentVolume[] = [];
  const started = performance.now();
  const latencies = await runPool(
    Array.from({ length: count }, (_, i) => i),
    inFlight,
    async (i) => {
      pvs.push(await d.kube.provisionPvc(d.sc, { name: `${prefix}-${i}`, namespace: 'bench', size: GiB }));
    },
  );
  return { pvs, wallMs: performance.now() - started, latencies };
}

/** CPU time used so far (ms) by each process: simulator, CSP, driver and this one (the sidecars). */
async function cpuNow(stack: ProcessStack): Promise<number[]> {
  const own = process.cpuUsage();
  return [await stack.sim.cpuMs(), await stack.csp.cpuMs(), await stack.driver.cpuMs(), (own.user + own.system) / 1000];
}

async function deleteAll(d: Driven, pvs: PersistentVolume[]): Promise<void> {
  await runPool(pvs, 100, (pv) => d.kube.deletePv(pv));
}

const columns: Column[] = [
  { key: 'array', label: 'array' },
  { key: 'creates', label: 'CreateVolume' },
  { key: 'inFlight', label: 'in flight' },
  { key: 'singleMs', label: 'one alone ms' },
  { key: 'criticalMs', label: 'critical path ms' },
  { key: 'actualMs', label: 'actual ms' },
  { key: 'ratio', label: 'actual ÷ critical' },
  { key: 'goal', label: 'goal' },
  { key: 'p50', label: 'p50 ms' },
  { key: 'opsPerSec', label: 'creates/s' },
  { key: 'cpuSim', label: 'CPU ms/op sim' },
  { key: 'cpuCsp', label: 'CPU ms/op CSP' },
  { key: 'cpuDriver', label: 'CPU ms/op driver' },
  { key: 'cpuClient', label: 'CPU ms/op sidecars' },
  { key: 'cpuFloorMs', label: 'CPU floor ms' },
];

export const throughputBenchmark: Benchmark = {
  name: 'throughput',
  title: 'CreateVolume throughput against the critical path',
  description:
    'N CreateVolume with k in flight through the driver, each of simulator, CSP and driver in its own process, ' +
    'every array call delayed; the critical path is ceil(N / k) times one CreateVolume alone.',
  async run(ctx): Promise<BenchmarkOutput> {
    const s: Sizes = sized(ctx.profile, sizes);
    const rows: Row[] = [];
    const goals: Goal[] = [];
    for (const kind of s.arrays) {
      const scope = ctx.scope.child(`${kind} processes`);
      const d = await drive({ ...ctx, scope }, kind, s.latencyMs);
      const warm = await createMany(d, 'warm', 1, 1);
      await deleteAll(d, warm.pvs);
      ctx.log(`throughput: ${d.stack.label}, ${s.singles} creates one at a time`);
      const singles = await createMany(d, 'single', s.singles, 1);
      await deleteAll(d, singles.pvs);
      const single = median(singles.latencies);
      for (const k of s.inFlight) {
        ctx.log(`throughput: ${d.stack.label}, ${s.creates} creates, ${k} in flight`);
        const cpuBefore = await cpuNow(d.stack);
        const run = await createMany(d, `k${k}`, s.creates, k);
        const cpu = (await cpuNow(d.stack)).map((ms, i) => (ms - (cpuBefore[i] as number)) / s.creates);
        const cpuFloor = (cpu.reduce((a, b) => a + b, 0) * s.creates) / availableParallelism();
        const critical = Math.ceil(s.creates / k) * single;
        const ratio = round(run.wallMs / critical);
        const target = goalRatio[k];
        rows.push({
          array: d.stack.label,
          creates: s.creates,
          inFlight: k,
          singleMs: round(single),
          criticalMs: round(critical),
          actualMs: round(run.wallMs),
          ratio,
          goal: target === undefined ? '-' : `≤ ${target}`,
          p50: round(median(run.latencies)),
          opsPerSec: round((s.creates * 1000) / run.wallMs),
          cpuSim: round(cpu[0] as number),
          cpuCsp: round(cpu[1] as number),
          cpuDriver: round(cpu[2] as number),
          cpuClient: round(cpu[3] as number),
          cpuFloorMs: round(cpuFloor),
        });
        if (target !== undefined) {
          goals.push(
            atMost(
              `${d.stack.label}: ${s.creates} CreateVolume, ${k} in flight, actual ÷ critical path`,
              ratio,
              target,
            ),
          );
        }
        await deleteAll(d, run.pvs);
      }
      const problems = await scope.close();
      if (problems.length > 0) {
        throw new Error(problems.join('; '));
      }
    }
    const tables: Table[] = [table(`${s.latencyMs} ms per array call`, columns, rows)];
    return {
      tables,
      goals,
      notes: [
        'Defaults throughout: the driver keeps up to 130 CSP requests in flight, csp-truenas up to 13 connections × 10 calls, csp-synology up to 16 DSM requests (SYNOLOGY_CONNECTIONS).',
        'One CreateVolume alone is the median of sequential creates on the same processes; the sidecars are played by the bench process.',
        'CPU ms/op: CPU time each process used per CreateVolume. CPU floor: all of it divided by the cores; a run cannot be faster, so where it exceeds the critical path the machine, not a cap, bounds the ratio.',
      ],
    };
  },
};
