// CreateVolume, DeleteVolume and ValidateVolumeCapabilities.
import { type Volume as CspVolume, isObjectName, type VolumeCreateRequest } from '@opencsp/csp-spec';
import { CspHttpError } from '@opencsp/csp-spec/client';
import { type AccessProtocolName, defaultFsType, supportedFsTypes } from '../constants.js';
import type {
  CreateVolumeRequest__Output,
  CreateVolumeResponse,
  DeleteVolumeRequest__Output,
  DeleteVolumeResponse,
  ValidateVolumeCapabilitiesRequest__Output,
  ValidateVolumeCapabilitiesResponse,
  VolumeCapability__Output,
} from '../csi-types.js';
import { endpointFromSecrets } from '../csp/endpoint.js';
import { csp, cspFailure, cspOrMissing } from '../csp/errors.js';
import type { CspFacts, CspSession } from '../csp/session.js';
import { failedPrecondition, invalidArgument, notFound, outOfRange } from '../errors.js';
import { cspConfig, driverParams, mutableConfig, volumeContext } from '../params.js';
import {
  capabilityProblem,
  capacityBounds,
  fitsBounds,
  isMultiNode,
  isPossibleId,
  validateCapabilities,
  validateCapabilityShape,
  validateId,
  validateSecretKeys,
  validateVolumeName,
} from '../validation.js';
import { type ControllerContext, cloneSourcePrefix, locateVolume, sessionsFor } from './context.js';
import { csiVolume } from './convert.js';
import { checkMutable } from './modify.js';
import { filesystemFloor, plannedSize } from './sizing.js';
import { createFromSource, incompatible, madeFrom, resolveSource } from './sources.js';
import { ensureVolumeGroup, removeEmptyGroup } from './volume-groups.js';

/** The filesystem a mount capability will get (capability, then StorageClass, then default). */
function effectiveFsType(
  capabilities: VolumeCapability__Output[],
  parameters: Record<string, string>,
): string | undefined {
  const mount = capabilities.find((c) => c.accessType === 'mount');
  if (!mount) {
    return undefined;
  }
  return mount.mount?.fsType || driverParams(parameters).fsType || defaultFsType;
}

export function validateCreateVolume(req: CreateVolumeRequest__Output): void {
  validateVolumeName(req.name);
  validateCapabilities(req.volumeCapabilities, 'volume_capabilities');
  capacityBounds(req.capacityRange);
  validateSecretKeys(req.secrets);
  endpointFromSecrets(req.secrets);
  const owned = driverParams(req.parameters);
  cspConfig(req.parameters);
  const fsTypes = new Set(req.volumeCapabilities.map((c) => c.mount?.fsType).filter(Boolean));
  if (fsTypes.size > 1) {
    throw invalidArgument(`volume_capabilities: ask for one filesystem, not ${[...fsTypes].join(' and ')}`);
  }
  const [capFs] = [...fsTypes];
  if (capFs && owned.fsType && capFs !== owned.fsType) {
    throw invalidArgument(`parameters.fsType: ${owned.fsType} contradicts the capability's filesystem ${capFs}`);
  }
  if (owned.fsType && !(supportedFsTypes as readonly string[]).includes(owned.fsType)) {
    throw invalidArgument(
      `parameters.fsType: ${JSON.stringify(owned.fsType)} is not supported (use one of ${supportedFsTypes.join(', ')})`,
    );
  }
  mutableConfig(req.mutableParameters);
  const source = req.volumeContentSource;
  if (source?.type === 'snapshot') {
    validateId(source.snapshot?.snapshotId ?? '', 'volume_content_source.snapshot.snapshot_id');
  } else if (source?.type === 'volume') {
    validateId(source.volume?.volumeId ?? '', 'volume_content_source.volume.volume_id');
  } else if (source) {
    throw invalidArgument('volume_content_source: one of snapshot or volume is required');
  }
}

async function reuseExisting(
  session: CspSession,
  existing: CspVolume,
  req: CreateVolumeRequest__Output,
  source: Awaited<ReturnType<typeof resolveSource>>,
): Promise<void> {
  const bounds = capacityBounds(req.capacityRange);
  if ((bounds.required > 0 || bounds.limit > 0) && !fitsBounds(existing.size, bounds)) {
    throw incompatible(req.name, `${existing.size} bytes, outside the requested capacity range`);
  }
  if (!(await madeFrom(session, existing, source))) {
    throw incompatible(req.name, 'a different content source');
  }
  const protocol = driverParams(req.parameters).accessProtocol;
  if ((existing.access_protocol ?? 'iscsi') !== protocol) {
    throw incompatible(req.name, `access protocol ${existing.access_protocol}, not ${protocol}`);
  }
}

