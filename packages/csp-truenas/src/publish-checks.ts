// What a publish must pass before it changes anything: the host keeps the access (read-only or
// read-write) it has on the volume, and a host's volume limit counts its volumes over both
// transports (iSCSI volume groups holding its IQN, NVMe subsystems linked to its NQNs).
import type { PublishOptions } from '@opencsp/csp-spec';
import { CspProblem } from '@opencsp/csp-spec/server';
import { read, type SessionContext } from './context.js';
import { type InitiatorGroup, volumePrefix } from './host-comment.js';
import { iqnsOf, nqnsOf } from './hosts.js';
import { linkedSubsystems } from './nvme-hosts.js';
import { readOnlyHostIds } from './props.js';
import type { Access } from './publish.js';

/**
 * The volume initiator groups holding the host's first IQN. One filtered query; TrueNAS cannot
 * match group members in SQL, so the middleware reads every group to answer it (only publishes
 * with a host_volume_limit ask).
 */
async function iscsiVolumeCount(ctx: SessionContext, host: InitiatorGroup): Promise<number> {
  const [iqn] = iqnsOf(host);
  if (iqn === undefined) {
    return 0;
  }
  const groups = await read<InitiatorGroup[]>(ctx, 'iscsi.initiator.query', [
    [
      ['comment', '^', volumePrefix],
      ['initiators', 'rin', iqn],
    ],
  ]);
  return groups.filter((g) => g.comment.startsWith(volumePrefix) && g.initiators.includes(iqn)).length;
}

/** How many volumes `host` has on this array, iSCSI and NVMe/TCP together. */
async function hostVolumeCount(ctx: SessionContext, host: InitiatorGroup): Promise<number> {
  const [iscsi, subsystems] = await Promise.all([iscsiVolumeCount(ctx, host), linkedSubsystems(ctx, nqnsOf(host))]);
  return iscsi + new Set(subsystems).size;
}

/** Refuses a publish that changes the host's access or exceeds its volume limit; changes nothing. */
export async function checkPublish(
  ctx: SessionContext,
  access: Access,
  host: InitiatorGroup,
  options: PublishOptions,
): Promise<void> {
  const readOnly = options.read_only === true;
  if (access.hosts.some((h) => h.id === host.id)) {
    if (readOnlyHostIds(access.entry).includes(host.id) !== readOnly) {
      throw new CspProblem(
        'ACCESS_MISMATCH',
        `volume ${ctx.names.volumeId(access.entry.id)} is published to host ${options.host_uuid} ${readOnly ? 'read-write' : 'read-only'} already`,
      );
    }
    return;
  }
  const limit = options.host_volume_limit;
  if (limit !== undefined && (await hostVolumeCount(ctx, host)) >= limit) {
    throw new CspProblem('LIMIT_EXCEEDED', `host ${options.host_uuid} has ${limit} volume(s) published, its limit`);
  }
}
