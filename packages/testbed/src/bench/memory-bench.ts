// Benchmark `memory`: the TrueNAS CSP and the driver as child processes (so RSS and heap are
// theirs), 1,000 CSI operations through them plus extra CSP logins, then idle until the CSP's
// tokens expire: does memory come back, are the array sessions closed, does the driver log in
// again transparently?
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import { KubeHarness, type PersistentVolume, type SecretRef, storageClass, testNodeId } from '../harness/index.js';
import { builtScript } from '../launch/program.js';
import { TrueNasSimulator } from '../truenas/simulator.js';
import { GiB } from './arrays/index.js';
import type { BenchContext, Benchmark, BenchmarkOutput } from './benchmark.js';
import { sized } from './benchmark.js';
import { type ChildMemory, NodeChild } from './child.js';
import { CountingCsiClient } from './csi.js';
import { type Column, opColumns, type Row, table } from './report.js';
import { type PhaseStats, phaseRow, runPhase } from './runner.js';

interface Sizes {
  lifecycles: number;
  concurrency: number;
  logins: number;
  idleTtlS: number;
}

const sizes = {
  full: { lifecycles: 250, concurrency: 8, logins: 100, idleTtlS: 3 },
  quick: { lifecycles: 20, concurrency: 8, logins: 10, idleTtlS: 1 },
  tiny: { lifecycles: 2, concurrency: 2, logins: 2, idleTtlS: 1 },
} satisfies Record<string, Sizes>;

const parent = 'tank/k8s';
const secretRef: SecretRef = { name: 'csp-secret', namespace: 'kube-system' };

interface Processes {
  sim: TrueNasSimulator;
  csp: NodeChild;
  driver: NodeChild;
  cspUrl: string;
  socketPath: string;
}

async function startProcesses(ctx: BenchContext, idleTtlS: number): Promise<Processes> {
  const cspMain = builtScript('csp-truenas', 'main.js');
  const driverMain = builtScript('csi-driver', 'main.js');
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-bench-memory-'));
  ctx.scope.defer('temp dir', () => rm(dir, { recursive: true, force: true }));
  const sim = await ctx.scope.adopt('TrueNAS simulator', TrueNasSimulator.start({ tls: true, datasets: [parent] }));
  await writeFile(join(dir, 'ca.pem'), sim.tls?.cert ?? '');
  const csp = new NodeChild('csp-truenas', cspMain, [
    ...['--host', '127.0.0.1', '--port', '0', '--array', sim.address, '--parent-datasets', parent],
    ...['--tls-ca-file', join(dir, 'ca.pem'), '--docs', 'false', '--log-level', 'info'],
    ...['--token-idle-ttl', `${idleTtlS}s`],
  ]);
  ctx.scope.defer('csp-truenas process', () => csp.stop());
  const listening = JSON.parse(await csp.waitForLine(/"CSP listening"/)) as { address: string };
  const socketPath = join(dir, 'csi.sock');
  const driver = new NodeChild('opencsp-csi-driver', driverMain, [
    ...['--endpoint', `unix://${socketPath}`, '--mode', 'controller', '--log-level', 'info'],
  ]);
  ctx.scope.defer('driver process', () => driver.stop());
  await driver.waitForLine(/CSI driver listening/);
  return { sim, csp, driver, cspUrl: listening.address, socketPath };
}

function memoryRow(
  process: string,
  phase: string,
  m: ChildMemory,
  sessions: number | null,
  logins: number | null,
): Row {
  return { process, phase, ...m, sessions, logins };
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

export const memoryBenchmark: Benchmark = {
  name: 'memory',
  title: 'Memory of the CSP and the driver processes',
  description:
    'csp-truenas and opencsp-csi-driver run as child processes (production entry points, log level info); ' +
    '1,000 CSI operations (a full run) go through them at concurrency 8 plus extra CSP logins, then everything ' +
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
    const sample = async (phase: string) => {
      mem.push(memoryRow('csp-truenas', phase, await p.csp.memory(), p.sim.connectionCount, arrayLogins(p.sim)));
      mem.push(memoryRow('csi-driver', phase, await p.driver.memory(), null, null));
    };
    await sample('started, idle');

    const hostnames = ['mem-a', 'mem-b', 'mem-c', 'mem-d'];
    const nodes = hostnames.map((n) => testNodeId(n));
    type Item = { i: number; pv: PersistentVolume | undefined };
    const pv = (item: Item) => item.pv as PersistentVolume;
    const node = (item: Item) => nodes[item.i % nodes.length] as string;
    const counters = { callsPerOp: () => p.sim.calls.total };
    const ops: PhaseStats[] = [];
    // Two equal rounds: memory that keeps growing from the first to the second would be a leak
    // per operation; memory that grows once is warm-up (compiled code, pools, caches).
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
    const opsTotal = ops.reduce((n, o) => n + o.count, 0);
    ctx.log(`memory: ${s.logins} extra logins to the CSP`);
    const extra = new CspClient({ baseUrl: `${p.cspUrl}/containers/v1`, retries: 0 });
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
    return {
      tables: [
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
      ],
      notes: [
        'array connections open: WebSocket connections from the CSP to the TrueNAS simulator. Each CSP token holds ' +
          'an array session with a small pool of connections (a second one opens when the first is busy), each ' +
          'logged in: array logins counts the auth.login* calls the simulator received.',
        'The CSP runs with --token-idle-ttl set low so expiry happens within the run; production default is 1 h.',
      ],
    };
  },
};
