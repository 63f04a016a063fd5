// What every controller RPC shares: the CSP sessions, the logger, and lookups that span sessions.
import type { Volume as CspVolume } from '@opencsp/csp-spec';
import type { Logger } from 'pino';
import { cspOrMissing } from '../csp/errors.js';
import type { CspSession } from '../csp/session.js';
import type { CspSessions } from '../csp/sessions.js';
import { failedPrecondition, notFound } from '../errors.js';

export interface ControllerContext {
  sessions: CspSessions;
  logger: Logger;
  /** Volumes one node may have (--max-volumes-per-node); 0: no limit. Sent to CSPs that claim host_volume_limit. */
  maxVolumesPerNode?: number;
  /** --group-snapshots: group snapshots offered while no CSP is known yet (identity.ts groupSnapshotsOffered). */
  groupSnapshots?: boolean;
}

/** Prefix of temporary snapshots the driver cuts to clone a volume; removed with the clone. */
export const cloneSourcePrefix = 'opencsp-clone-';

/** The sessions a request may concern: the one its secrets name, or every known one. */
export function sessionsFor(ctx: ControllerContext, secrets: Record<string, string>, rpc: string): CspSession[] {
  if (Object.keys(secrets).length > 0) {
    return [ctx.sessions.forSecrets(secrets)];
  }
  const known = ctx.sessions.known();
  if (known.length === 0) {
    throw failedPrecondition(
      `${rpc}: no CSP credentials are known yet; start the driver with --csp-secret-dir or pass secrets`,
    );
  }
  return known;
}

/** Finds a volume by id in the given sessions; NotFound when none has it. */
export async function locateVolume(
  sessions: CspSession[],
  volumeId: string,
): Promise<{ session: CspSession; volume: CspVolume }> {
  for (const session of sessions) {
    const volume = await cspOrMissing(`get volume ${volumeId} from ${session.describe}`, () =>
      session.client.getVolume(volumeId),
    );
    if (volume) {
      return { session, volume };
    }
  }
  throw notFound(`volume ${volumeId} does not exist`);
}
