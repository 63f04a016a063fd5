// Benchmark `memory`: the CSPs and the driver as child processes (so RSS and heap are theirs),
// 10,000 CSI operations through them, then (TrueNAS) extra CSP logins and idle until the CSP's
// tokens expire: how large is an idle process, how much does it grow, does memory come back, are
// the array sessions closed, does the driver log in again transparently?
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import { writeServingFiles } from '../common/index.js';
import {
  KubeHarness,
  type PersistentVolume,
  type SecretRef,
  type StorageClass,
  storageClass,
  testNodeId,
} from '../harness/index.js';
import { serviceScript } from '../launch/service-entry.js';
import { TrueNasSimulator } from '../truenas/simulator.js';
import { GiB } from './arrays/index.js';
import type { BenchContext, Benchmark, BenchmarkOutput } from './benchmark.js';
import { sized } from './benchmark.js';
import { type ChildMemory, NodeChild } from './child.js';
import { CountingCsiClient } from './csi.js';
import { growthColumns, growthRow } from './memory-growth.js';
import { startProcessStack } from './processes.js';
import { atMost, type Column, type Goal, opColumns, type Row, type Table, table } from './report.js';
import { type PhaseStats, phaseRow, runPhase } from './runner.js';

interface Sizes {
  lifecycles: number;
  concurrency: number;
  logins: number;
  idleTtlS: number;
}

const sizes = {
  full: { lifecycles: 2500, concurrency: 8, logins: 100, idleTtlS: 3 },
  quick: { lifecycles: 250, concurrency: 8, logins: 10, idleTtlS: 1 },
  tiny: { lifecycles: 2, concurrency: 2, logins: 2, idleTtlS: 1 },
} satisfies Record<string, Sizes>;

/**
 * Opt-in: with OPENCSP_BENCH_HEAP_SNAPSHOTS=<dir>, every sample before and after the operations also
 * writes a V8 heap snapshot of each child there (<process>-<phase>.heapsnapshot), for
 * `memory-heap-diff.js`. Writing one takes seconds and itself grows the child's RSS: figures of such a
 * run are not the goal's.
 */
const snapshotDir = process.env.OPENCSP_BENCH_HEAP_SNAPSHOTS;

async function heapSnapshot(child: NodeChild, process: string, phase: string): Promise<void> {
  if (snapshotDir && !phase.startsWith('+') && !phase.includes('expired') && !phase.includes('one more')) {
    await child.heapSnapshot(join(snapshotDir, `${process}-${phase.replace(/[^a-z0-9]+/gi, '-')}.heapsnapshot`));
  }
}

/** Goals (issue #14): idle RSS of each process, and how much it may grow over the operations. */
const maxIdleRssMiB = 60;
const maxGrowthMiB = 10;

const parent = 'tank/k8s';
const secretRef: SecretRef = { name: 'csp-secret', namespace: 'kube-system' };

interface Processes {
  sim: TrueNasSimulator;
  csp: NodeChild;
  driver: NodeChild;
  cspUrl: string;
  /** The CA (PEM) of the CSP's HTTPS certificate. */
  ca: string;
  socketPath: string;
}

async function startProcesses(ctx: BenchContext, idleTtlS: number): Promise<Processes> {
  const cspMain = serviceScript('csp-truenas');
  const driverMain = serviceScript('csi-driver');
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-bench-memory-'));
  ctx.scope.defer('temp dir', () => rm(dir, { recursive: true, force: true }));
  const sim = await ctx.scope.adopt('TrueNAS simulator', TrueNasSimulator.start({ tls: true, datasets: [parent] }));
  await writeFile(join(dir, 'ca.pem'), sim.tls?.cert ?? '');
  const serving = await writeServingFiles(dir);
  await writeFile(join(dir, 'csp-ca.pem'), serving.ca);
  const csp = new NodeChild('csp-truenas', cspMain, [
    ...['--host', '127.0.0.1', '--port', '0', '--array', sim.address, '--parent-datasets', parent],
    ...['--tls-ca-file', join(dir, 'ca.pem'), '--log-level', 'info'],
    ...['--cert-file', serving.certFile, '--key-file', serving.keyFile],
    ...['--token-idle-ttl', `${idleTtlS}s`],
  ]);
  ctx.scope.defer('csp-truenas process', () => csp.stop());
  const listening = JSON.parse(await csp.waitForLine(/"CSP listening"/)) as { address: string };
  const socketPath = join(dir, 'csi.sock');
  const driver = new NodeChild('opencsp-csi-driver', driverMain, [
    ...['--endpoint', `unix://${socketPath}`, '--mode', 'controller', '--log-level', 'info'],
    ...['--csp-ca-file', join(dir, 'csp-ca.pem')],
  ]);
  ctx.scope.defer('driver process', () => driver.stop());
  await driver.waitForLine(/CSI driver listening/);
  return { sim, csp, driver, cspUrl: listening.address, ca: serving.ca, socketPath };
}

