// The VM suite's results in the shape of vitest's JSON report (numTotalTests, numPassedTests,
// numFailedTests), one "test" per VM run, so CI sums them with every other test run.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface RunResult {
  label: string;
  passed: boolean;
  seconds: number;
  reason: string | undefined;
}

/** Which Node ran the guest's programs (service-node.ts), e.g. `{ version: 'v24.22.3', source: 'pinned' }`. */
export interface ReportRuntime {
  version: string;
  source: string;
}

export async function writeReport(
  file: string,
  results: RunResult[],
  error?: string,
  serviceNode?: ReportRuntime,
): Promise<void> {
  const failed = results.filter((r) => !r.passed).length + (error ? 1 : 0);
  const report = {
    numTotalTests: results.length + (error ? 1 : 0),
    numPassedTests: results.length - results.filter((r) => !r.passed).length,
    numFailedTests: failed,
    success: failed === 0,
    testResults: results.map((r) => ({
      name: `e2e:vm ${r.label}`,
      status: r.passed ? 'passed' : 'failed',
      seconds: Number(r.seconds.toFixed(2)),
      ...(r.reason && !r.passed ? { message: r.reason } : {}),
    })),
    ...(error ? { error } : {}),
    ...(serviceNode ? { serviceNode } : {}),
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
