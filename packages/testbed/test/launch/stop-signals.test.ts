// The runners stop what they started when they are stopped (common/stop-signals.ts), checked on the
// real entry points as CI's timeout or a user's Ctrl-C stop them: the signal goes to the runner's
// pid only, once its children are up and a loop device of its run exists; then it must exit with
// 128+signal, with none of its descendants alive and nothing left under its TMPDIR (run directory,
// backing files, mounts, loop devices). `pnpm sanity` (csi-sanity, simulator, CSP, driver, loop
// node as processes) gets SIGTERM; `pnpm demo` (everything in one process) gets SIGINT. A SIGKILLed
// `pnpm sanity` cannot clean up, but its children must still die with it.
import { afterEach, describe, expect, it } from 'vitest';
import { type StopSignal, signalExitCode } from '../../src/common/stop-signals.js';
import { findCsiSanity, upstreamBinDir } from '../../src/csi-sanity/binary.js';
import { loopsUnder, requireLoopEnvironment } from '../../src/loop/index.js';
import { RunnerProcess } from './runner-process.js';

const loopMissing = await requireLoopEnvironment().then(
  () => undefined,
  (err: Error) => err.message,
);
const sanityMissing = loopMissing ?? ((await findCsiSanity()) ? undefined : `no csi-sanity in ${upstreamBinDir()}`);
if (sanityMissing && process.env.CI) {
  throw new Error(`CI=1: the signal tests cannot run: ${sanityMissing}`);
}

/** Sends `signal` to the runner alone; it must exit 128+signal with nothing of it left. */
async function expectStoppedClean(r: RunnerProcess, signal: StopSignal): Promise<void> {
  process.kill(r.pid, signal);
  const exit = await r.exited;
  const code = signalExitCode(signal);
  // The runner's output only when the exit is wrong, to say why.
  expect({ ...exit, output: exit.code === code ? '' : r.output }).toEqual({ code, signal: null, output: '' });
  expect(r.output).toContain(`${signal}: stopping what this run started`);
  expect(await r.stillAlive()).toEqual([]);
  expect(await r.leftovers()).toEqual([]);
}

describe('runners stopped by a signal clean up and exit 128+signal', () => {
  let runner: RunnerProcess | undefined;
  afterEach(async () => {
    await runner?.destroy();
    runner = undefined;
  });

  it.skipIf(sanityMissing !== undefined)(
    `pnpm sanity, SIGTERM while csi-sanity runs: exit 143, no descendant, loop device, mount or temp dir left${sanityMissing ? ` (${sanityMissing})` : ''}`,
    async () => {
      const r = await RunnerProcess.start('csi-sanity', (p) => [
        ...['--backend', 'truenas', '--access', 'mount', '--protocol', 'iscsi'],
        ...['--report-dir', p.reports],
      ]);
      runner = r;
      await r.waitFor('csi-sanity ran with a loop device attached', async (descendants) => {
        const names = descendants.map((d) => d.comm);
        return names.includes('csi-sanity') && (await loopsUnder(r.tmp)).length > 0;
      });
      // The simulator, CSP, controller, node and csi-sanity.
      expect(r.seen.size).toBeGreaterThanOrEqual(5);
      await expectStoppedClean(r, 'SIGTERM');
    },
    180_000,
  );

  it.skipIf(sanityMissing !== undefined)(
    `pnpm sanity SIGKILLed: its children die with it (launch/spawn.ts)${sanityMissing ? ` (${sanityMissing})` : ''}`,
    async () => {
      const r = await RunnerProcess.start('csi-sanity', (p) => [
        ...['--backend', 'synology', '--access', 'block', '--protocol', 'iscsi'],
        ...['--report-dir', p.reports],
      ]);
      runner = r;
      await r.waitFor('csi-sanity started', (descendants) => descendants.some((d) => d.comm === 'csi-sanity'));
      expect(r.seen.size).toBeGreaterThanOrEqual(5);
      process.kill(r.pid, 'SIGKILL');
      expect((await r.exited).signal).toBe('SIGKILL');
      // The kernel signals them as the runner dies; their exit is asynchronous, so wait for it.
      await r.waitGone();
      expect(await r.stillAlive()).toEqual([]);
      // What only a handler could remove (the run directory, a loop device) is the test's to clean up.
    },
    180_000,
  );

  it.skipIf(loopMissing !== undefined)(
    `pnpm demo, SIGINT while a volume is attached: exit 130, nothing left${loopMissing ? ` (${loopMissing})` : ''}`,
    async () => {
      const r = await RunnerProcess.start('demo', () => ['--fs', 'ext4']);
      runner = r;
      await r.waitFor('a loop device of the demo exists', async () => (await loopsUnder(r.tmp)).length > 0);
      await expectStoppedClean(r, 'SIGINT');
    },
    120_000,
  );
});
