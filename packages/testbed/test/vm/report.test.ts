import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/vm/report.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function reportOf(...args: Parameters<typeof writeReport> extends [string, ...infer R] ? R : never) {
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-vm-report-'));
  dirs.push(dir);
  const file = join(dir, 'nested', 'vm.json');
  await writeReport(file, ...args);
  return JSON.parse(await readFile(file, 'utf8'));
}

describe('VM suite report', () => {
  it('counts each VM run as a test, in the fields CI sums', async () => {
    const report = await reportOf([
      { label: 'csi-mutual', passed: true, seconds: 87.6, reason: 'all steps passed' },
      { label: 'shell-oneway', passed: false, seconds: 40.1, reason: 'unstage failed' },
    ]);
    expect(report).toMatchObject({ numTotalTests: 2, numPassedTests: 1, numFailedTests: 1, success: false });
    expect(report.testResults[1]).toEqual({
      name: 'e2e:vm shell-oneway',
      status: 'failed',
      seconds: 40.1,
      message: 'unstage failed',
    });
  });

  it('reports a suite that could not run (no image, no QEMU) as a failure, never as zero tests', async () => {
    const report = await reportOf([], 'debootstrap failed');
    expect(report).toMatchObject({
      numTotalTests: 1,
      numPassedTests: 0,
      numFailedTests: 1,
      error: 'debootstrap failed',
    });
  });
});
