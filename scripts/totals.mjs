#!/usr/bin/env node
// Sums test reports and prints one line: "N passed, N failed". Understands vitest JSON reports
// (*.json) and JUnit XML reports (*.xml, e.g. pnpm sanity's csi-sanity reports: a testcase with a
// <failure> or <error> failed, one with <skipped> is neither). Exits 1 when a report is missing,
// unreadable or empty, so that a run that executed no test cannot look green.
import { readFileSync } from 'node:fs';

function vitest(text) {
  const report = JSON.parse(text);
  return { passed: report.numPassedTests ?? 0, failed: report.numFailedTests ?? 0, total: report.numTotalTests ?? 0 };
}

function junit(text) {
  const counts = { passed: 0, failed: 0, total: 0 };
  for (const match of text.matchAll(/<testcase\b[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = match[1] ?? '';
    counts.total++;
    if (/<(failure|error)[\s>/]/.test(body)) {
      counts.failed++;
    } else if (!/<skipped[\s>/]/.test(body)) {
      counts.passed++;
    }
  }
  return counts;
}

let passed = 0;
let failed = 0;
let ok = process.argv.length > 2;
for (const file of process.argv.slice(2)) {
  try {
    const text = readFileSync(file, 'utf8');
    const counts = file.endsWith('.xml') ? junit(text) : vitest(text);
    passed += counts.passed;
    failed += counts.failed;
    if (!counts.total) {
      console.error(`${file}: no tests ran`);
      ok = false;
    }
  } catch (err) {
    console.error(`${file}: ${err.message}`);
    ok = false;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
