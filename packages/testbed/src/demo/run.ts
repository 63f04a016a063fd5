// The demo as a function: tells the story step by step to `io`, always cleans up, prints the
// summary table, optionally writes the results as JSON, and returns them. `main.ts` is the CLI
// around it; the tests call it in-process with the output captured.
import { writeFile } from 'node:fs/promises';
import { hasSysResource } from '../loop/index.js';
import type { DemoContext, DemoStep } from './context.js';
import { decideNodePart, howToGetNodePart, type NodeDecision } from './node-part.js';
import type { DemoOptions } from './options.js';
import { type DemoOutput, StepFailure, type StepResult, Story } from './report.js';
import { DemoStack } from './stack.js';
import { dataSteps } from './steps-data.js';
import { expandSteps } from './steps-expand.js';
import { groupSteps } from './steps-groups.js';
import { modifySteps } from './steps-modify.js';
import { nodeSteps } from './steps-node.js';
import { setupSteps } from './steps-setup.js';
import { teardownSteps } from './steps-teardown.js';
import { formatQuantity } from './units.js';

export interface DemoIo extends DemoOutput {
  /** Aborts the run (Ctrl-C): the current step stops waiting, the clean-up still runs. */
  signal?: AbortSignal;
  /** With --keep: resolves when the user wants the tear down to go on. */
  waitToContinue?: () => Promise<void>;
  /** Called before each step that runs; tests plan array faults here (`stack.backend.stack.sim.failNext`). */
  beforeStep?: (step: string, stack: DemoStack) => void;
}

export interface DemoResult {
  ok: boolean;
  interrupted: boolean;
  /** The first failing step and its message. */
  failed?: { step: string; message: string };
  nodePart: NodeDecision;
  options: Omit<DemoOptions, 'help'>;
  steps: StepResult[];
  totalSeconds: number;
}

const checkStep = 'check this machine for the node part';
const cleanupStep = 'stop the servers, remove temp dirs';
const nodeSkipReason = 'no node part on this machine (see step 1)';

/** Every step of the story, in order, for this run. */
export function demoPlan(offlineGrow: boolean): DemoStep[] {
  return [
    ...setupSteps,
    ...nodeSteps,
    ...dataSteps,
    ...groupSteps,
    ...expandSteps(offlineGrow),
    ...modifySteps,
    ...teardownSteps,
  ];
}

async function checkNodePart(story: Story, options: DemoOptions): Promise<NodeDecision> {
  return story.step(checkStep, async (log) => {
    const decision = await decideNodePart(options.node);
    if (decision.run) {
      log.detail('node part', 'runs: Linux, root, /dev/loop-control and the filesystem tools are here');
    } else {
      log.detail('node part', `SKIPPED: ${decision.reason}`);
      log.detail('to see it', howToGetNodePart);
      log.detail(
        'still real',
        'the controller part: provision, attach, snapshot, restore, clone, expand, modify, delete',
      );
    }
    return decision;
  });
}

async function pause(ctx: DemoContext, story: Story, io: DemoIo): Promise<number> {
  if (!ctx.options.keep || !io.waitToContinue) {
    return 0;
  }
  const started = performance.now();
  const csp = ctx.stack.backend.stack.baseUrl;
  story.line();
  story.line(
    story.paint('--keep: everything is still up. Look around, then press Enter (or Ctrl-C) to tear down.', 'bold'),
  );
  if (ctx.volume) {
    story.line(`  pod path      ${ctx.volume.targetPath}`);
  }
  story.line(`  csp-truenas   ${csp}  (docs: ${new URL(csp).origin}/docs)`);
  story.line(
    `  volumes       ${[ctx.pv, ctx.restored, ctx.clone].flatMap((pv) => (pv ? [pv.volumeHandle] : [])).join(', ')}`,
  );
  story.line();
  await io.waitToContinue();
  return (performance.now() - started) / 1000;
}

