// The StorageClass parameter `volumeGroup`: volumes of that class join the CSP volume group of
// that name, which the driver creates on first use (a group snapshot then covers them together).
// Looked up by name first and created only when absent; a create that lost a race to another
// one (409) looks the name up again, so concurrent first volumes end up in the same group. The
// delete of a group's last volume removes the group (the CSP refuses while it holds volumes or
// snapshot groups, and a create that loses that race is retried by the CO and makes it again).

import type { Config } from '@opencsp/csp-spec';
import { params } from '../constants.js';
import { csp, cspOrMissing } from '../csp/errors.js';
import type { CspSession } from '../csp/session.js';
import { failedPrecondition } from '../errors.js';
import type { ControllerContext } from './context.js';

async function lookUp(session: CspSession, name: string): Promise<string | undefined> {
  const found = await cspOrMissing(`look up volume group ${name} on ${session.describe}`, () =>
    session.client.listVolumeGroups(name),
  );
  return found?.find((g) => g.name === name)?.id;
}

/**
 * The id of the volume group named `name`, created when absent (with the StorageClass's
 * `parent_dataset`, where it names one, so the group lives where its volumes would).
 */
export async function ensureVolumeGroup(session: CspSession, name: string, config: Config): Promise<string> {
  if (!(await session.facts()).features.volume_groups) {
    throw failedPrecondition(
      `parameters.${params.volumeGroup}: ${session.describe} has no volume groups (it does not claim volume_groups)`,
    );
  }
  const existing = await lookUp(session, name);
  if (existing) {
    return existing;
  }
  try {
    const created = await csp(`create volume group ${name} on ${session.describe}`, () =>
      session.client.createVolumeGroup({
        name,
        description: 'created by opencsp for a StorageClass',
        ...(config.parent_dataset !== undefined ? { config: { parent_dataset: config.parent_dataset } } : {}),
      }),
    );
    return created.id;
  } catch (err) {
    const raced = (err as { kind?: string }).kind === 'AlreadyExists' ? await lookUp(session, name) : undefined;
    if (raced) {
      return raced;
    }
    throw err;
  }
}

/** Removes a volume group once it is empty; a group still in use (409) or gone (404) is left alone. */
export async function removeEmptyGroup(ctx: ControllerContext, session: CspSession, groupId: string): Promise<void> {
  await session.client.deleteVolumeGroup(groupId).catch((err: unknown) => {
    const status = (err as { status?: number }).status;
    if (status === 404 || status === 409) {
      ctx.logger.debug({ volumeGroup: groupId, status }, 'volume group kept (still in use, or gone)');
    } else {
      ctx.logger.warn({ err, volumeGroup: groupId }, 'could not remove an empty volume group; delete it on the CSP');
    }
  });
}
