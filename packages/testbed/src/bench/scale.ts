// Benchmark `scale`: the same CSP operations on a near-empty array and on one that already holds
// 2,000 volumes (bulk-seeded, half of them published). Array calls per operation and the rows the
// array has to read must not grow with the array's contents; latency should stay flat too.
import { type ArrayKind, type ArrayStack, startArray } from './arrays/index.js';
import type { BenchContext, Benchmark, BenchmarkOutput } from './benchmark.js';
import { sized } from './benchmark.js';
import { arrayOpColumns } from './columns.js';
import { cspClient, registerNodes, removeNodes } from './csp-client.js';
import { cspLifecycle } from './lifecycle.js';
import { type Column, type Row, type Table, table } from './report.js';
import { type PhaseStats, phaseRow } from './runner.js';
import { round } from './stats.js';

interface Sizes {
  arrays: ArrayKind[];
  existing: [number, number];
  runs: Array<[number, number]>;
}

const sizes = {
  full: {
    arrays: ['truenas', 'dsm'],
    existing: [2, 2000],
    runs: [
      [1, 24],
      [8, 64],
    ],
  },
  quick: { arrays: ['truenas', 'dsm'], existing: [2, 2000], runs: [[1, 4]] },
  tiny: { arrays: ['truenas', 'dsm'], existing: [2, 40], runs: [[1, 2]] },
} satisfies Record<string, Sizes>;

const nodeCount = 8;

interface Measured {
  stack: ArrayStack;
  stats: PhaseStats[];
}

async function measure(ctx: BenchContext, kind: ArrayKind, existing: number, s: Sizes): Promise<Measured> {
  const scope = ctx.scope.child(`${kind} with ${existing} volumes`);
  const stack = await scope.adopt(`${kind} stack`, startArray(kind));
  ctx.log(`scale: ${stack.label}, seeding ${existing} volumes`);
  await stack.seed(existing);
  const client = await cspClient(stack, scope);
  const nodes = await registerNodes(client, nodeCount);
  const out: PhaseStats[] = [];
  for (const [concurrency, count] of s.runs) {
    ctx.log(`scale: ${stack.label}, ${existing} existing volumes, concurrency ${concurrency}, ${count} volumes`);
    out.push(...(await cspLifecycle({ stack, client, nodes, count, concurrency, prefix: `scale-c${concurrency}` })));
  }
  await removeNodes(client, nodes);
  const left = await stack.leftovers();
  if (left.length > 0) {
    throw new Error(`${stack.label} with ${existing} volumes: the run left ${left.join('; ')}`);
  }
  const problems = await scope.close();
  if (problems.length > 0) {
    throw new Error(problems.join('; '));
  }
  return { stack, stats: out };
}

function rowsPerOp(stack: ArrayStack, stats: PhaseStats): number | null {
  const values = stack.rowCounters.map((c) => stats.perOp[c.key]);
  return values.some((v) => v === null || v === undefined)
    ? null
    : round(values.reduce((sum: number, v) => sum + (v as number), 0));
}

function flatnessTable(title: string, small: Measured, large: Measured, existing: [number, number]): Table {
  const [a, b] = existing;
  const columns: Column[] = [
    { key: 'op', label: 'operation' },
    { key: 'concurrency', label: 'conc' },
    { key: 'callsA', label: `calls/op @${a}` },
    { key: 'callsB', label: `calls/op @${b}` },
    { key: 'scansA', label: `rows/op @${a}` },
    { key: 'scansB', label: `rows/op @${b}` },
    { key: 'p50A', label: `p50 ms @${a}` },
    { key: 'p50B', label: `p50 ms @${b}` },
    { key: 'ratio', label: 'p50 ratio' },
  ];
  const rows: Row[] = small.stats.map((s, i) => {
    const l = large.stats[i] as PhaseStats;
    return {
      op: s.op,
      concurrency: s.concurrency,
      callsA: s.perOp.callsPerOp ?? null,
      callsB: l.perOp.callsPerOp ?? null,
      scansA: rowsPerOp(small.stack, s),
      scansB: rowsPerOp(large.stack, l),
      p50A: s.p50,
      p50B: l.p50,
      ratio: s.p50 > 0 ? round(l.p50 / s.p50) : null,
    };
  });
  return table(title, columns, rows);
}

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  title: 'Array calls and latency with 2,000 existing volumes',
  description:
    'The CSP lifecycle on a near-empty array and on one already holding 2,000 volumes (half of them published), ' +
    'for TrueNAS and DSM, 0 ms array latency. Calls per operation and rows scanned must be the same on both.',
  async run(ctx): Promise<BenchmarkOutput> {
    const s: Sizes = sized(ctx.profile, sizes);
    const tables: Table[] = [];
    for (const kind of s.arrays) {
      const small = await measure(ctx, kind, s.existing[0], s);
      const large = await measure(ctx, kind, s.existing[1], s);
      const label = small.stack.label;
      const rows: Row[] = [];
      small.stats.forEach((st, i) => {
        rows.push(phaseRow(st, { existing: s.existing[0] }));
        rows.push(phaseRow(large.stats[i] as PhaseStats, { existing: s.existing[1] }));
      });
      const columns = arrayOpColumns(small.stack, [{ key: 'existing', label: 'existing vols' }]);
      tables.push(table(`${label}: near-empty vs ${s.existing[1]} existing volumes`, columns, rows));
      tables.push(flatnessTable(`${label}: side by side`, small, large, s.existing));
    }
    return {
      tables,
      notes: [
        'Row counters as in the csp benchmark; rows/op in the side-by-side table is their sum.',
        'The DSM ceiling is raised for this run: a real DS923+ stops at 256 LUNs and 128 targets.',
        'Seeding writes straight into the simulator state (no API calls); seeded volumes are named as each CSP ' +
          'names its own, so they are the CSP’s objects, not strangers it could skip.',
      ],
    };
  },
};
