#!/usr/bin/env node
// Sums test reports and prints one line: "N passed, N failed". Understands vitest JSON reports
// (*.json) and JUnit XML reports (*.xml, e.g. pnpm sanity's csi-sanity reports: a testcase with a
// <failure> or <error> failed, one with <skipped> is neither).
//
// A broken suite must never look green, so each of these counts as (at least) one failure and
// makes the exit status 1:
// - a vitest test file whose status is "failed" without a failed test in it: a beforeAll/afterAll
//   hook threw (its tests are reported as skipped) or the file could not be imported (no tests);
// - a JUnit <testsuite> that declares more failures/errors than its testcases show, or holds an
//   <error>/<failure> outside any testcase (a suite-level setup error);
// - a report that is missing, cannot be parsed, or ran no test at all.
import { readFileSync } from 'node:fs';

class Unparseable extends Error {}

/** A vitest test file (it has assertionResults) that failed without a failed test: one failure. */
function brokenFile(result) {
  if (result?.status !== 'failed' || !Array.isArray(result.assertionResults)) {
    return false;
  }
  return !result.assertionResults.some((test) => test?.status === 'failed');
}

function vitest(text) {
  const report = JSON.parse(text);
  if (typeof report !== 'object' || report === null || typeof report.numTotalTests !== 'number') {
    throw new Unparseable('not a vitest JSON report (no numTotalTests)');
  }
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  const broken = files.filter(brokenFile);
  for (const file of broken) {
    console.error(`${file.name}: test file failed outside its tests: ${file.message || '(no message)'}`);
  }
  let failed = (report.numFailedTests ?? 0) + broken.length;
  if (report.success === false && failed === 0) {
    console.error('report says success: false without a failed test');
    failed = 1;
  }
  // A file that failed to import ran no test but is a result: it is counted as failed above.
  return { passed: report.numPassedTests ?? 0, failed, ran: report.numTotalTests + broken.length > 0 };
}

function numberAttribute(tag, name) {
  const match = new RegExp(`\\s${name}="(\\d+)"`).exec(tag);
  return match ? Number(match[1]) : 0;
}

/** Failures of one <testsuite> body (or of a document without testsuite elements). */
function junitSuite(tag, body) {
  const counts = { passed: 0, failed: 0, cases: 0 };
  const outside = body.replace(/<testcase\b[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g, (_whole, inner = '') => {
    counts.cases++;
    if (/<(failure|error)[\s>/]/.test(inner)) {
      counts.failed++;
    } else if (!/<skipped[\s>/]/.test(inner)) {
      counts.passed++;
    }
    return '';
  });
  const stray = (outside.match(/<(failure|error)[\s>/]/g) ?? []).length;
  const declared = numberAttribute(tag, 'failures') + numberAttribute(tag, 'errors');
  const extra = Math.max(declared - counts.failed, stray, 0);
  if (extra > 0) {
    console.error(`testsuite ${/\sname="([^"]*)"/.exec(tag)?.[1] ?? ''}: ${extra} failure(s) outside its testcases`);
  }
  return { passed: counts.passed, failed: counts.failed + extra, ran: counts.cases + extra > 0 };
}

function junit(text) {
  const document = text.replace(/<\?xml[\s\S]*?\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const root = /^\s*<(testsuites|testsuite)\b[^>]*?(\/>|>[\s\S]*<\/\1>)\s*$/.exec(document);
  if (!root) {
    throw new Unparseable('not a JUnit XML report (no closed <testsuites> or <testsuite> root)');
  }
  const total = { passed: 0, failed: 0, ran: false };
  const suites = [...document.matchAll(/<testsuite\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testsuite>)/g)];
  for (const [, tag, body = ''] of suites.length ? suites : [[document, '', document]]) {
    const counts = junitSuite(tag, body);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.ran ||= counts.ran;
  }
  return total;
}

let passed = 0;
let failed = 0;
const named = process.argv.length > 2;
if (!named) {
  console.error('usage: totals.mjs REPORT... (no report named)');
}
for (const file of process.argv.slice(2)) {
  try {
    const text = readFileSync(file, 'utf8');
    const counts = file.endsWith('.xml') ? junit(text) : vitest(text);
    passed += counts.passed;
    failed += counts.failed;
    if (!counts.ran) {
      console.error(`${file}: no tests ran`);
      failed++;
    }
  } catch (err) {
    console.error(`${file}: ${err instanceof Unparseable ? err.message : `cannot read or parse: ${err.message}`}`);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(named && failed === 0 ? 0 : 1);
