// What a csi-sanity run means for us: its specs as report cases, where a skip passes only with a
// reason from the skip list, and a listed spec that ran (or that csi-sanity no longer has) fails,
// so that docs/testing.md, which mirrors the list, stays true.
import type { ReportCase, SpecResult } from './junit.js';
import type { Combination } from './matrix.js';
import { expectedSkips, skipReason } from './skips.js';

/** Ginkgo's message for a spec left out by --ginkgo.focus/--ginkgo.skip (not a skip of csi-sanity's). */
const notSelected = 'skipped';

export interface EvaluateOptions {
  /** The run narrowed the specs (--ginkgo.focus): specs left out are not counted. */
  narrowed: boolean;
}

function skipCase(spec: SpecResult, combination: Combination, options: EvaluateOptions): ReportCase | undefined {
  const reason = skipReason(spec.name, combination);
  if (reason) {
    return { name: spec.name, outcome: 'skipped', time: spec.time, message: reason };
  }
  if (options.narrowed && spec.message === notSelected) {
    return undefined;
  }
  return {
    name: spec.name,
    outcome: 'failed',
    time: spec.time,
    message: `csi-sanity skipped it (${spec.message || spec.outcome}) and the skip list (packages/testbed/src/csi-sanity/skips.ts, mirrored in docs/testing.md) gives no reason`,
  };
}

/** The report cases of one run. */
export function evaluate(
  specs: readonly SpecResult[],
  combination: Combination,
  options: EvaluateOptions,
): ReportCase[] {
  const cases: ReportCase[] = [];
  for (const spec of specs) {
    if (spec.outcome === 'skipped' || spec.outcome === 'pending') {
      const c = skipCase(spec, combination, options);
      if (c) {
        cases.push(c);
      }
    } else if (spec.outcome === 'failed') {
      cases.push({ name: spec.name, outcome: 'failed', time: spec.time, message: spec.message, detail: spec.detail });
    } else {
      cases.push({ name: spec.name, outcome: 'passed', time: spec.time });
    }
  }
  for (const entry of expectedSkips(combination)) {
    const spec = specs.find((s) => s.name === entry.spec);
    const ran = spec && spec.outcome !== 'skipped' && spec.outcome !== 'pending';
    if (!spec || ran) {
      cases.push({
        name: `opencsp skip list: ${entry.spec}`,
        outcome: 'failed',
        time: 0,
        message: spec
          ? 'listed as skipped, but csi-sanity ran it: remove it from skips.ts and docs/testing.md'
          : 'listed as skipped, but csi-sanity has no such spec: update skips.ts and docs/testing.md',
      });
    }
  }
  return cases;
}
