// The CSP facts behind the capabilities that depend on CSPs (ControllerGetCapabilities'
// LIST_VOLUMES_PUBLISHED_NODES and MODIFY_VOLUME; GROUP_CONTROLLER_SERVICE in GetPluginCapabilities
// and CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT in GroupControllerGetCapabilities). A CSP whose facts
// cannot be read turns them off, which is safe but silent, so the first failure of a streak logs a
// warning naming the CSP and the error (once per CSP, however many RPCs of any service ask
// meanwhile), and the first success after it says so.
import type { Logger } from 'pino';
import type { CspFacts, CspSession } from '../csp/session.js';

/** Sessions whose last facts read failed (a replaced session starts a new streak). */
const failing = new WeakSet<CspSession>();

/** The session's facts, or undefined when they cannot be read (logged once per failure streak). */
export async function capabilityFacts(
  session: CspSession,
  logger: Pick<Logger, 'warn' | 'info'>,
): Promise<CspFacts | undefined> {
  try {
    const facts = await session.facts();
    if (failing.delete(session)) {
      logger.info({ csp: session.describe }, 'CSP capabilities readable again');
    }
    return facts;
  } catch (err) {
    if (!failing.has(session)) {
      failing.add(session);
      logger.warn(
        { csp: session.describe, err: err instanceof Error ? err.message : String(err) },
        'cannot read the CSP capabilities: LIST_VOLUMES_PUBLISHED_NODES, MODIFY_VOLUME and GROUP_CONTROLLER_SERVICE are not advertised until it answers',
      );
    }
    return undefined;
  }
}
