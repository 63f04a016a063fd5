// docs/testing.md shows the skip list: every entry with its reason, nothing else.
import { readFileSync } from 'node:fs';
import { skipList } from '@opencsp/testbed/csi-sanity';
import { expect, it } from 'vitest';

const doc = readFileSync(new URL('../../../../docs/testing.md', import.meta.url), 'utf8');

it('lists every skipped csi-sanity spec with its reason in docs/testing.md', () => {
  const table = doc.slice(doc.indexOf('<!-- skip-list:start -->'), doc.indexOf('<!-- skip-list:end -->'));
  const rows = [...table.matchAll(/^\| (.+?) +\| (.+?) +\|$/gm)]
    .map((m) => [m[1] as string, m[2] as string])
    .filter(([spec]) => spec !== 'spec' && !/^-+$/.test(spec as string));
  expect(rows).toEqual(skipList.map((e) => [e.spec, e.reason]));
  for (const entry of skipList) {
    expect(entry.reason.trim().length, entry.spec).toBeGreaterThan(20);
  }
  expect(new Set(skipList.map((e) => e.spec)).size).toBe(skipList.length);
});