/** An nvmetcp StorageClass needs a CSP that lists nvmetcp (a plain HPE-style CSP is trusted). */
function checkProtocol(session: CspSession, facts: CspFacts, protocol: AccessProtocolName): void {
  if (protocol !== 'iscsi' && facts.accessProtocols && !facts.accessProtocols.includes(protocol)) {
    throw invalidArgument(
      `parameters.accessProtocol: ${session.describe} does not offer ${protocol} (it lists ${facts.accessProtocols.join(', ') || 'nothing'})`,
    );
  }
}

/** A name outside `ObjectName` needs a CSP that keeps any name (`any_volume_name`). */
async function checkNameFor(session: CspSession, name: string): Promise<void> {
  if (isObjectName(name) || (await session.facts()).features.any_volume_name === true) {
    return;
  }
  throw invalidArgument(
    `name: ${JSON.stringify(name)}: ${session.describe} takes only volume names of letters, digits, '.', '_', ':' and '-' starting with a letter or digit (it does not claim any_volume_name)`,
  );
}

export async function createVolume(
  ctx: ControllerContext,
  req: CreateVolumeRequest__Output,
): Promise<CreateVolumeResponse> {
  const session = ctx.sessions.forSecrets(req.secrets);
  await checkNameFor(session, req.name);
  const bounds = capacityBounds(req.capacityRange);
  const owned = driverParams(req.parameters);
  const fsType = effectiveFsType(req.volumeCapabilities, req.parameters);
  const fsFloor = filesystemFloor(fsType, bounds);
  const mutable = mutableConfig(req.mutableParameters);
  const facts = await session.facts();
  checkMutable(session, facts, mutable, req.mutableParameters);
  const source = await resolveSource(session, req.volumeContentSource, bounds);
  const contentSource = req.volumeContentSource ?? undefined;
  const respond = (v: CspVolume) => ({
    volume: csiVolume(v, volumeContext(req.parameters, v.config, fsType), contentSource),
  });
  const groupId = owned.volumeGroup
    ? await ensureVolumeGroup(session, owned.volumeGroup, cspConfig(req.parameters))
    : undefined;
  // A volume from a source is looked up first: making one costs more than a lookup (a temporary
  // snapshot for a clone). A plain one is created straight away; names are unique (the contract's
  // 409), so a retried CreateVolume finds its volume through the conflict: one CSP request, not two.
  const existing = source ? await findByName(session, req.name, groupId) : undefined;
  if (existing) {
    await reuseExisting(session, existing, req, source);
    return respond(existing);
  }
  checkProtocol(session, facts, owned.accessProtocol);
  const request: VolumeCreateRequest = {
    name: req.name,
    size: plannedSize(bounds, facts, source?.size ?? 0, fsFloor),
    // A VolumeAttributesClass's settings win over the StorageClass's for the same key.
    config: { ...cspConfig(req.parameters), ...mutable },
    multi_initiator: req.volumeCapabilities.some((c) => isMultiNode(c.accessMode?.mode ?? 'UNKNOWN')),
    ...(owned.description ? { description: owned.description } : {}),
    ...(owned.accessProtocol !== 'iscsi' ? { access_protocol: owned.accessProtocol } : {}),
    ...(groupId ? { volume_group_id: groupId } : {}),
  };
  const made = source
    ? { volume: await createFromSource(ctx, session, request, source), existed: false }
    : await createOrFind(session, request, groupId);
  if (made.existed) {
    await reuseExisting(session, made.volume, req, source);
    return respond(made.volume);
  }
  if (!fitsBounds(made.volume.size, bounds) && (bounds.required > 0 || bounds.limit > 0)) {
    await deleteQuietly(ctx, session, made.volume);
    throw outOfRange(`capacity_range: the CSP made a volume of ${made.volume.size} bytes, outside the requested range`);
  }
  return respond(made.volume);
}

function findByName(session: CspSession, name: string, groupId: string | undefined): Promise<CspVolume | undefined> {
  return csp(`look up volume ${name} on ${session.describe}`, () => session.client.findVolumeByName(name, groupId));
}

