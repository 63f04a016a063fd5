// Undoing half-done work so that nothing is left on the NAS after a failure: a LUN that was
// created (or may have been) before a later step failed is removed, waiting out DSM's lock first.
import type { SessionContext } from './context.js';
import { DsmApiError, DsmTransportError } from './dsm/errors.js';
import { lunGone, unlockedLun } from './waits.js';

/** Removes a LUN this request created. Best effort: failures are logged, the original error wins. */
export async function removeLun(ctx: SessionContext, uuid: string, why: string): Promise<void> {
  try {
    await unlockedLun(ctx.api, uuid, ctx.settings);
    await ctx.api.deleteLun(uuid);
    await lunGone(ctx.api, uuid, ctx.settings);
    ctx.logger.info({ lun: uuid, why }, 'removed a LUN left by a failed request');
  } catch (err) {
    ctx.logger.error({ err, lun: uuid, why }, 'could not remove a LUN left by a failed request; remove it in DSM');
  }
}

/** Whether a failed create may still have produced the object (then it is looked up by name). */
export function mayHaveCreated(err: unknown): boolean {
  return (
    (err instanceof DsmTransportError && err.maybeProcessed) || (err instanceof DsmApiError && err.code === 18990068)
  );
}

/**
 * Runs a LUN-creating DSM call. When the call fails in a way that may have left the LUN behind
 * (lost answer, DSM's "name too long but created anyway"), the name is looked up and removed.
 */
export async function createLunCall(
  ctx: SessionContext,
  lunName: string,
  create: () => Promise<string>,
): Promise<string> {
  try {
    return await create();
  } catch (err) {
    if (mayHaveCreated(err)) {
      const stray = await ctx.api.lun(lunName, ['is_action_locked']).catch(() => undefined);
      if (stray?.name === lunName) {
        await removeLun(ctx, stray.uuid, 'the create call failed');
      }
    }
    throw err;
  }
}

/** Runs the steps after a LUN exists; any failure removes the LUN before the error goes on. */
export async function orRemove<T>(ctx: SessionContext, uuid: string, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (err) {
    await removeLun(ctx, uuid, 'a later step of the request failed');
    throw err;
  }
}
