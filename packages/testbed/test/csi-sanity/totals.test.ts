// scripts/totals.mjs sums vitest JSON and JUnit XML reports into CI's closing line.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderJUnit } from '@opencsp/testbed/csi-sanity';
import { afterEach, beforeEach, expect, it } from 'vitest';

const run = promisify(execFile);
const totals = new URL('../../../../scripts/totals.mjs', import.meta.url).pathname;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opencsp-totals-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function totalsOf(...files: string[]): Promise<{ line: string; code: number }> {
  try {
    const { stdout } = await run(process.execPath, [totals, ...files]);
    return { line: stdout.trim(), code: 0 };
  } catch (err) {
    const e = err as { stdout: string; code: number };
    return { line: e.stdout.trim(), code: e.code };
  }
}

it('adds JUnit testcases to vitest counts: skipped ones are neither passed nor failed', async () => {
  const json = join(dir, 'vitest.json');
  await writeFile(json, JSON.stringify({ numPassedTests: 5, numFailedTests: 0, numTotalTests: 5 }));
  const xml = join(dir, 'csi-sanity.xml');
  const cases = [
    { name: 'a', outcome: 'passed' as const, time: 0 },
    { name: 'b', outcome: 'skipped' as const, time: 0, message: 'why' },
    { name: 'c', outcome: 'passed' as const, time: 0 },
  ];
  await writeFile(xml, renderJUnit('s', cases, new Date(0)));
  expect(await totalsOf(json, xml)).toEqual({ line: '7 passed, 0 failed', code: 0 });
  await writeFile(xml, renderJUnit('s', [...cases, { name: 'd', outcome: 'failed', time: 0 }], new Date(0)));
  expect(await totalsOf(json, xml)).toEqual({ line: '7 passed, 1 failed', code: 1 });
});

it('fails on a JUnit report without testcases or a missing report', async () => {
  const xml = join(dir, 'empty.xml');
  await writeFile(xml, renderJUnit('s', [], new Date(0)));
  expect(await totalsOf(xml)).toEqual({ line: '0 passed, 0 failed', code: 1 });
  expect((await totalsOf(join(dir, 'missing.xml'))).code).toBe(1);
});
