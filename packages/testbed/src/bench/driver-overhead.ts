// Benchmark `driver`: CSI RPCs over the unix socket through the driver to a CSP (the kit with
// the in-memory provider, and TrueNAS), against the same CSP calls made directly with the typed
// client. The difference is what the driver itself costs: gRPC, validation, sessions, mapping.
import type { CspClient } from '@opencsp/csp-spec/client';
import type { PersistentVolume } from '../harness/index.js';
import { testNodeId } from '../harness/index.js';
import { type ArrayKind, MiB, startArray } from './arrays/index.js';
import type { BenchContext, Benchmark, BenchmarkOutput } from './benchmark.js';
import { sized } from './benchmark.js';
import { arrayOpColumns } from './columns.js';
import { startDriver } from './csi.js';
import { cspClient } from './csp-client.js';
import { measureDriverOwnTime, type OwnTime } from './driver-own.js';
import { counters } from './lifecycle.js';
import { atMost, type Column, type Goal, type Row, type Table, table } from './report.js';
import { type PhaseStats, phaseRow, runPhase } from './runner.js';
import { round } from './stats.js';

interface Sizes {
  arrays: ArrayKind[];
  runs: Array<[number, number]>;
  /** RPCs of each kind timed with the driver and the CSP as processes (0: skip). */
  ownTime: number;
}

const sizes = {
  full: {
    arrays: ['memory', 'truenas'],
    runs: [
      [1, 100],
      [8, 200],
    ],
    ownTime: 300,
  },
  quick: { arrays: ['memory', 'truenas'], runs: [[1, 12]], ownTime: 50 },
  tiny: { arrays: ['memory', 'truenas'], runs: [[1, 3]], ownTime: 3 },
} satisfies Record<string, Sizes>;

const nodes = ['bench-a', 'bench-b', 'bench-c', 'bench-d'];
/** Small volumes: the memory provider's array holds 100 GiB. */
const size = 256 * MiB;

interface Item {
  i: number;
  pv: PersistentVolume | undefined;
  id: string;
}

async function viaDriver(ctx: BenchContext, stack: Awaited<ReturnType<typeof startArray>>, runs: Sizes['runs']) {
  const driver = await startDriver(stack, ctx.scope);
  const { kube } = driver.sidecar(60_000);
  const nodeIds = nodes.map((n) => testNodeId(n));
  const warm = await kube.provisionPvc(driver.sc, { name: 'warm-up', namespace: 'bench', size });
  await kube.deletePv(warm);
  const out: PhaseStats[] = [];
  for (const [concurrency, count] of runs) {
    ctx.log(`driver: ${stack.label} through the driver, concurrency ${concurrency}, ${count} volumes`);
    const items: Item[] = Array.from({ length: count }, (_, i) => ({ i, pv: undefined, id: '' }));
    const phase = (op: string, work: (item: Item) => Promise<void>) =>
      runPhase({ op, items, concurrency, work, counters: counters(stack) });
    const pv = (item: Item) => item.pv as PersistentVolume;
    const node = (item: Item) => nodeIds[item.i % nodeIds.length] as string;
    out.push(
      await phase('CreateVolume', async (item) => {
        item.pv = await kube.provisionPvc(driver.sc, { name: `pvc-${item.i}`, namespace: 'bench', size });
      }),
      await phase('ControllerPublishVolume', (item) => kube.attach(pv(item), node(item)).then(() => undefined)),
      await phase('ControllerUnpublishVolume', (item) => kube.detach(pv(item), node(item))),
      await phase('DeleteVolume', (item) => kube.deletePv(pv(item))),
    );
  }
  return out;
}

/** The CSP calls the driver makes for each RPC (packages/csi-driver/README.md), made directly. */
async function viaCsp(ctx: BenchContext, stack: Awaited<ReturnType<typeof startArray>>, runs: Sizes['runs']) {
  const client: CspClient = await cspClient(stack, ctx.scope, 16);
  const host = (i: number) => {
    const name = nodes[i % nodes.length] as string;
    return { uuid: name, name, iqns: [`iqn.1993-08.org.debian:01:${name}`], networks: ['127.0.0.1/8'] };
  };
  const out: PhaseStats[] = [];
  for (const [concurrency, count] of runs) {
    ctx.log(`driver: ${stack.label} direct CSP calls, concurrency ${concurrency}, ${count} volumes`);
    const items: Item[] = Array.from({ length: count }, (_, i) => ({ i, pv: undefined, id: '' }));
    const phase = (op: string, work: (item: Item) => Promise<void>) =>
      runPhase({ op, items, concurrency, work, counters: counters(stack) });
    out.push(
      await phase('CreateVolume', async (item) => {
        // As the driver: POST /volumes (a name lookup only on a 409, which a fresh name never gets).
        item.id = (await client.createVolume({ name: `direct-${concurrency}-${item.i}`, size })).id;
      }),
      await phase('ControllerPublishVolume', async (item) => {
        await client.getVolume(item.id);
        await client.upsertHost(host(item.i));
        await client.publishVolume(item.id, { host_uuid: host(item.i).uuid });
      }),
      await phase('ControllerUnpublishVolume', async (item) => {
        await client.getVolume(item.id);
        await client.unpublishVolume(item.id, { host_uuid: host(item.i).uuid });
      }),
      await phase('DeleteVolume', async (item) => {
        await client.getVolume(item.id);
        await client.hasSnapshots(item.id);
        await client.deleteVolume(item.id);
      }),
    );
  }
  for (const name of nodes) {
    await client.deleteHostByUuid(name);
  }
  return out;
}

