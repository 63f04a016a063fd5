// Pages that run across the CSP sessions the driver knows: a page fills from one session, then
// the next, and the token records where to go on (see page-token.ts).
import { CspHttpError } from '@opencsp/csp-spec/client';
import type { CspSession } from '../csp/session.js';
import { aborted } from '../errors.js';
import { decodeCursor, encodeCursor, type PageCursor } from './page-token.js';

export type Position = Omit<PageCursor, 'session'>;

export interface Fetched<T> {
  items: T[];
  /** Where the next call continues in the same session; undefined when the session is done. */
  next: Position | undefined;
}

export type Fetch<T> = (session: CspSession, position: Position, want: number) => Promise<Fetched<T>>;

const prefixLength = 16;

export async function pageAcross<T>(
  sessions: CspSession[],
  startingToken: string,
  limit: number,
  fetch: Fetch<T>,
): Promise<{ items: T[]; nextToken: string }> {
  const start = decodeCursor(startingToken);
  let index = 0;
  let position: Position = {};
  if (start) {
    const { session: prefix, ...rest } = start;
    index = sessions.findIndex((s) => s.endpoint.slot.startsWith(prefix));
    if (index < 0) {
      throw aborted('starting_token: refers to a CSP session this driver no longer knows; list again from the start');
    }
    position = rest;
  }
  const items: T[] = [];
  while (index < sessions.length) {
    const session = sessions[index] as CspSession;
    const want = limit - items.length;
    if (want <= 0) {
      return { items, nextToken: encodeCursor({ session: session.endpoint.slot.slice(0, prefixLength), ...position }) };
    }
    const page = await fetchOrAbort(fetch, session, position, want);
    items.push(...page.items);
    if (page.next) {
      position = page.next;
    } else {
      index++;
      position = {};
    }
  }
  return { items, nextToken: '' };
}

async function fetchOrAbort<T>(fetch: Fetch<T>, session: CspSession, position: Position, want: number) {
  try {
    return await fetch(session, position, want);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (position.cspToken && cause instanceof CspHttpError && cause.status === 400) {
      throw aborted('starting_token: the CSP no longer accepts this page token; list again from the start');
    }
    throw err;
  }
}

/** Slices a full list the CSP returned at once (CSPs without list_pagination). */
export function sliceAll<T>(all: T[], position: Position, want: number): Fetched<T> {
  const offset = position.offset ?? 0;
  const end = Number.isFinite(want) ? offset + want : all.length;
  const items = all.slice(offset, end);
  return { items, next: offset + items.length < all.length ? { offset: offset + items.length } : undefined };
}

export function cspLimit(want: number): number | undefined {
  return Number.isFinite(want) ? Math.min(want, 1000) : undefined;
}
