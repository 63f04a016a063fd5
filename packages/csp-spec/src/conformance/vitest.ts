// The conformance suite as vitest tests: one `it` per case, in run order, plus the final cleanup
// check. A case whose feature the CSP does not claim passes and says so in a test annotation
// (never a silent skip). Lives on its own subpath so the CLI never loads vitest.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { allCases, cleanupCase, selectCases } from './cases/index.js';
import { ConformanceRun } from './run.js';
import type { CaseResult, ConformanceHooks, ConformanceTarget } from './types.js';

export interface VitestTarget extends ConformanceTarget {
  /** Called after the suite (and its cleanup), e.g. to stop the CSP the target started. */
  close?(): Promise<void>;
}

export interface SuiteOptions {
  /** The describe block's name (default "CSP conformance"). */
  name?: string;
  /** Case ids or areas to run. */
  only?: readonly string[];
  hooks?: ConformanceHooks;
  /** Per-case timeout (default 120 s; real arrays can be slow). */
  timeoutMs?: number;
}

function describeFailure(result: CaseResult): string {
  const failure = result.failure;
  if (!failure) {
    return `${result.id} failed`;
  }
  const lines = [`${result.id}: ${failure.message}`];
  if (failure.request) {
    lines.push(
      `request:  ${failure.request.method} ${failure.request.path} ${JSON.stringify(failure.request.body) ?? ''}`,
    );
  }
  if (failure.expected) {
    lines.push(`expected: ${failure.expected}`);
  }
  if (failure.received) {
    lines.push(`received: ${failure.received.status} ${JSON.stringify(failure.received.body) ?? '(no body)'}`);
  }
  return lines.join('\n');
}

/**
 * Registers the suite. `getTarget` runs once in `beforeAll` (start a CSP there, for example) and
 * says where the CSP is; the cases then run one per test, sharing one session.
 */
export function defineConformanceSuite(getTarget: () => Promise<VitestTarget>, options: SuiteOptions = {}): void {
  const cases = selectCases(allCases, options.only);
  const timeout = options.timeoutMs ?? 120_000;
  describe(options.name ?? 'CSP conformance', () => {
    let target: VitestTarget | undefined;
    let run: ConformanceRun | undefined;

    beforeAll(async () => {
      target = await getTarget();
      run = await ConformanceRun.open({ ...target, ...(options.hooks ? { hooks: options.hooks } : {}) });
    }, timeout);

    afterAll(async () => {
      try {
        await run?.close();
      } finally {
        await target?.close?.();
      }
    }, timeout);

    for (const testCase of cases) {
      it(
        `${testCase.id}: ${testCase.title}`,
        async (context) => {
          const result = await (run as ConformanceRun).runCase(testCase);
          if (result.status === 'fail') {
            throw new Error(describeFailure(result));
          }
          if (result.status === 'not-claimed') {
            await context.annotate(`not claimed: ${result.note ?? ''}`, 'notice');
          } else if (result.note) {
            await context.annotate(result.note, 'notice');
          }
        },
        timeout,
      );
    }

    it(
      `${cleanupCase.id}: ${cleanupCase.title}`,
      async () => {
        const result = await (run as ConformanceRun).finish();
        if (result.status === 'fail') {
          throw new Error(describeFailure(result));
        }
      },
      timeout,
    );
  });
}