/** POST /volumes; on a name conflict, the volume that holds the name (`existed`). */
async function createOrFind(
  session: CspSession,
  request: VolumeCreateRequest,
  groupId: string | undefined,
): Promise<{ volume: CspVolume; existed: boolean }> {
  const action = `create volume ${request.name} on ${session.describe}`;
  try {
    return { volume: await session.client.createVolume(request), existed: false };
  } catch (err) {
    const existing =
      err instanceof CspHttpError && err.status === 409 ? await findByName(session, request.name, groupId) : undefined;
    if (existing) {
      return { volume: existing, existed: true };
    }
    throw cspFailure(err, action);
  }
}

async function deleteQuietly(ctx: ControllerContext, session: CspSession, volume: CspVolume): Promise<void> {
  await session.client.deleteVolume(volume.id).catch((err: unknown) => {
    ctx.logger.error({ err, volume: volume.id }, 'could not delete a volume created outside the capacity range');
  });
}

export function validateDeleteVolume(req: DeleteVolumeRequest__Output): void {
  validateId(req.volumeId, 'volume_id');
  validateSecretKeys(req.secrets);
  endpointFromSecrets(req.secrets);
}

export async function deleteVolume(
  ctx: ControllerContext,
  req: DeleteVolumeRequest__Output,
): Promise<DeleteVolumeResponse> {
  if (!isPossibleId(req.volumeId)) {
    return {};
  }
  const session = ctx.sessions.forSecrets(req.secrets);
  const id = req.volumeId;
  const volume = await cspOrMissing(`get volume ${id} from ${session.describe}`, () => session.client.getVolume(id));
  if (!volume) {
    // Gone, or never finished: the CSP's delete still removes whatever it left (found by name).
    await cspOrMissing(`delete volume ${id} on ${session.describe}`, () => session.client.deleteVolume(id));
    return {};
  }
  if (volume.published) {
    throw failedPrecondition(`volume ${id} is still published to a node; it is deleted once it is detached`);
  }
  const hasSnapshots = await csp(`list snapshots of volume ${id}`, () => session.client.hasSnapshots(id));
  if (hasSnapshots) {
    throw failedPrecondition(`volume ${id} has snapshots or clones; delete them first`);
  }
  await cspOrMissing(`delete volume ${id} on ${session.describe}`, () => session.client.deleteVolume(id));
  await removeCloneSource(ctx, session, volume);
  if (volume.volume_group_id) {
    await removeEmptyGroup(ctx, session, volume.volume_group_id);
  }
  return {};
}

/** Deletes the temporary snapshot a clone was made from, once the clone is gone. */
async function removeCloneSource(ctx: ControllerContext, session: CspSession, volume: CspVolume): Promise<void> {
  const baseId = volume.base_snapshot_id;
  if (!baseId) {
    return;
  }
  const base = await cspOrMissing(`get snapshot ${baseId}`, () => session.client.getSnapshot(baseId));
  if (base?.name.startsWith(cloneSourcePrefix)) {
    await cspOrMissing(`delete temporary clone snapshot ${baseId}`, () => session.client.deleteSnapshot(baseId)).catch(
      (err: unknown) => ctx.logger.warn({ err, snapshot: baseId }, 'could not delete a temporary clone snapshot'),
    );
  }
}

export function validateValidateCapabilities(req: ValidateVolumeCapabilitiesRequest__Output): void {
  validateId(req.volumeId, 'volume_id');
  if (req.volumeCapabilities.length === 0) {
    throw invalidArgument('volume_capabilities: at least one capability is required');
  }
  req.volumeCapabilities.forEach((c, i) => {
    validateCapabilityShape(c, `volume_capabilities[${i}]`);
  });
  validateSecretKeys(req.secrets);
}

export async function validateVolumeCapabilities(
  ctx: ControllerContext,
  req: ValidateVolumeCapabilitiesRequest__Output,
): Promise<ValidateVolumeCapabilitiesResponse> {
  if (!isPossibleId(req.volumeId)) {
    throw notFound(`volume ${req.volumeId} does not exist`);
  }
  await locateVolume(sessionsFor(ctx, req.secrets, 'ValidateVolumeCapabilities'), req.volumeId);
  const volumeFs = req.volumeContext.fsType;
  for (const capability of req.volumeCapabilities) {
    const problem = capabilityProblem(capability);
    if (problem) {
      return { message: problem };
    }
    const fsType = capability.mount?.fsType;
    if (capability.accessType === 'mount' && fsType && volumeFs && fsType !== volumeFs) {
      return { message: `the volume was provisioned for ${volumeFs}, not ${fsType}` };
    }
  }
  return {
    confirmed: {
      volumeContext: req.volumeContext,
      volumeCapabilities: req.volumeCapabilities,
      parameters: req.parameters,
      mutableParameters: req.mutableParameters,
    },
  };
}
