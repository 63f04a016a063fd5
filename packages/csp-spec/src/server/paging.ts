// Offset pagination over a list a provider already holds, with opaque tokens, for the contract's
// `limit` + `starting_token` (opencsp `list_pagination`).
import { CspProblem } from './errors.js';
import type { Page, PageRequest } from './provider.js';

export function paginate<T>(items: readonly T[], page: PageRequest): Page<T> {
  const start = page.startingToken === undefined ? 0 : Number(page.startingToken);
  if (!Number.isSafeInteger(start) || start < 0 || String(start) !== (page.startingToken ?? '0')) {
    throw new CspProblem('INVALID_INPUT', 'query.starting_token: is not a token this CSP issued', {
      field: 'query.starting_token',
    });
  }
  const end = page.limit === undefined ? items.length : start + page.limit;
  return { items: items.slice(start, end), nextToken: end < items.length ? String(end) : undefined };
}
