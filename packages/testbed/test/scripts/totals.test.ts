// scripts/totals.mjs sums vitest JSON and JUnit XML reports into CI's closing line. The vitest
// fixtures are real reports written by vitest 4's JSON reporter (paths and times normalised) for
// a file whose beforeAll throws, one that cannot import, one with a failing describe-level
// beforeAll and one with a plain failed assertion.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderJUnit } from '@opencsp/testbed/csi-sanity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const totals = new URL('../../../../scripts/totals.mjs', import.meta.url).pathname;
const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url).pathname;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opencsp-totals-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function totalsOf(...files: string[]): Promise<{ line: string; code: number; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [totals, ...files]);
    return { line: stdout.trim(), code: 0, stderr };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { line: e.stdout.trim(), code: e.code, stderr: e.stderr };
  }
}

async function passingVitest(): Promise<string> {
  const json = join(dir, 'vitest.json');
  await writeFile(json, JSON.stringify({ numPassedTests: 5, numFailedTests: 0, numTotalTests: 5, success: true }));
  return json;
}

it('adds JUnit testcases to vitest counts: skipped ones are neither passed nor failed', async () => {
  const json = await passingVitest();
  const xml = join(dir, 'csi-sanity.xml');
  const cases = [
    { name: 'a', outcome: 'passed' as const, time: 0 },
    { name: 'b', outcome: 'skipped' as const, time: 0, message: 'why' },
    { name: 'c', outcome: 'passed' as const, time: 0 },
  ];
  await writeFile(xml, renderJUnit('s', cases, new Date(0)));
  expect(await totalsOf(json, xml)).toMatchObject({ line: '7 passed, 0 failed', code: 0 });
  await writeFile(xml, renderJUnit('s', [...cases, { name: 'd', outcome: 'failed', time: 0 }], new Date(0)));
  expect(await totalsOf(json, xml)).toMatchObject({ line: '7 passed, 1 failed', code: 1 });
});

describe('a vitest test file that fails outside its tests counts as a failure', () => {
  it('beforeAll throws: its tests are reported skipped, the file failed', async () => {
    const result = await totalsOf(fixture('vitest-before-all.json'));
    expect(result).toMatchObject({ line: '0 passed, 1 failed', code: 1 });
    expect(result.stderr).toContain('setup broke');
  });

  it('the file cannot be imported: no tests at all, the file failed', async () => {
    const result = await totalsOf(fixture('vitest-import-error.json'));
    expect(result).toMatchObject({ line: '0 passed, 1 failed', code: 1 });
    expect(result.stderr).toContain('Cannot find module');
  });

  it('a describe-level beforeAll throws while other tests of the file pass', async () => {
    expect(await totalsOf(fixture('vitest-describe-before-all.json'))).toMatchObject({
      line: '1 passed, 1 failed',
      code: 1,
    });
  });

  it('a file with a failed assertion is counted once, by its failed test', async () => {
    expect(await totalsOf(fixture('vitest-failed-assertion.json'))).toMatchObject({
      line: '1 passed, 1 failed',
      code: 1,
    });
  });

  it('a report that says success: false with no failed test is one failure', async () => {
    const json = join(dir, 'odd.json');
    await writeFile(json, JSON.stringify({ numPassedTests: 2, numFailedTests: 0, numTotalTests: 2, success: false }));
    expect(await totalsOf(json)).toMatchObject({ line: '2 passed, 1 failed', code: 1 });
  });
});

describe('JUnit suites that fail outside their testcases count as failures', () => {
  it('an <error> on the testsuite (suite setup failed) is one failure', async () => {
    const result = await totalsOf(fixture('junit-suite-error.xml'));
    expect(result).toMatchObject({ line: '1 passed, 1 failed', code: 1 });
    expect(result.stderr).toContain('setup-broke');
  });

  it('errors="N" beyond the testcases that show one adds the difference', async () => {
    expect(await totalsOf(fixture('junit-errors-attribute.xml'))).toMatchObject({
      line: '1 passed, 2 failed',
      code: 1,
    });
  });
});

describe('reports that say nothing count as a failure', () => {
  it('a truncated JUnit report', async () => {
    const json = await passingVitest();
    const result = await totalsOf(json, fixture('junit-truncated.xml'));
    expect(result).toMatchObject({ line: '5 passed, 1 failed', code: 1 });
    expect(result.stderr).toContain('not a JUnit XML report');
  });

  it('a truncated or foreign JSON report', async () => {
    const cut = join(dir, 'cut.json');
    await writeFile(cut, '{"numTotalTests": 3, "numPassed');
    const foreign = join(dir, 'foreign.json');
    await writeFile(foreign, '{"tests": 3}');
    expect(await totalsOf(cut, foreign)).toMatchObject({ line: '0 passed, 2 failed', code: 1 });
  });

  it('a JUnit report without testcases, a vitest report without tests, a missing report', async () => {
    const xml = join(dir, 'empty.xml');
    await writeFile(xml, renderJUnit('s', [], new Date(0)));
    expect(await totalsOf(xml)).toMatchObject({ line: '0 passed, 1 failed', code: 1 });
    const json = join(dir, 'empty.json');
    await writeFile(json, JSON.stringify({ numPassedTests: 0, numFailedTests: 0, numTotalTests: 0, testResults: [] }));
    expect(await totalsOf(json)).toMatchObject({ line: '0 passed, 1 failed', code: 1 });
    expect(await totalsOf(join(dir, 'missing.xml'))).toMatchObject({ line: '0 passed, 1 failed', code: 1 });
  });

  it('no report named at all', async () => {
    expect((await totalsOf()).code).toBe(1);
  });
});

it("counts the VM suite's report (one entry per VM run, no assertionResults) once per failed run", async () => {
  const json = join(dir, 'vm.json');
  const runs = [
    { name: 'e2e:vm a', status: 'passed' },
    { name: 'e2e:vm b', status: 'failed', message: 'unstage failed' },
  ];
  await writeFile(
    json,
    JSON.stringify({ numTotalTests: 2, numPassedTests: 1, numFailedTests: 1, success: false, testResults: runs }),
  );
  expect(await totalsOf(json)).toMatchObject({ line: '1 passed, 1 failed', code: 1 });
});
