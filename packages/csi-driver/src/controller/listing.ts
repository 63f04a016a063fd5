// ListVolumes, ControllerGetVolume and GetCapacity: the RPCs without secrets. They use the
// sessions the driver knows (see csp/sessions.ts).
import type { Volume as CspVolume } from '@opencsp/csp-spec';
import type {
  ControllerGetVolumeRequest__Output,
  ControllerGetVolumeResponse,
  GetCapacityRequest__Output,
  GetCapacityResponse,
  ListVolumesRequest__Output,
  ListVolumesResponse,
} from '../csi-types.js';
import { csp } from '../csp/errors.js';
import { notFound, unimplemented } from '../errors.js';
import { cspConfig, volumeContext } from '../params.js';
import { capabilityProblem, isPossibleId, validateCapabilityShape, validateId } from '../validation.js';
import { type ControllerContext, locateVolume, sessionsFor } from './context.js';
import { csiVolume, volumeCondition } from './convert.js';
import { pageLimit } from './page-token.js';
import { cspLimit, type Fetch, pageAcross, sliceAll } from './paging.js';

const allVolumes: Fetch<CspVolume> = async (session, position, want) => {
  const facts = await session.facts();
  const action = `list volumes on ${session.describe}`;
  if (facts.features.list_pagination) {
    const page = await csp(action, () =>
      session.client.listVolumes({
        limit: cspLimit(want),
        ...(position.cspToken ? { startingToken: position.cspToken } : {}),
      }),
    );
    return { items: page.items, next: page.nextToken ? { cspToken: page.nextToken } : undefined };
  }
  const all = await csp(action, () => session.client.listVolumes());
  return sliceAll(all.items, position, want);
};

function describeVolume(volume: CspVolume) {
  const condition = volumeCondition(volume);
  return {
    volume: csiVolume(volume, volumeContext({}, volume.config, undefined)),
    status: { publishedNodeIds: volume.published_nodes ?? [], ...(condition ? { volumeCondition: condition } : {}) },
  };
}

export function validateListVolumes(req: ListVolumesRequest__Output): void {
  pageLimit(req.maxEntries);
}

export async function listVolumes(
  ctx: ControllerContext,
  req: ListVolumesRequest__Output,
): Promise<ListVolumesResponse> {
  const sessions = sessionsFor(ctx, {}, 'ListVolumes');
  const page = await pageAcross(sessions, req.startingToken, pageLimit(req.maxEntries), allVolumes);
  return { entries: page.items.map(describeVolume), nextToken: page.nextToken };
}

export function validateGetVolume(req: ControllerGetVolumeRequest__Output): void {
  validateId(req.volumeId, 'volume_id');
}

export async function controllerGetVolume(
  ctx: ControllerContext,
  req: ControllerGetVolumeRequest__Output,
): Promise<ControllerGetVolumeResponse> {
  if (!isPossibleId(req.volumeId)) {
    throw notFound(`volume ${req.volumeId} does not exist`);
  }
  const { volume } = await locateVolume(sessionsFor(ctx, {}, 'ControllerGetVolume'), req.volumeId);
  return describeVolume(volume);
}

export function validateGetCapacity(req: GetCapacityRequest__Output): void {
  req.volumeCapabilities.forEach((c, i) => {
    validateCapabilityShape(c, `volume_capabilities[${i}]`);
  });
  cspConfig(req.parameters);
}

export async function getCapacity(
  ctx: ControllerContext,
  req: GetCapacityRequest__Output,
): Promise<GetCapacityResponse> {
  if (req.volumeCapabilities.some((c) => capabilityProblem(c))) {
    return { availableCapacity: 0 };
  }
  const session = ctx.sessions.single('GetCapacity');
  const facts = await session.facts();
  if (!facts.features.capacity) {
    throw unimplemented(`GetCapacity: ${session.describe} does not implement the opencsp capacity addition`);
  }
  const capacity = await csp(`query capacity on ${session.describe}`, () =>
    session.client.queryCapacity(cspConfig(req.parameters)),
  );
  return {
    availableCapacity: capacity.available_bytes,
    ...(capacity.maximum_volume_size !== undefined
      ? { maximumVolumeSize: { value: capacity.maximum_volume_size } }
      : {}),
    ...(capacity.minimum_volume_size !== undefined
      ? { minimumVolumeSize: { value: capacity.minimum_volume_size } }
      : {}),
  };
}