async function tellStory(ctx: DemoContext, story: Story, io: DemoIo, plan: DemoStep[]): Promise<number> {
  let paused = 0;
  for (const [i, step] of plan.entries()) {
    if (step === teardownSteps[0]) {
      paused = await pause(ctx, story, io);
    }
    if (step.node && !ctx.nodePart.run) {
      story.skip(step.name, nodeSkipReason);
      continue;
    }
    try {
      io.beforeStep?.(step.name, ctx.stack);
      await story.step(step.name, (log) => step.run(ctx, log));
    } catch (err) {
      story.notRun(
        plan.slice(i + 1).map((s) => s.name),
        `not run: "${step.name}" failed`,
      );
      throw err;
    }
  }
  return paused;
}

export async function runDemo(options: DemoOptions, io: DemoIo): Promise<DemoResult> {
  const started = performance.now();
  const names = [checkStep, cleanupStep, ...demoPlan(true).map((s) => s.name)];
  const story = new Story(io, { signal: io.signal, nameWidth: Math.max(...names.map((n) => n.length)) });
  const stack = new DemoStack(options.logLevel, options.protocol);
  story.line(
    story.paint('opencsp demo: one PVC’s life on a simulated TrueNAS, through csp-truenas and the CSI driver', 'bold'),
  );
  story.line(
    `  ${options.fs} over ${options.protocol === 'nvmetcp' ? 'NVMe/TCP' : 'iSCSI'}, ${formatQuantity(options.size)} (expanded to ${formatQuantity(2 * options.size)}); ` +
      'everything on 127.0.0.1, free ports and temp dirs, removed at the end',
  );
  story.line();
  let nodePart: NodeDecision = { run: false, reason: 'not checked' };
  let failed: DemoResult['failed'];
  let paused = 0;
  try {
    nodePart = await checkNodePart(story, options);
    const offlineGrow = options.fs === 'ext4' && nodePart.run && !(await hasSysResource());
    const ctx: DemoContext = { options, stack, nodePart, offlineGrow };
    paused = await tellStory(ctx, story, io, demoPlan(offlineGrow));
  } catch (err) {
    failed = { step: err instanceof StepFailure ? err.step : 'demo', message: (err as Error).message };
  }
  try {
    await story.step(
      cleanupStep,
      async (log) => {
        const stopped = stack.running();
        const dirs = await stack.stop();
        log.detail('stopped', stopped.join(', ') || 'nothing was running');
        log.detail('removed', `${dirs.length} temp dirs; no mount or loop device of this run is left`);
      },
      { always: true },
    );
  } catch (err) {
    failed ??= { step: cleanupStep, message: (err as Error).message };
  }
  const totalSeconds = (performance.now() - started) / 1000 - paused;
  const { help: _help, ...shown } = options;
  const result: DemoResult = {
    ok: failed === undefined,
    interrupted: io.signal?.aborted ?? false,
    ...(failed ? { failed } : {}),
    nodePart,
    options: shown,
    steps: story.steps,
    totalSeconds,
  };
  story.line();
  for (const line of story.summary(totalSeconds)) {
    story.line(line);
  }
  story.line();
  story.line(verdict(result, story));
  if (options.json) {
    await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
    story.line(`step results written to ${options.json}`);
  }
  return result;
}

function verdict(result: DemoResult, story: Story): string {
  const count = (status: string) => result.steps.filter((s) => s.status === status).length;
  if (result.failed) {
    const what = result.interrupted ? 'interrupted' : 'FAILED';
    return story.paint(`demo ${what} at "${result.failed.step}": ${result.failed.message}`, 'red');
  }
  const skipped = count('skipped');
  const why = result.nodePart.run ? '' : ` (${result.nodePart.reason})`;
  const tail = skipped > 0 ? `, ${skipped} node steps skipped${why}` : '';
  return story.paint(`demo passed: ${count('ok')} steps ok${tail}, ${result.totalSeconds.toFixed(2)} s`, 'green');
}
