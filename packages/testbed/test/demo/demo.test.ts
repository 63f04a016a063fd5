// `pnpm demo` in-process with the node part required (root, loop devices, filesystem tools): every
// step runs and passes, the data reads back from the restore and the clone, the filesystem grows
// (xfs online; ext4 offline where this host refuses to grow a mounted ext4), and nothing is left.
// Without loop devices the demo fails at its first step and this test fails with that reason.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoPlan } from '../../src/demo/run.js';
import { hasSysResource } from '../../src/loop/index.js';
import { captureDemo, expectNothingLeft, expectPassed, hostLeftovers, statuses } from './run.js';

const MiB = 1024 ** 2;

describe('pnpm demo with the node part (csp-truenas + simulator, loop devices)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['xfs', 'ext4'] as const)('%s: every step passes, data reads back, the audit is empty', async (fs) => {
    const json = join(dir, 'steps.json');
    const run = await captureDemo({ fs, size: 512 * MiB, node: 'require', json });
    expectPassed(run);
    const offline = fs === 'ext4' && !(await hasSysResource());
    const expected = [
      'check this machine for the node part',
      ...demoPlan(offline).map((s) => s.name),
      'stop the servers, remove temp dirs',
    ];
    expect(statuses(run)).toEqual(expected.map((name) => [name, 'ok']));
    expect(expected).toContain('stage on the node (NodeStageVolume)');
    expect(expected.includes('stop the pod for an offline grow')).toBe(offline);

    const step = (name: string) => run.result.steps.find((s) => s.name === name)?.details.join('\n') ?? '';
    const written = /sha256 ([0-9a-f]{64})/.exec(step('write a file in the pod'))?.[1];
    expect(written).toBeDefined();
    expect(step('read the restored PVC back in a pod')).toContain(`sha256 ${written} (equal)`);
    expect(step('read the restored PVC back in a pod')).toMatch(/later\.txt\s+absent/);
    expect(step('read the clone back in a pod')).toContain(`sha256 ${written} (equal)`);
    expect(step('read the clone back in a pod')).toMatch(/later\.txt\s+present/);
    expect(step('expand on the node (NodeExpandVolume)')).toMatch(offline ? /mode\s+offline/ : /mode\s+online/);
    expect(step('leak audit: nothing left')).toContain('no zvol, snapshot, target, extent, LUN');
    await expectNothingLeft(run);

    expect(run.lines.join('\n')).not.toContain('\u001b[');
    expect(run.lines.at(-2)).toMatch(/^demo passed: \d+ steps ok, [\d.]+ s$/);
    const saved = JSON.parse(await readFile(json, 'utf8'));
    expect(saved.ok).toBe(true);
    expect(saved.nodePart).toEqual({ run: true });
    expect(saved.steps.map((s: { name: string }) => s.name)).toEqual(expected);
  });

  it('--protocol nvmetcp: the same story over NVMe/TCP (a subsystem per volume, both ports connected)', async () => {
    const run = await captureDemo({ fs: 'xfs', size: 512 * MiB, node: 'require', protocol: 'nvmetcp' });
    expectPassed(run);
    const step = (name: string) => run.result.steps.find((s) => s.name === name)?.details.join('\n') ?? '';
    expect(step('create a StorageClass')).toContain('accessProtocol: nvmetcp');
    expect(step('attach to the node (ControllerPublishVolume)')).toMatch(
      /subsystem NQN\s+nqn\.2011-06\.com\.truenas:uuid:[-0-9a-f]+:pvc-/,
    );
    expect(step('attach to the node (ControllerPublishVolume)')).toMatch(/array: NVMe subsystem .*admits nqn\.2014-08/);
    expect(step('stage on the node (NodeStageVolume)')).toMatch(/nvme connect .*2 controllers, one per port/);
    const written = /sha256 ([0-9a-f]{64})/.exec(step('write a file in the pod'))?.[1];
    expect(step('read the clone back in a pod')).toContain(`sha256 ${written} (equal)`);
    expect(step('detach from the node (ControllerUnpublishVolume)')).toMatch(/array: subsystem\s+admits nobody/);
    expect(step('leak audit: nothing left')).toContain('no zvol, snapshot, subsystem, namespace');
    await expectNothingLeft(run);
  });

  it('a failure half-way (the array refuses the snapshot) stops the story and still cleans up', async () => {
    const run = await captureDemo({ size: 512 * MiB, node: 'require' }, (step, stack) => {
      if (step === 'snapshot the PVC (CreateSnapshot)') {
        stack.backend.stack.sim.failNext('pool.snapshot.create', { errno: 'EIO', message: 'I/O error on the pool' });
      }
    });
    expect(run.result.ok).toBe(false);
    expect(run.result.failed?.step).toBe('snapshot the PVC (CreateSnapshot)');
    expect(run.result.failed?.message).toMatch(/I\/O error on the pool/);
    const byStatus = (status: string) => run.result.steps.filter((s) => s.status === status).map((s) => s.name);
    expect(byStatus('failed')).toEqual(['snapshot the PVC (CreateSnapshot)']);
    expect(byStatus('not run')).toContain('leak audit: nothing left');
    expect(run.result.steps.at(-1)).toMatchObject({ name: 'stop the servers, remove temp dirs', status: 'ok' });
    // The volume was staged and published when the snapshot failed: clean-up unmounted and detached it.
    expect(byStatus('ok')).toContain('publish into a pod (NodePublishVolume)');
    if (!run.stack?.node) {
      throw new Error('the node part did not start');
    }
    expect(await hostLeftovers(run.stack)).toEqual([]);
    expect(run.lines.at(-1)).toMatch(/^demo FAILED at "snapshot the PVC \(CreateSnapshot\)": .*I\/O error on the pool/);
  });
});