function memoryRow(
  process: string,
  phase: string,
  m: ChildMemory,
  sessions: number | null,
  logins: number | null,
): Row {
  const { rssMiB, heapUsedMiB, heapTotalMiB, externalMiB } = m;
  return { process, phase, rssMiB, heapUsedMiB, heapTotalMiB, externalMiB, sessions, logins };
}

const memoryColumns: Column[] = [
  { key: 'process', label: 'process' },
  { key: 'phase', label: 'phase' },
  { key: 'rssMiB', label: 'RSS MiB' },
  { key: 'heapUsedMiB', label: 'heap used MiB' },
  { key: 'heapTotalMiB', label: 'heap total MiB' },
  { key: 'externalMiB', label: 'external MiB' },
  { key: 'sessions', label: 'array connections open' },
  { key: 'logins', label: 'array logins so far' },
];

const arrayLogins = (sim: TrueNasSimulator) =>
  Object.entries(sim.calls.byMethod())
    .filter(([method]) => method.startsWith('auth.login'))
    .reduce((n, [, count]) => n + count, 0);

async function waitFor(check: () => boolean, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (check()) {
      return Date.now() - started;
    }
    await sleep(100);
  }
  return undefined;
}

type Item = { i: number; pv: PersistentVolume | undefined };

/**
 * CreateVolume, publish, unpublish, DeleteVolume for `lifecycles` volumes, in two equal rounds:
 * memory that keeps growing from the first to the second would be a leak per operation; memory
 * that grows once is warm-up (compiled code, pools, caches). `sample` runs after each round.
 */
async function lifecycleRounds(
  ctx: BenchContext,
  kube: KubeHarness,
  sc: StorageClass,
  s: Sizes,
  counters: Record<string, () => number>,
  sample: (phase: string) => Promise<void>,
): Promise<PhaseStats[]> {
  const nodes = hostnames.map((n) => testNodeId(n));
  const pv = (item: Item) => item.pv as PersistentVolume;
  const node = (item: Item) => nodes[item.i % nodes.length] as string;
  const ops: PhaseStats[] = [];
  const half = Math.max(1, Math.floor(s.lifecycles / 2));
  for (const round of [1, 2]) {
    const items: Item[] = Array.from({ length: half }, (_, i) => ({ i: i + (round - 1) * half, pv: undefined }));
    const phase = (op: string, work: (item: Item) => Promise<void>) =>
      runPhase({ op: `${op} (round ${round})`, items, concurrency: s.concurrency, work, counters });
    ctx.log(`memory: round ${round}, ${half * 4} CSI operations through the driver and CSP processes`);
    ops.push(
      await phase('CreateVolume', async (item) => {
        item.pv = await kube.provisionPvc(sc, { name: `mem-${item.i}`, namespace: 'bench', size: GiB });
      }),
      await phase('ControllerPublishVolume', (item) => kube.attach(pv(item), node(item)).then(() => undefined)),
      await phase('ControllerUnpublishVolume', (item) => kube.detach(pv(item), node(item))),
      await phase('DeleteVolume', (item) => kube.deletePv(pv(item))),
    );
    await sample(`after ${ops.reduce((n, o) => n + o.count, 0)} ops`);
  }
  return ops;
}

const hostnames = ['mem-a', 'mem-b', 'mem-c', 'mem-d'];