function overheadTable(title: string, driver: PhaseStats[], direct: PhaseStats[]): Table {
  const columns: Column[] = [
    { key: 'op', label: 'RPC' },
    { key: 'concurrency', label: 'conc' },
    { key: 'driverP50', label: 'driver p50' },
    { key: 'directP50', label: 'direct p50' },
    { key: 'overheadP50', label: 'overhead p50 ms' },
    { key: 'driverP95', label: 'driver p95' },
    { key: 'directP95', label: 'direct p95' },
    { key: 'overheadP95', label: 'overhead p95 ms' },
    { key: 'driverCsp', label: 'CSP req/op (driver)' },
  ];
  const rows: Row[] = driver.map((d, i) => {
    const c = direct[i] as PhaseStats;
    return {
      op: d.op,
      concurrency: d.concurrency,
      driverP50: d.p50,
      directP50: c.p50,
      overheadP50: round(d.p50 - c.p50),
      driverP95: d.p95,
      directP95: c.p95,
      overheadP95: round(d.p95 - c.p95),
      driverCsp: d.perOp.cspPerOp ?? null,
    };
  });
  return table(title, columns, rows);
}

function ownTimeTable(own: OwnTime[]): Table {
  const columns: Column[] = [
    { key: 'rpc', label: 'RPC' },
    { key: 'count', label: 'count' },
    { key: 'latencyP50', label: 'latency p50 ms' },
    { key: 'latencyP99', label: 'latency p99 ms' },
    { key: 'ownP50', label: 'own p50 ms' },
    { key: 'ownP99', label: 'own p99 ms' },
    { key: 'cpu', label: 'driver CPU ms/RPC' },
  ];
  const rows: Row[] = own.map((o) => ({
    rpc: o.rpc,
    count: o.count,
    latencyP50: o.latency.p50,
    latencyP99: o.latency.p99,
    ownP50: o.own.p50,
    ownP99: o.own.p99,
    cpu: o.cpuPerRpc,
  }));
  return table("TrueNAS, driver and CSP as processes: the driver's own time per RPC", columns, rows);
}

export const driverBenchmark: Benchmark = {
  name: 'driver',
  title: 'Driver overhead: CSI over the unix socket vs. direct CSP calls',
  description:
    'CreateVolume, ControllerPublish/Unpublish and DeleteVolume through the driver (gRPC over its unix socket, ' +
    'requests built as the sidecars build them) to the in-memory CSP and to the TrueNAS CSP, against the same CSP ' +
    'calls made directly with the typed client.',
  async run(ctx): Promise<BenchmarkOutput> {
    const s: Sizes = sized(ctx.profile, sizes);
    const tables: Table[] = [];
    for (const kind of s.arrays) {
      const stack = await ctx.scope.adopt(`${kind} stack`, startArray(kind));
      const driver = await viaDriver(ctx, stack, s.runs);
      const direct = await viaCsp(ctx, stack, s.runs);
      const rows = [
        ...driver.map((st) => phaseRow(st, { path: 'driver' })),
        ...direct.map((st) => phaseRow(st, { path: 'direct CSP' })),
      ];
      const left = await stack.leftovers();
      tables.push(
        table(
          `${stack.label}: CSI RPCs through the driver and the same CSP calls made directly`,
          arrayOpColumns(stack, [{ key: 'path', label: 'path' }]),
          rows,
          [left.length === 0 ? 'Leak audit: nothing left on the array.' : `Leak audit: ${left.join('; ')}`],
        ),
        overheadTable(`${stack.label}: the driver's own cost`, driver, direct),
      );
    }
    const goals: Goal[] = [];
    if (s.ownTime > 0) {
      const own = await measureDriverOwnTime(ctx, 'truenas', s.ownTime);
      tables.push(ownTimeTable(own));
      const create = own.find((o) => o.rpc === 'CreateVolume') as OwnTime;
      goals.push(
        atMost("driver's own time per CreateVolume, p50 ms (CSP time subtracted)", create.own.p50, 1, true),
        atMost("driver's own time per CreateVolume, p99 ms (CSP time subtracted)", create.own.p99, 5, true),
      );
    }
    return {
      tables,
      goals,
      notes: [
        "own time: the driver and the CSP in their own processes, the TrueNAS simulator at 0 ms; RPCs one at a time; each RPC's latency at the client minus the time the driver waited for the CSP's answers (measured inside the driver process).",
        'direct: the CSP calls the driver makes for that RPC (packages/csi-driver/README.md, "Behaviour per RPC"), ' +
          'e.g. publish = GET /volumes/{id}, POST /hosts, PUT …/publish, over one pooled keep-alive client.',
        'The driver runs in the bench process (its socket, gRPC server and CSP sessions are the real ones); the ' +
          'memory benchmark runs it as a child process to measure its own memory.',
        'Sessions are logged in before measuring (one warm-up volume), so login is not in the figures.',
      ],
    };
  },
};
