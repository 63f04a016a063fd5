// Runs the demo in-process with its output captured, and keeps a handle on its stack so a test
// can check the host and the array after the run (the demo's own clean-up step already has).
import { access } from 'node:fs/promises';
import { expect } from 'vitest';
import { type DemoOptions, defaultDemoOptions } from '../../src/demo/options.js';
import { type DemoResult, runDemo } from '../../src/demo/run.js';
import type { DemoStack } from '../../src/demo/stack.js';
import { loopsUnder, mountsUnder } from '../../src/loop/index.js';

export interface CapturedRun {
  result: DemoResult;
  lines: string[];
  stack: DemoStack | undefined;
}

export async function captureDemo(
  options: Partial<DemoOptions>,
  beforeStep?: (step: string, stack: DemoStack) => void,
): Promise<CapturedRun> {
  const lines: string[] = [];
  let stack: DemoStack | undefined;
  const result = await runDemo(
    { ...defaultDemoOptions, ...options },
    {
      write: (line) => lines.push(line),
      color: false,
      beforeStep(step, s) {
        stack = s;
        beforeStep?.(step, s);
      },
    },
  );
  return { result, lines, stack };
}

/** Fails with the demo's own words when it did not pass (for example: no loop devices here). */
export function expectPassed(run: CapturedRun): void {
  if (run.result.failed) {
    throw new Error(`the demo failed at "${run.result.failed.step}": ${run.result.failed.message}`);
  }
  expect(run.result.ok).toBe(true);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** What the run left on this host: loop devices on the array's files, mounts, temp dirs. */
export async function hostLeftovers(stack: DemoStack): Promise<string[]> {
  const kubeletDir = stack.node?.kubeletDir;
  const dirs = [stack.lunDir, ...(kubeletDir ? [kubeletDir] : [])];
  return [
    ...(await loopsUnder(stack.lunDir)).map((l) => `loop device ${l.device}`),
    ...(kubeletDir ? (await mountsUnder(kubeletDir)).map((m) => `mount ${m}`) : []),
    ...(await Promise.all(dirs.map(async (d) => ((await exists(d)) ? [`dir ${d}`] : [])))).flat(),
  ];
}

/** After the run: the simulator's audit is empty and nothing of the run is on the host. */
export async function expectNothingLeft(run: CapturedRun): Promise<void> {
  const stack = run.stack;
  if (!stack) {
    throw new Error('the demo never started its stack');
  }
  expect(Object.values(stack.backend.stack.sim.audit()).flat()).toEqual([]);
  expect(await hostLeftovers(stack)).toEqual([]);
}

export const statuses = (run: CapturedRun) => run.result.steps.map((s) => [s.name, s.status]);
