// Benchmark `vmstage` (goal 5): NodeStageVolume on a real kernel. Boots the VM suite's image under
// QEMU with the stage benchmark (vm/guest/stagebench.sh): COUNT + 1 LIO targets with CHAP on two
// portals; the driver's NodeService stages one volume alone, then COUNT at once (login on both
// portals, dm-multipath, mkfs.ext4, mount), each traced per phase. Not part of the unit tests;
// `pnpm bench --only vmstage` runs it alone (root, QEMU, about 1 GB of cache for the image).
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { Cleanup } from '../vm/cleanup.js';
import type { StageBenchResult, StageTrace } from '../vm/guest/stagebench/trace.js';
import { PHASES } from '../vm/guest/stagebench/trace.js';
import { DEFAULT_ENTRY, DEFAULT_TIMEOUT_SECONDS } from '../vm/options.js';
import { defaultCacheDir, prepareVm, repoDir } from '../vm/prepare.js';
import { runScenario, type ScenarioOutcome } from '../vm/scenario-run.js';
import type { BenchContext, Benchmark, BenchmarkOutput } from './benchmark.js';
import { sized } from './benchmark.js';
import { atMost, type Row, table } from './report.js';
import { round, summarize } from './stats.js';

const GOAL_RATIO = 3;
const s = (ms: number) => round(ms / 1000);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

async function result(outcome: ScenarioOutcome, mode: 'one' | 'many'): Promise<StageBenchResult> {
  const path = outcome.results[`stagebench-${mode}.json`];
  if (!path) {
    throw new Error(`the guest wrote no stagebench-${mode}.json (console log: ${outcome.logPath})`);
  }
  return JSON.parse(await readFile(path, 'utf8')) as StageBenchResult;
}

function phaseRows(one: StageBenchResult, many: StageBenchResult): Row[] {
  const of = (stages: StageTrace[], phase: (typeof PHASES)[number]) => summarize(stages.map((t) => t.phases[phase]));
  const rows: Row[] = PHASES.map((phase) => ({
    phase,
    one: s(of(one.stages, phase).p50),
    manyP50: s(of(many.stages, phase).p50),
    manyMax: s(of(many.stages, phase).max),
  }));
  const totals = summarize(many.stages.map((t) => t.totalMs));
  rows.push({ phase: 'whole stage', one: s(one.wallMs), manyP50: s(totals.p50), manyMax: s(totals.max) });
  return rows;
}

function commandRows(one: StageBenchResult, many: StageBenchResult): Row[] {
  const programs = [...new Set([...one.stages, ...many.stages].flatMap((t) => Object.keys(t.commands)))].sort();
  const mean = (stages: StageTrace[], cmd: string) =>
    round(stages.reduce((sum, t) => sum + (t.commands[cmd] ?? 0), 0) / Math.max(1, stages.length));
  return programs.map((cmd) => ({ command: cmd, one: mean(one.stages, cmd), many: mean(many.stages, cmd) }));
}

async function run(ctx: BenchContext): Promise<BenchmarkOutput> {
  const count = sized(ctx.profile, { full: 20, quick: 5, tiny: 2 });
  const cleanup = new Cleanup((line) => ctx.log(line));
  ctx.scope.defer('the VM, its temp dir and the tools it started', () => cleanup.runAll());
  const cacheDir = defaultCacheDir();
  const vm = await prepareVm({ cacheDir, rebuild: false, log: (l) => ctx.log(`vmstage: ${l}`), cleanup });
  const loadBefore = load();
  ctx.log(`vmstage: booting the VM: one stage, then ${count} at once (load ${loadBefore})`);
  const outcome = await runScenario(
    { ops: 'stagebench', chap: 'oneway', entry: DEFAULT_ENTRY, count },
    {
      image: vm.image,
      repoDir,
      cacheDir,
      timeoutMs: DEFAULT_TIMEOUT_SECONDS.stagebench * 1000,
      cleanup,
      onEvent: (_label, event) => {
        if (event.kind === 'step') {
          ctx.log(`vmstage: ${event.step.name} ${event.step.seconds.toFixed(2)} s ${event.step.status}`);
        } else if (event.kind === 'error') {
          ctx.log(`vmstage: error: ${event.text}`);
        }
      },
    },
  );
  const loadAfter = load();
  if (!outcome.passed) {
    const why = outcome.timedOut ? 'timed out' : (outcome.result?.reason ?? `QEMU exit ${outcome.exitCode}`);
    throw new Error(`the VM run failed: ${why} (console log: ${outcome.logPath})`);
  }
  const one = await result(outcome, 'one');
  const many = await result(outcome, 'many');
  const ratio = many.wallMs / one.wallMs;
  const goal = `${count} concurrent NodeStage in the VM ÷ one stage alone`;
  return {
    tables: [
      table(
        `NodeStageVolume in the VM (QEMU TCG, LIO, 2 portals, CHAP, multipath, ext4): 1 alone, ${count} at once`,
        [
          { key: 'run', label: 'run' },
          { key: 'wall', label: 'wall s' },
          { key: 'p50', label: 'stage p50 s' },
          { key: 'max', label: 'stage max s' },
          { key: 'unstage', label: 'unstage wall s' },
          { key: 'cpu', label: 'guest CPU busy s' },
          { key: 'busy', label: 'vCPUs busy %' },
          { key: 'service', label: 'NodeService CPU s' },
        ],
        [one, many].map((r) => {
          const stages = summarize(r.stages.map((t) => t.totalMs));
          return {
            run: r.mode === 'one' ? '1 alone' : `${r.count} at once`,
            wall: s(r.wallMs),
            p50: s(stages.p50),
            max: s(stages.max),
            unstage: s(r.unstageWallMs),
            cpu: s(r.cpuBusyMs),
            busy: round((100 * r.cpuBusyMs) / (r.wallMs * r.cpus)),
            service: s(r.serviceCpuMs),
          };
        }),
        [
          `${count} at once ÷ 1 alone: ${round(ratio)} (goal ≤ ${GOAL_RATIO}); VM wall ${round(outcome.wallSeconds)} s`,
          `guest CPU busy: user + system + irq time of all ${one.cpus} vCPUs during the stages (/proc/stat); near 100 % the stages wait for CPU, not for each other; NodeService CPU: the guest process that runs the driver's NodeService (its share of the busy time)`,
        ],
      ),
      table(
        'Where a stage spends its time (s; waits count for what they waited for, see docs/benchmarks.md)',
        [
          { key: 'phase', label: 'phase' },
          { key: 'one', label: '1 alone' },
          { key: 'manyP50', label: `${count} at once p50` },
          { key: 'manyMax', label: `${count} at once max` },
        ],
        phaseRows(one, many),
      ),
      table(
        'Host commands per stage (mean)',
        [
          { key: 'command', label: 'command' },
          { key: 'one', label: '1 alone' },
          { key: 'many', label: `${count} at once` },
        ],
        commandRows(one, many),
      ),
    ],
    notes: [
      `Host load average before the VM ${loadBefore}, after ${loadAfter}; the VM takes both cores (TCG, no KVM).`,
      `Guest console log: ${outcome.logPath}`,
    ],
    goals: [atMost(goal, round(ratio), GOAL_RATIO)],
  };
}

export const vmStageBenchmark: Benchmark = {
  name: 'vmstage',
  title: 'NodeStage on a real kernel in the VM: one alone vs 20 at once (goal 5)',
  description:
    'The driver’s NodeService stages iSCSI volumes (LIO target, CHAP, two portals, dm-multipath, ext4) in a QEMU VM: one alone, then 20 at once, with the time of each phase.',
  run,
};
