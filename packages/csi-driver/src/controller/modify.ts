// ControllerModifyVolume (VolumeAttributesClass): `mutable_parameters` become CSP config keys the
// same way StorageClass parameters do, are checked against the CSP's `mutable_config_keys`
// before any change, and go to the array as `PUT /volumes/{id}` with only `config`. The CSP
// treats a value equal to the current one as a no-op, so retries change nothing twice.
import { CspHttpError } from '@opencsp/csp-spec/client';
import type { ControllerModifyVolumeRequest__Output, ControllerModifyVolumeResponse } from '../csi-types.js';
import { endpointFromSecrets } from '../csp/endpoint.js';
import { cspFailure } from '../csp/errors.js';
import type { CspFacts, CspSession } from '../csp/session.js';
import { invalidArgument, notFound, unimplemented } from '../errors.js';
import { mutableConfig, mutableParameterName } from '../params.js';
import { isPossibleId, validateId, validateSecretKeys } from '../validation.js';
import { type ControllerContext, locateVolume, sessionsFor } from './context.js';

export function validateModify(req: ControllerModifyVolumeRequest__Output): void {
  validateId(req.volumeId, 'volume_id');
  validateSecretKeys(req.secrets);
  if (Object.keys(req.secrets).length > 0) {
    endpointFromSecrets(req.secrets);
  }
  mutableConfig(req.mutableParameters);
}

/**
 * Refuses config keys the CSP does not list as mutable (before anything is sent). A CSP that
 * lists none (a plain HPE-style CSP) cannot take mutable parameters at all.
 */
export function checkMutable(
  session: CspSession,
  facts: CspFacts,
  config: Record<string, string>,
  parameters: Record<string, string>,
): void {
  const keys = Object.keys(config);
  if (keys.length === 0) {
    return;
  }
  const mutable = facts.mutableConfigKeys;
  if (!mutable) {
    throw invalidArgument(
      `mutable_parameters: ${session.describe} does not state which settings it can change (no mutable_config_keys)`,
    );
  }
  const refused = keys.find((key) => !mutable.includes(key));
  if (refused !== undefined) {
    const name = mutableParameterName(refused, parameters);
    throw invalidArgument(
      `mutable_parameters.${name}: ${session.describe} cannot change ${refused} on an existing volume (it can change: ${mutable.join(', ') || 'nothing'})`,
    );
  }
}

/** A CSP 400 naming `body.config.<key>` becomes INVALID_ARGUMENT naming `mutable_parameters.<key>`. */
function modifyFailure(err: unknown, action: string, parameters: Record<string, string>): Error {
  if (err instanceof CspHttpError && err.status === 400) {
    const key = /^(?:body\.)?config\.(.+)$/.exec(err.field ?? '')?.[1];
    if (key !== undefined) {
      return invalidArgument(
        `mutable_parameters.${mutableParameterName(key, parameters)}: ${err.detail || err.message}`,
      );
    }
  }
  if (err instanceof CspHttpError && err.status === 404) {
    return notFound(`volume_id: the volume disappeared while it was being modified (${err.detail || err.message})`);
  }
  return cspFailure(err, action);
}

/** Whether any of the sessions' CSPs lists config keys it can change. */
async function anyCanModify(sessions: CspSession[]): Promise<boolean> {
  for (const session of sessions) {
    if (((await session.facts()).mutableConfigKeys?.length ?? 0) > 0) {
      return true;
    }
  }
  return false;
}

export async function modifyVolume(
  ctx: ControllerContext,
  req: ControllerModifyVolumeRequest__Output,
): Promise<ControllerModifyVolumeResponse> {
  const id = req.volumeId;
  if (!isPossibleId(id)) {
    throw notFound(`volume_id: volume ${id} does not exist`);
  }
  const sessions = sessionsFor(ctx, req.secrets, 'ControllerModifyVolume');
  if (!(await anyCanModify(sessions))) {
    throw unimplemented(
      `ControllerModifyVolume: ${sessions.map((s) => s.describe).join(', ')} states no config keys it can change (mutable_config_keys); MODIFY_VOLUME is not advertised for it`,
    );
  }
  const { session } = await locateVolume(sessions, id);
  const config = mutableConfig(req.mutableParameters);
  if (Object.keys(config).length === 0) {
    return {};
  }
  checkMutable(session, await session.facts(), config, req.mutableParameters);
  const action = `modify volume ${id} (${Object.keys(config).join(', ')}) on ${session.describe}`;
  try {
    await session.client.updateVolume(id, { config });
  } catch (err) {
    throw modifyFailure(err, action, req.mutableParameters);
  }
  return {};
}
