// DSM finishes some work after answering: a new, cloned or resized LUN stays `is_action_locked`
// for a while, and a deleted LUN lingers in state `deleting`. These waits poll with backoff under
// generous deadlines (minutes on a busy NAS, not seconds).
import { CspProblem, pollUntil } from '@opencsp/csp-spec/server';
import type { DsmApi } from './dsm/api.js';
import type { DsmLun } from './dsm/types.js';

export interface WaitSettings {
  lockTimeoutMs: number;
  deleteTimeoutMs: number;
  pollIntervalMs: number;
}

/** The LUN once it is no longer action-locked; NOT_FOUND when it disappears meanwhile. */
export async function unlockedLun(api: DsmApi, uuid: string, settings: WaitSettings, known?: DsmLun): Promise<DsmLun> {
  if (known && known.is_action_locked === false) {
    return known;
  }
  return pollUntil(
    async () => {
      const lun = await api.lun(uuid);
      if (!lun) {
        throw new CspProblem('NOT_FOUND', `LUN ${uuid} disappeared while waiting for DSM to unlock it`);
      }
      return lun.is_action_locked ? undefined : lun;
    },
    { timeoutMs: settings.lockTimeoutMs, intervalMs: settings.pollIntervalMs, what: `DSM to unlock LUN ${uuid}` },
  );
}

/** Resolves once DSM no longer knows the LUN (deletes finish asynchronously). */
export async function lunGone(api: DsmApi, uuid: string, settings: WaitSettings): Promise<void> {
  await pollUntil(async () => ((await api.lun(uuid, ['status'])) ? undefined : true), {
    timeoutMs: settings.deleteTimeoutMs,
    intervalMs: settings.pollIntervalMs,
    what: `DSM to finish deleting LUN ${uuid}`,
  });
}
