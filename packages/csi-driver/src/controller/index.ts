// The Controller service: every RPC wired through the one wrapper, and the capability list that
// says exactly what is implemented. LIST_VOLUMES_PUBLISHED_NODES is advertised only while every
// known CSP claims `published_nodes`, MODIFY_VOLUME only while every one lists `mutable_config_keys`.
import type { ControllerHandlers, ControllerRpcType } from '../csi-types.js';
import type { CspFacts } from '../csp/session.js';
import { unary, type WrapContext } from '../grpc/wrapper.js';
import { capabilityFacts } from './capability-facts.js';
import type { ControllerContext } from './context.js';
import { expandVolume, validateExpand } from './expand.js';
import {
  controllerGetVolume,
  getCapacity,
  listVolumes,
  validateGetCapacity,
  validateGetVolume,
  validateListVolumes,
} from './listing.js';
import { modifyVolume, validateModify } from './modify.js';
import { publishVolume, unpublishVolume, validatePublish, validateUnpublish } from './publish.js';
import {
  createSnapshot,
  deleteSnapshot,
  getSnapshot,
  listSnapshots,
  validateCreateSnapshot,
  validateDeleteSnapshot,
  validateGetSnapshot,
  validateListSnapshots,
} from './snapshots.js';
import {
  createVolume,
  deleteVolume,
  validateCreateVolume,
  validateDeleteVolume,
  validateValidateCapabilities,
  validateVolumeCapabilities,
} from './volumes.js';

export type { ControllerContext } from './context.js';

/** Exactly the controller capabilities implemented below. */
export const controllerCapabilities: ControllerRpcType[] = [
  'CREATE_DELETE_VOLUME',
  'PUBLISH_UNPUBLISH_VOLUME',
  'LIST_VOLUMES',
  'GET_CAPACITY',
  'CREATE_DELETE_SNAPSHOT',
  'LIST_SNAPSHOTS',
  'CLONE_VOLUME',
  'PUBLISH_READONLY',
  'EXPAND_VOLUME',
  'VOLUME_CONDITION',
  'GET_VOLUME',
  'SINGLE_NODE_MULTI_WRITER',
  'GET_SNAPSHOT',
];

/**
 * Whether every known CSP session's facts satisfy `claims` (false when none is known or one cannot
 * be read; capabilityFacts logs why).
 */
async function everyKnownCsp(ctx: ControllerContext, claims: (facts: CspFacts) => boolean): Promise<boolean> {
  const known = ctx.sessions.known();
  if (known.length === 0) {
    return false;
  }
  for (const session of known) {
    const facts = await capabilityFacts(session, ctx.logger);
    if (!facts || !claims(facts)) {
      return false;
    }
  }
  return true;
}

/**
 * The static list, plus LIST_VOLUMES_PUBLISHED_NODES when CSPs are known and every one of them
 * reports published nodes from its array (external-attacher then repairs attachments from them;
 * a CSP answering [] for a published volume would make it detach, so one without the feature
 * turns the capability off), and MODIFY_VOLUME when every known CSP lists config keys it can
 * change (`mutable_config_keys`).
 */
export async function currentControllerCapabilities(ctx: ControllerContext): Promise<ControllerRpcType[]> {
  const extra: ControllerRpcType[] = [];
  if (await everyKnownCsp(ctx, (facts) => facts.features.published_nodes === true)) {
    extra.push('LIST_VOLUMES_PUBLISHED_NODES');
  }
  if (await everyKnownCsp(ctx, (facts) => (facts.mutableConfigKeys?.length ?? 0) > 0)) {
    extra.push('MODIFY_VOLUME');
  }
  return [...controllerCapabilities, ...extra];
}

const volumeKey = (id: string) => [`volume:${id}`];

export function controllerService(ctx: ControllerContext, wrap: WrapContext): ControllerHandlers {
  return {
    CreateVolume: unary(
      'CreateVolume',
      {
        validate: validateCreateVolume,
        keys: (req) => [`volume-name:${req.name}`],
        handle: (req) => createVolume(ctx, req),
      },
      wrap,
    ),
    DeleteVolume: unary(
      'DeleteVolume',
      {
        validate: validateDeleteVolume,
        keys: (req) => volumeKey(req.volumeId),
        handle: (req) => deleteVolume(ctx, req),
      },
      wrap,
    ),
    ControllerPublishVolume: unary(
      'ControllerPublishVolume',
      { validate: validatePublish, keys: (req) => volumeKey(req.volumeId), handle: (req) => publishVolume(ctx, req) },
      wrap,
    ),
    ControllerUnpublishVolume: unary(
      'ControllerUnpublishVolume',
      {
        validate: validateUnpublish,
        keys: (req) => volumeKey(req.volumeId),
        handle: (req) => unpublishVolume(ctx, req),
      },
      wrap,
    ),
    ValidateVolumeCapabilities: unary(
      'ValidateVolumeCapabilities',
      { validate: validateValidateCapabilities, handle: (req) => validateVolumeCapabilities(ctx, req) },
      wrap,
    ),
    ListVolumes: unary('ListVolumes', { validate: validateListVolumes, handle: (req) => listVolumes(ctx, req) }, wrap),
    GetCapacity: unary(
      'GetCapacity',
      { validate: validateGetCapacity, handle: (req) => getCapacity(ctx, req), quiet: true },
      wrap,
    ),
    ControllerGetCapabilities: unary(
      'ControllerGetCapabilities',
      {
        handle: async () => ({
          capabilities: (await currentControllerCapabilities(ctx)).map((type) => ({ rpc: { type } })),
        }),
        quiet: true,
      },
      wrap,
    ),
    CreateSnapshot: unary(
      'CreateSnapshot',
      {
        validate: validateCreateSnapshot,
        keys: (req) => [`snapshot-name:${req.name}`],
        handle: (req) => createSnapshot(ctx, req),
      },
      wrap,
    ),
    DeleteSnapshot: unary(
      'DeleteSnapshot',
      {
        validate: validateDeleteSnapshot,
        keys: (req) => [`snapshot:${req.snapshotId}`],
        handle: (req) => deleteSnapshot(ctx, req),
      },
      wrap,
    ),
    ListSnapshots: unary(
      'ListSnapshots',
      { validate: validateListSnapshots, handle: (req) => listSnapshots(ctx, req) },
      wrap,
    ),
    GetSnapshot: unary('GetSnapshot', { validate: validateGetSnapshot, handle: (req) => getSnapshot(ctx, req) }, wrap),
    ControllerExpandVolume: unary(
      'ControllerExpandVolume',
      { validate: validateExpand, keys: (req) => volumeKey(req.volumeId), handle: (req) => expandVolume(ctx, req) },
      wrap,
    ),
    ControllerGetVolume: unary(
      'ControllerGetVolume',
      { validate: validateGetVolume, handle: (req) => controllerGetVolume(ctx, req) },
      wrap,
    ),
    ControllerModifyVolume: unary(
      'ControllerModifyVolume',
      { validate: validateModify, keys: (req) => volumeKey(req.volumeId), handle: (req) => modifyVolume(ctx, req) },
      wrap,
    ),
  };
}
