// Read-only publishes of raw block volumes. A read-only bind mount does not stop writes to a device
// node (the mount's ro flag only covers files of the filesystem), so a read-only publish gets its
// own read-only loop device over the volume's device (`losetup --read-only`), which the kernel
// enforces. Such loops are found again through `losetup -j <device>` and sysfs, reused after a
// crash, and released when their publish or the whole volume goes away.
import { basename } from 'node:path';
import type { MountInfo } from '../host/mountinfo.js';
import { runChecked } from '../host/runner.js';
import type { NodeContext } from './context.js';
import { isDeviceBind } from './mounts.js';

/** Loop devices (kernel names) whose backing file is `device`, with their read-only flag. */
export async function loopsOver(ctx: NodeContext, device: string): Promise<{ name: string; readOnly: boolean }[]> {
  const result = await runChecked(ctx.runner, 'losetup', ['-j', device, '-n', '-O', 'NAME'], {
    context: `listing loop devices over ${device}`,
  });
  const loops: { name: string; readOnly: boolean }[] = [];
  for (const line of result.stdout.split('\n')) {
    const name = basename(line.trim());
    if (name.startsWith('loop')) {
      const ro = (await ctx.files.readText(`/sys/block/${name}/ro`))?.trim() === '1';
      loops.push({ name, readOnly: ro });
    }
  }
  return loops;
}

function boundSomewhere(mounts: readonly MountInfo[], name: string): boolean {
  return mounts.some((m) => isDeviceBind(m, name));
}

/** A read-only loop over `device` that nothing uses yet (left by a crash), or a new one. */
export async function readOnlyLoop(ctx: NodeContext, device: string, mounts: readonly MountInfo[]): Promise<string> {
  const spare = (await loopsOver(ctx, device)).find((l) => l.readOnly && !boundSomewhere(mounts, l.name));
  if (spare) {
    return `/dev/${spare.name}`;
  }
  const result = await runChecked(ctx.runner, 'losetup', ['--read-only', '--find', '--show', device], {
    context: `creating a read-only loop device over ${device}`,
  });
  return result.stdout.trim();
}

/** Kernel names that publish `device`: the device itself and its read-only loops. */
export async function publishDeviceNames(ctx: NodeContext, device: string, kname: string): Promise<string[]> {
  const loops = await loopsOver(ctx, device);
  return [kname, ...loops.filter((l) => l.readOnly).map((l) => l.name)];
}

/** Detaches read-only loops over `device` that no mount uses any more. */
export async function releaseReadOnlyLoops(
  ctx: NodeContext,
  device: string,
  mounts: readonly MountInfo[],
): Promise<void> {
  for (const loop of await loopsOver(ctx, device)) {
    if (loop.readOnly && !boundSomewhere(mounts, loop.name)) {
      await runChecked(ctx.runner, 'losetup', ['-d', `/dev/${loop.name}`], { context: `releasing /dev/${loop.name}` });
    }
  }
}

/** Refreshes the size of the read-only loops over a grown device. */
export async function refreshReadOnlyLoops(ctx: NodeContext, device: string): Promise<void> {
  for (const loop of await loopsOver(ctx, device)) {
    if (loop.readOnly) {
      await runChecked(ctx.runner, 'losetup', ['-c', `/dev/${loop.name}`], { context: `refreshing /dev/${loop.name}` });
    }
  }
}
