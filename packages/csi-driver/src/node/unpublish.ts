// NodeUnpublishVolume: unmount whatever is at the target path (busy mounts are retried, mountinfo
// decides) and remove the directory or file the node created there. Nothing there → OK.
import { inProgress } from '../errors.js';
import { unmountAll } from '../host/mount.js';
import { readMounts, topMountAt } from '../host/mountinfo.js';
import { runChecked } from '../host/runner.js';
import type { NodeContext } from './context.js';
import { removeTarget } from './local-paths.js';
import { lockKeys } from './locks.js';
import type { NodeUnpublishVolumeRequest, NodeUnpublishVolumeResponse } from './messages.js';
import { isDeviceBind } from './mounts.js';
import { requirePath, requireVolumeId } from './validate.js';

export async function unpublishVolume(
  ctx: NodeContext,
  req: NodeUnpublishVolumeRequest,
): Promise<NodeUnpublishVolumeResponse> {
  const volumeId = requireVolumeId(req.volumeId);
  const target = requirePath(req.targetPath, 'targetPath');
  const release = ctx.volumeLocks.tryLock(lockKeys.volume(volumeId));
  if (!release) {
    throw inProgress(`an operation on volume ${volumeId} is already in progress`);
  }
  try {
    const bound = topMountAt(await readMounts(ctx.files), target);
    await unmountAll(ctx.runner, ctx.files, ctx.clock, target, ctx.options.unmount);
    if (bound && isDeviceBind(bound)) {
      await releaseReadOnlyLoop(ctx, bound.root.slice(1));
    }
    await removeTarget(target);
    ctx.logger.info({ volumeId, target }, 'volume unpublished');
    return {};
  } finally {
    release();
  }
}

/** Detaches the read-only loop a read-only block publish used (a loop over a device, never a file). */
async function releaseReadOnlyLoop(ctx: NodeContext, name: string): Promise<void> {
  if (!name.startsWith('loop')) {
    return;
  }
  const readOnly = (await ctx.files.readText(`/sys/block/${name}/ro`))?.trim() === '1';
  const backing = (await ctx.files.readText(`/sys/block/${name}/loop/backing_file`))?.trim() ?? '';
  if (!readOnly || !backing.startsWith('/dev/')) {
    return;
  }
  const stillBound = (await readMounts(ctx.files)).some((m) => isDeviceBind(m, name));
  if (!stillBound) {
    await runChecked(ctx.runner, 'losetup', ['-d', `/dev/${name}`], { context: `releasing /dev/${name}` });
  }
}
