// ControllerExpandVolume: grow the volume on the array. The node must grow the filesystem (and
// rescan a published block device) afterwards, which the response tells the CO.
import type {
  ControllerExpandVolumeRequest__Output,
  ControllerExpandVolumeResponse,
  VolumeCapability__Output,
} from '../csi-types.js';
import { endpointFromSecrets } from '../csp/endpoint.js';
import { csp, cspOrMissing } from '../csp/errors.js';
import { failedPrecondition, invalidArgument, notFound, outOfRange } from '../errors.js';
import {
  capacityBounds,
  isPossibleId,
  validateCapabilityShape,
  validateId,
  validateSecretKeys,
} from '../validation.js';
import type { ControllerContext } from './context.js';
import { plannedSize } from './sizing.js';

export function validateExpand(req: ControllerExpandVolumeRequest__Output): void {
  validateId(req.volumeId, 'volume_id');
  const bounds = capacityBounds(req.capacityRange);
  if (bounds.required === 0 && bounds.limit === 0) {
    throw invalidArgument('capacity_range: required_bytes or limit_bytes is required');
  }
  if (req.volumeCapability) {
    validateCapabilityShape(req.volumeCapability, 'volume_capability');
  }
  validateSecretKeys(req.secrets);
  endpointFromSecrets(req.secrets);
}

function nodeExpansionRequired(capability: VolumeCapability__Output | null, published: boolean): boolean {
  if (capability?.accessType === 'block') {
    return published;
  }
  return true;
}

export async function expandVolume(
  ctx: ControllerContext,
  req: ControllerExpandVolumeRequest__Output,
): Promise<ControllerExpandVolumeResponse> {
  const session = ctx.sessions.forSecrets(req.secrets);
  const id = req.volumeId;
  const volume = isPossibleId(id)
    ? await cspOrMissing(`get volume ${id} from ${session.describe}`, () => session.client.getVolume(id))
    : undefined;
  if (!volume) {
    throw notFound(`volume_id: volume ${id} does not exist`);
  }
  const bounds = capacityBounds(req.capacityRange);
  const target = bounds.required || bounds.limit;
  const needsNode = nodeExpansionRequired(req.volumeCapability, volume.published);
  if (volume.size >= target) {
    if (bounds.limit > 0 && volume.size > bounds.limit) {
      throw outOfRange(`capacity_range.limit_bytes: the volume already has ${volume.size} bytes; volumes never shrink`);
    }
    return { capacityBytes: volume.size, nodeExpansionRequired: needsNode };
  }
  const facts = await session.facts();
  if (volume.published && facts.advertised && !facts.features.expand_online) {
    throw failedPrecondition(`${session.describe} cannot grow a published volume; detach volume ${id} first`);
  }
  const size = plannedSize(bounds, facts, target);
  const updated = await csp(`expand volume ${id} to ${size} bytes on ${session.describe}`, () =>
    session.client.updateVolume(id, { size }),
  );
  return { capacityBytes: updated.size, nodeExpansionRequired: needsNode };
}
