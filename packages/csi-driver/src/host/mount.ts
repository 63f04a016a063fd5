// mount and umount through the runner. Mount flags come from the user (they may carry secrets) and
// are shown only when every flag is a well-known one. umount's exit code is never trusted (util-linux
// exits 32 both for "not mounted" and for "target is busy"): mountinfo decides.
import { DriverError } from '../errors.js';
import type { Clock } from './clock.js';
import type { HostFiles } from './files.js';
import { mountsAt, readMounts } from './mountinfo.js';
import { mountOptionsAreSafe } from './redact.js';
import { describeFailure, type Runner, runChecked } from './runner.js';

export interface MountRequest {
  readonly source: string;
  readonly target: string;
  readonly fsType?: string;
  readonly options?: readonly string[];
}

export async function mount(runner: Runner, req: MountRequest): Promise<void> {
  const options = req.options ?? [];
  const args = [...(req.fsType ? ['-t', req.fsType] : []), ...(options.length ? ['-o', options.join(',')] : [])];
  const redactArgs = options.length && !mountOptionsAreSafe(options) ? [args.length - 1] : [];
  await runChecked(runner, 'mount', [...args, req.source, req.target], {
    redactArgs,
    context: `mounting ${req.source} at ${req.target}`,
  });
}

export async function bindMount(runner: Runner, source: string, target: string): Promise<void> {
  await runChecked(runner, 'mount', ['--bind', source, target], { context: `bind-mounting ${source} at ${target}` });
}

/** Changes per-mount flags of an existing bind mount (ro, nosuid...). */
export async function remountBind(runner: Runner, target: string, flags: readonly string[]): Promise<void> {
  const options = ['remount', 'bind', ...flags];
  const redactArgs = mountOptionsAreSafe(options) ? [] : [1];
  await runChecked(runner, 'mount', ['-o', options.join(','), target], {
    redactArgs,
    context: `remounting ${target} with ${mountOptionsAreSafe(flags) ? flags.join(',') : 'the requested flags'}`,
  });
}

export interface UnmountPolicy {
  readonly attempts: number;
  readonly retryDelayMs: number;
}

export const defaultUnmountPolicy: UnmountPolicy = { attempts: 10, retryDelayMs: 1_000 };

/**
 * Unmounts everything stacked at `target` until mountinfo shows nothing there. Busy targets are
 * retried; when they stay busy the last umount error is reported as FailedPrecondition (something
 * on the host still uses the volume). Nothing mounted → returns at once.
 */
export async function unmountAll(
  runner: Runner,
  files: HostFiles,
  clock: Clock,
  target: string,
  policy: UnmountPolicy = defaultUnmountPolicy,
): Promise<void> {
  let lastFailure = '';
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    if (mountsAt(await readMounts(files), target).length === 0) {
      return;
    }
    const result = await runner.run('umount', [target]);
    if (result.code === 0) {
      continue;
    }
    lastFailure = describeFailure(result);
    if (mountsAt(await readMounts(files), target).length === 0) {
      return;
    }
    await clock.sleep(policy.retryDelayMs);
  }
  if (mountsAt(await readMounts(files), target).length === 0) {
    return;
  }
  throw new DriverError(
    /busy/.test(lastFailure) ? 'FailedPrecondition' : 'Internal',
    `${target} is still mounted after ${policy.attempts} unmount attempts: ${lastFailure || 'mount reappeared'}`,
  );
}
