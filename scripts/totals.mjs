#!/usr/bin/env node
// Sums vitest JSON reports and prints one line: "N passed, N failed". Exits 1 when a report is
// missing, unreadable or empty, so that a run that executed no test cannot look green.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let ok = process.argv.length > 2;
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    if (!report.numTotalTests) {
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
