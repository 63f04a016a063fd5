// Pagination tokens of ListVolumes and ListSnapshots. The driver keeps no state, so a token says
// everything needed to go on: which CSP session (a prefix of its slot hash), and where in that
// CSP's list (the CSP's own token, or an offset when the CSP does not paginate).
import { aborted, invalidArgument } from '../errors.js';

export interface PageCursor {
  /** Slot-hash prefix of the session the page continues in. */
  session: string;
  /** The CSP's `x-opencsp-next-token`, when the CSP paginates. */
  cspToken?: string;
  /** Offset into the CSP's full list, when it does not. */
  offset?: number;
  /** ListSnapshots over a CSP without list_all_snapshots: the volume being walked. */
  volumeCursor?: PageCursor;
  volumeId?: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(token: string): PageCursor | undefined {
  if (token === '') {
    return undefined;
  }
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageCursor;
    if (typeof value === 'object' && value !== null && typeof value.session === 'string') {
      return value;
    }
  } catch {
    // fall through
  }
  throw aborted('starting_token: is not a token this driver issued (list again from the start)');
}

/** max_entries: 0 means no limit. */
export function pageLimit(maxEntries: number): number {
  if (maxEntries < 0) {
    throw invalidArgument('max_entries: must not be negative');
  }
  return maxEntries === 0 ? Number.POSITIVE_INFINITY : maxEntries;
}