/** Idle RSS and growth over the operations of one process, as goals. */
function memoryGoals(process: string, rows: Row[], opsTotal: number): Goal[] {
  const mine = rows.filter((r) => r.process === process);
  const idle = mine.find((r) => r.phase === 'started, idle')?.rssMiB as number | undefined;
  const after = mine.find((r) => r.phase === `after ${opsTotal} ops`)?.rssMiB as number | undefined;
  return [
    atMost(`${process}: idle RSS MiB`, idle ?? null, maxIdleRssMiB, true),
    atMost(
      `${process}: RSS growth over ${opsTotal} CSI operations, MiB`,
      idle === undefined || after === undefined ? null : Math.round((after - idle) * 10) / 10,
      maxGrowthMiB,
      true,
    ),
  ];
}

/** The same operations against the DSM simulator, for csp-synology's figures. */
async function synologyPass(
  ctx: BenchContext,
  s: Sizes,
): Promise<{ rows: Row[]; ops: PhaseStats[]; samples: Map<string, ChildMemory> }> {
  const scope = ctx.scope.child('synology processes');
  const stack = await startProcessStack({ kind: 'dsm', latencyMs: 0 }, scope);
  const client = new CountingCsiClient(stack.socketPath, 60_000);
  scope.defer('CSI client', () => client.close());
  const kube = new KubeHarness(client);
  kube.addSecret(secretRef, stack.secrets);
  const sc = storageClass('synology-memory', secretRef, { 'csi.storage.k8s.io/fstype': 'ext4' });
  const rows: Row[] = [];
  const samples = new Map<string, ChildMemory>();
  const sample = async (phase: string) => {
    const m = await stack.csp.memory();
    samples.set(`csp-synology ${phase}`, m);
    rows.push(memoryRow('csp-synology', phase, m, null, null));
    await heapSnapshot(stack.csp, 'csp-synology', phase);
  };
  await sample('started, idle');
  const ops = await lifecycleRounds(ctx, kube, sc, s, {}, sample);
  const extra = new CspClient({ baseUrl: stack.cspUrl, retries: 0, tls: { ca: stack.ca } });
  scope.defer('CSP client', () => extra.close());
  extra.useTokens(new StaticToken((await extra.login(stack.credentials)).session_token));
  for (const host of hostnames) {
    await extra.deleteHostByUuid(host);
  }
  const problems = await scope.close();
  if (problems.length > 0) {
    throw new Error(problems.join('; '));
  }
  return { rows, ops, samples };
}

