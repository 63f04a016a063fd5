// The author guide lists every case with its current title, so vendors read what the suite checks.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { listCases } from '../../src/conformance/index.js';

const guide = readFileSync(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/csp-author-guide.md'),
  'utf8',
);
const catalog = guide.slice(guide.indexOf('## 9. The cases'));

it('lists every case id and title in docs/csp-author-guide.md', () => {
  const rows = new Map(
    [...catalog.matchAll(/^\| `([a-z.-]+)` +\| (.+?) +\|/gm)].map((m) => [
      m[1] as string,
      (m[2] as string).replaceAll('\\|', '|'),
    ]),
  );
  for (const c of listCases()) {
    expect(rows.get(c.id), c.id).toBe(c.title);
  }
  expect([...rows.keys()].filter((id) => !listCases().some((c) => c.id === id))).toEqual([]);
});
