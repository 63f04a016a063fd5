// `pnpm demo` where the node part cannot run (not root, not Linux, no loop driver), forced here
// with `--node skip` so it runs anywhere: the controller part runs for real, every node step is
// printed as skipped with the reason, the reason is explained once, and the audit is empty.
import { describe, expect, it } from 'vitest';
import { decideNodePart, nodePartBlocker } from '../../src/demo/node-part.js';
import { demoPlan } from '../../src/demo/run.js';
import { captureDemo, expectNothingLeft, expectPassed, statuses } from './run.js';

const MiB = 1024 ** 2;

describe('pnpm demo without the node part (csp-truenas + simulator)', () => {
  it('runs the controller part for real and prints every node step as skipped with the reason', async () => {
    const run = await captureDemo({ fs: 'ext4', size: 256 * MiB, node: 'skip' });
    expectPassed(run);
    expect(run.result.nodePart).toEqual({ run: false, reason: 'the node part was turned off (--node skip)' });
    const plan = demoPlan(false);
    expect(statuses(run)).toEqual([
      ['check this machine for the node part', 'ok'],
      ...plan.map((s) => [s.name, s.node ? 'skipped' : 'ok']),
      ['stop the servers, remove temp dirs', 'ok'],
    ]);
    const controllerSteps = plan.filter((s) => !s.node).map((s) => s.name);
    expect(controllerSteps).toEqual([
      'start the simulated TrueNAS and csp-truenas',
      'start the CSI driver',
      'create a StorageClass',
      'provision a PVC (CreateVolume)',
      'attach to the node (ControllerPublishVolume)',
      'snapshot the PVC (CreateSnapshot)',
      'restore the snapshot into a new PVC',
      'clone the PVC',
      'snapshot two PVCs as one group and restore both',
      'expand on the controller (ControllerExpandVolume)',
      'change compression (ControllerModifyVolume)',
      'detach from the node (ControllerUnpublishVolume)',
      'delete the snapshot and the volumes',
      'retire the node (DELETE /hosts, an operator step)',
      'leak audit: nothing left',
    ]);
    for (const step of run.result.steps.filter((s) => s.status === 'skipped')) {
      expect(step.reason).toBe('skipped: no node part on this machine (see step 1)');
      expect(step.seconds).toBeUndefined();
    }
    const text = run.lines.join('\n');
    expect(text.match(/SKIPPED: the node part was turned off/g)).toHaveLength(1);
    expect(text).toContain('run the demo as root on Linux');
    const step = (name: string) => run.result.steps.find((s) => s.name === name)?.details.join('\n') ?? '';
    expect(step('attach to the node (ControllerPublishVolume)')).toMatch(
      /target IQN\s+iqn\.2005-10\.org\.freenas\.ctl:/,
    );
    expect(step('expand on the controller (ControllerExpandVolume)')).toContain('256 MiB → 512 MiB');
    expect(step('change compression (ControllerModifyVolume)')).toMatch(
      /array before: zvol .*compression lz4[\s\S]*array after: zvol .*compression zstd/,
    );
    await expectNothingLeft(run);
    expect(run.lines.at(-1)).toMatch(/^demo passed: 17 steps ok, 8 node steps skipped \(the node part was turned off/);
  });

  it('a failing step stops the story: the rest is listed as not run, the clean-up still runs', async () => {
    const run = await captureDemo({ node: 'skip' }, (step, stack) => {
      if (step === 'provision a PVC (CreateVolume)') {
        stack.backend.failNextCreate('INTERNAL');
      }
    });
    expect(run.result.ok).toBe(false);
    expect(run.result.failed).toEqual({
      step: 'provision a PVC (CreateVolume)',
      message: expect.stringMatching(/INTERNAL.*I\/O error while creating the zvol/),
    });
    const after = run.result.steps.slice(run.result.steps.findIndex((s) => s.status === 'failed') + 1);
    expect(after.at(-1)).toMatchObject({ name: 'stop the servers, remove temp dirs', status: 'ok' });
    expect(new Set(after.slice(0, -1).map((s) => s.status))).toEqual(new Set(['not run']));
    expect(run.lines.join('\n')).toMatch(/error: .*I\/O error while creating the zvol/);
    await expectNothingLeft(run);
  });

  it('auto runs the node part exactly when nothing blocks it; require fails with the reason', async () => {
    const blocker = await nodePartBlocker();
    const auto = await decideNodePart('auto');
    expect(auto).toEqual(blocker === undefined ? { run: true } : { run: false, reason: blocker });
    if (blocker === undefined) {
      await expect(decideNodePart('require')).resolves.toEqual({ run: true });
    } else {
      await expect(decideNodePart('require')).rejects.toThrow(blocker);
    }
  });
});