export const memoryBenchmark: Benchmark = {
  name: 'memory',
  title: 'Memory of the CSP and the driver processes',
  description:
    'csp-truenas, csp-synology and opencsp-csi-driver run as child processes (production entry points, log level info); ' +
    '10,000 CSI operations (a full run) go through them at concurrency 8 plus extra CSP logins, then everything ' +
    'idles until the ' +
    'CSP tokens expire. RSS and heap are read inside each process after a full GC.',
  async run(ctx): Promise<BenchmarkOutput> {
    const s: Sizes = sized(ctx.profile, sizes);
    const p = await startProcesses(ctx, s.idleTtlS);
    const client = new CountingCsiClient(p.socketPath, 60_000);
    ctx.scope.defer('CSI client', () => client.close());
    const kube = new KubeHarness(client);
    kube.addSecret(secretRef, {
      backend: p.sim.address,
      username: p.sim.username,
      password: p.sim.password,
      serviceName: '127.0.0.1',
      servicePort: new URL(p.cspUrl).port,
    });
    const sc = storageClass('truenas-memory', secretRef, { 'csi.storage.k8s.io/fstype': 'ext4' });
    const mem: Row[] = [];
    const samples = new Map<string, ChildMemory>();
    const sample = async (phase: string) => {
      const [csp, driver] = [await p.csp.memory(), await p.driver.memory()];
      samples.set(`csp-truenas ${phase}`, csp).set(`csi-driver ${phase}`, driver);
      mem.push(memoryRow('csp-truenas', phase, csp, p.sim.connectionCount, arrayLogins(p.sim)));
      mem.push(memoryRow('csi-driver', phase, driver, null, null));
      await heapSnapshot(p.csp, 'csp-truenas', phase);
      await heapSnapshot(p.driver, 'csi-driver', phase);
    };
    await sample('started, idle');

    const counters = { callsPerOp: () => p.sim.calls.total };
    const ops = await lifecycleRounds(ctx, kube, sc, s, counters, sample);
    const opsTotal = ops.reduce((n, o) => n + o.count, 0);
    ctx.log(`memory: ${s.logins} extra logins to the CSP`);
    const extra = new CspClient({ baseUrl: `${p.cspUrl}/containers/v1`, retries: 0, tls: { ca: p.ca } });
    ctx.scope.defer('CSP client', () => extra.close());
    for (let i = 0; i < s.logins; i++) {
      await extra.login({ username: p.sim.username, password: p.sim.password });
    }
    await sample(`+ ${s.logins} more logins`);

    ctx.log(`memory: idling until the CSP tokens expire (idle TTL ${s.idleTtlS} s)`);
    const closedAfter = await waitFor(() => p.sim.connectionCount === 0, s.idleTtlS * 1000 * 3 + 5000);
    await sleep(500);
    await sample('tokens expired');

    const loginsBefore = arrayLogins(p.sim);
    const again = await kube.provisionPvc(sc, { name: 'mem-after-expiry', namespace: 'bench', size: GiB });
    await kube.deletePv(again);
    const relogins = arrayLogins(p.sim) - loginsBefore;
    await sample('one more volume');

    // The nodes leave the cluster: their host registrations go too.
    const token = await extra.login({ username: p.sim.username, password: p.sim.password });
    extra.useTokens(new StaticToken(token.session_token));
    for (const host of hostnames) {
      await extra.deleteHostByUuid(host);
    }
    const left = p.sim.audit();
    const leftovers = Object.values(left).reduce((n, list) => n + (list as unknown[]).length, 0);
    const synology = await synologyPass(ctx, s);
    mem.push(...synology.rows);
    for (const [key, m] of synology.samples) {
      samples.set(key, m);
    }
    const growth = ['csi-driver', 'csp-truenas', 'csp-synology'].flatMap((name) => {
      const idle = samples.get(`${name} started, idle`);
      const after = samples.get(`${name} after ${opsTotal} ops`);
      return idle && after ? [growthRow(name, idle, after)] : [];
    });
    const goals = [
      ...memoryGoals('csi-driver', mem, opsTotal),
      ...memoryGoals('csp-truenas', mem, opsTotal),
      ...memoryGoals('csp-synology', mem, opsTotal),
    ];
    const tables: Table[] = [
      table(
        `${opsTotal} CSI operations through the driver and CSP child processes (TrueNAS)`,
        opColumns,
        ops.map((o) => phaseRow(o)),
        ['RSS/heap Δ here are of the bench process (it runs the simulator and the sidecars), not of the children.'],
      ),
      table('Memory of the child processes', memoryColumns, mem, [
        closedAfter === undefined
          ? 'The array connections were NOT all closed after the tokens expired.'
          : `Every array connection was closed ${(closedAfter / 1000).toFixed(1)} s after the last call (idle TTL ${s.idleTtlS} s, sweep every ${Math.max(1, s.idleTtlS / 2)} s).`,
        `After expiry the driver's next call got 401 and logged in again by itself (${relogins} new array login${relogins === 1 ? '' : 's'}); the volume was created and deleted.`,
        leftovers === 0 ? 'Leak audit: nothing left on the array.' : `Leak audit: ${leftovers} objects left.`,
      ]),
      table(`Where the RSS growth over ${opsTotal} CSI operations is (MiB)`, growthColumns, growth, [
        'V8 spaces: physical size after a full GC. Outside V8 heap: resident anonymous memory minus the V8 heap ' +
          "(glibc malloc arenas used by OpenSSL, libuv, nghttp2 and V8's compiler zones; thread stacks). Of it, " +
          "malloc's main arena ([heap]) and its per-thread arenas (64 MiB-aligned heaps in /proc/PID/smaps; in " +
          'brackets how many such heaps before and after; MALLOC_ARENA_MAX caps the arenas). File-backed: pages of the node binary.',
      ]),
    ];
    return {
      tables,
      goals,
      notes: [
        'array connections open: WebSocket connections from the CSP to the TrueNAS simulator. Each CSP token holds ' +
          'an array session with a small pool of connections (a second one opens when the first is busy), each ' +
          'logged in: array logins counts the auth.login* calls the simulator received.',
        'The CSP runs with --token-idle-ttl set low so expiry happens within the run; production default is 1 h.',
        'csp-synology: the same operations against the DSM simulator (its own processes: simulator, CSP, driver).',
        'Every process runs its production entry point with production defaults (log level info, /docs served).',
      ],
    };
  },
};
