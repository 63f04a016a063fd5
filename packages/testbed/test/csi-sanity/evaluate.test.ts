// What a csi-sanity run means: a skip passes only with a reason from the skip list; an unlisted
// skip, or a listed spec that ran, is a failure.
import { evaluate, expectedSkips, type SpecResult } from '@opencsp/testbed/csi-sanity';
import { describe, expect, it } from 'vitest';

// Synology rows skip the most specs (GroupController and the pending one), so the cases below have two to use.
const combination = { backend: 'synology', access: 'mount' } as const;
const spec = (name: string, outcome: SpecResult['outcome'], message = ''): SpecResult => ({
  name,
  outcome,
  time: 0,
  message,
  detail: '',
});
/** Every spec listed for this combination skipped, as csi-sanity reports them today. */
const expected = expectedSkips(combination);
const listed = expected.map((e) => spec(e.spec, 'skipped', 'skipped - not supported'));

describe('evaluating a csi-sanity run', () => {
  it('keeps passes and failures, and gives every listed skip its reason', () => {
    const cases = evaluate([spec('ok', 'passed'), spec('broken', 'failed', 'boom'), ...listed], combination, {
      narrowed: false,
    });
    expect(cases.filter((c) => c.outcome === 'passed').map((c) => c.name)).toEqual(['ok']);
    expect(cases.filter((c) => c.outcome === 'failed').map((c) => [c.name, c.message])).toEqual([['broken', 'boom']]);
    const skipped = cases.filter((c) => c.outcome === 'skipped');
    expect(skipped).toHaveLength(expected.length);
    expect(skipped.every((c) => c.message && c.message.length > 20)).toBe(true);
  });

  it('fails a skip without a reason, a listed spec that ran, and a listed spec csi-sanity lacks', () => {
    const [first, second, ...rest] = listed;
    const cases = evaluate(
      [
        spec('new upstream spec', 'skipped', 'skipped - Foo not supported'),
        { ...(first as SpecResult), outcome: 'passed' },
        ...rest,
      ],
      combination,
      { narrowed: false },
    );
    const failed = cases.filter((c) => c.outcome === 'failed');
    expect(failed.map((c) => c.name)).toEqual([
      'new upstream spec',
      `opencsp skip list: ${first?.name}`,
      `opencsp skip list: ${second?.name}`,
    ]);
    expect(failed[0]?.message).toMatch(/gives no reason/);
    expect(failed[1]?.message).toMatch(/csi-sanity ran it/);
    expect(failed[2]?.message).toMatch(/has no such spec/);
  });

  it('leaves out specs a focused run did not select, but only then', () => {
    const notSelected = spec('Node Service should work', 'skipped', 'skipped');
    expect(evaluate([notSelected, ...listed], combination, { narrowed: true }).map((c) => c.name)).not.toContain(
      'Node Service should work',
    );
    const full = evaluate([notSelected, ...listed], combination, { narrowed: false });
    expect(full.find((c) => c.name === 'Node Service should work')?.outcome).toBe('failed');
  });
});
