import { describe, expect, it } from 'vitest';
import { CspProblem, paginate, pollUntil } from '../src/server/index.js';

describe('paginate', () => {
  it('pages with opaque tokens and rejects tokens it never issued', () => {
    const items = [1, 2, 3, 4, 5];
    const first = paginate(items, { limit: 2, startingToken: undefined });
    expect(first).toEqual({ items: [1, 2], nextToken: '2' });
    expect(paginate(items, { limit: 2, startingToken: '4' })).toEqual({ items: [5], nextToken: undefined });
    expect(paginate(items, { limit: undefined, startingToken: undefined }).items).toEqual(items);
    for (const bad of ['-1', 'x', '1.5', '01']) {
      expect(() => paginate(items, { limit: 1, startingToken: bad })).toThrow(CspProblem);
    }
  });
});

describe('pollUntil', () => {
  it('returns the first defined value and times out with a TIMEOUT problem', async () => {
    let calls = 0;
    const value = await pollUntil(async () => (++calls >= 3 ? 'done' : undefined), {
      timeoutMs: 5_000,
      intervalMs: 1,
      what: 'the test',
    });
    expect(value).toBe('done');
    expect(calls).toBe(3);
    const err = await pollUntil(async () => undefined, { timeoutMs: 20, intervalMs: 5, what: 'nothing' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CspProblem);
    expect((err as CspProblem).reason).toBe('TIMEOUT');
    expect((err as CspProblem).message).toMatch(/waiting for nothing/);
  });
});
