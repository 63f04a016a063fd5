// NodeUnpublishVolume: unmount whatever is at the target path (busy mounts are retried, mountinfo
// decides) and remove the directory or file the node created there. Nothing there → OK.
import { aborted } from '../errors.js';
import { unmountAll } from '../host/mount.js';
import type { NodeContext } from './context.js';
import { removeTarget } from './local-paths.js';
import { lockKeys } from './locks.js';
import type { NodeUnpublishVolumeRequest, NodeUnpublishVolumeResponse } from './messages.js';
import { requirePath, requireVolumeId } from './validate.js';

export async function unpublishVolume(
  ctx: NodeContext,
  req: NodeUnpublishVolumeRequest,
): Promise<NodeUnpublishVolumeResponse> {
  const volumeId = requireVolumeId(req.volumeId);
  const target = requirePath(req.targetPath, 'targetPath');
  const release = ctx.volumeLocks.tryLock(lockKeys.volume(volumeId));
  if (!release) {
    throw aborted(`an operation on volume ${volumeId} is already in progress`);
  }
  try {
    await unmountAll(ctx.runner, ctx.files, ctx.clock, target, ctx.options.unmount);
    await removeTarget(target);
    ctx.logger.info({ volumeId, target }, 'volume unpublished');
    return {};
  } finally {
    release();
  }
}
