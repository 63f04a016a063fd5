#!/usr/bin/env node
// `pnpm e2e:vm`: the real-kernel VM suite. Installs the host tools it lacks, builds or reuses the
// cached image, boots one VM per --run, prints a timing table, exits non-zero on any failure.
import { access, copyFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describeServiceNode, serviceNode } from '../launch/service-node.js';
import { Cleanup } from './cleanup.js';
import type { MarkerEvent } from './markers.js';
import { parseOptions, timeoutFor, USAGE, UsageError, type VmOptions } from './options.js';
import { defaultCacheDir, prepareVm, repoDir } from './prepare.js';
import { CommandError } from './proc.js';
import { writeReport } from './report.js';
import { runScenario, type ScenarioOutcome, scenarioLabel } from './scenario-run.js';
import { formatTimingTable, stepRows, type TimingRow } from './table.js';

const log = (line: string) => console.log(`e2e:vm ${line}`);
const since = (t: number) => (performance.now() - t) / 1000;

function printEvent(label: string, event: MarkerEvent): void {
  if (event.kind === 'step') {
    const parts = event.step.parts.map((p) => `${p.name} ${p.seconds.toFixed(2)}`).join(', ');
    log(
      `[${label}] ${event.step.name} ${event.step.seconds.toFixed(2)} s ${event.step.status}${parts ? ` (${parts})` : ''}`,
    );
  } else if (event.kind === 'error') {
    log(`[${label}] error: ${event.text}`);
  } else {
    log(`[${label}] result: ${event.result.pass ? 'PASS' : 'FAIL'} ${event.result.reason}`);
  }
}

function outcomeStatus(outcome: ScenarioOutcome): string {
  if (outcome.timedOut) {
    return 'TIMEOUT';
  }
  return outcome.passed ? 'PASS' : 'FAIL';
}

function explainFailure(outcome: ScenarioOutcome): void {
  const why = outcome.timedOut
    ? 'timed out'
    : (outcome.result?.reason ?? `no verdict from the guest (QEMU exit ${outcome.exitCode})`);
  console.error(`\n${outcome.label}: ${why}`);
  console.error(`  console log: ${outcome.logPath}`);
  if (outcome.stderr.trim()) {
    console.error(`  QEMU said: ${outcome.stderr.trim().split('\n').slice(-5).join('\n  ')}`);
  }
}

/** csi-sanity's JUnit reports of the sanity runs, beside the JSON report (vm-sanity-<chap>-<access>.xml). */
async function copyJunitReports(outcomes: ScenarioOutcome[], dir: string): Promise<void> {
  for (const outcome of outcomes) {
    for (const report of outcome.junit) {
      const target = join(dir, `vm-${outcome.label}-${report.access}.xml`);
      await copyFile(report.path, target);
      log(`${outcome.label}: csi-sanity ${report.access} JUnit report ${target}`);
    }
  }
}

async function run(options: VmOptions, cleanup: Cleanup): Promise<number> {
  // First, so that a CI run without the images' Node fails before the image build.
  const services = serviceNode();
  log(`the guest's programs and ${describeServiceNode(services)}`);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const rows: TimingRow[] = [];
  const begun = performance.now();
  const vm = await prepareVm({ cacheDir, rebuild: options.rebuild, log, cleanup });
  const { image, built, timings } = vm;
  rows.push({ label: 'host tools', seconds: vm.toolSeconds, status: vm.installed.join(' ') || 'present', depth: 0 });
  if (built && timings) {
    rows.push({ label: 'image: debootstrap', seconds: timings.debootstrapSeconds, status: 'built', depth: 0 });
    rows.push({ label: 'image: mkfs.ext4 -d', seconds: timings.imageSeconds, status: 'built', depth: 0 });
  } else {
    rows.push({ label: 'image', seconds: vm.imageSeconds, status: `cached ${image.manifest.hash}`, depth: 0 });
  }
  log(
    `image ${image.dir} (kernel ${image.manifest.kernelVersion}${image.extraKernel ? `, extra kernel ${image.extraKernel.version}` : ''})`,
  );

  const outcomes: ScenarioOutcome[] = [];
  for (const spec of options.buildOnly ? [] : options.runs) {
    if (spec.ops === 'js' || spec.ops === 'csi') {
      await access(join(repoDir, spec.entry)).catch(() => {
        throw new Error(`${spec.entry} is missing: run pnpm build first (pnpm e2e:vm does)`);
      });
    }
    const timeoutSeconds = timeoutFor(options, spec);
    log(
      `booting ${scenarioLabel(spec)}${spec.kernel === 'extra' ? ' on the extra kernel' : ''} (timeout ${timeoutSeconds} s)`,
    );
    const outcome = await runScenario(spec, {
      image,
      repoDir,
      cacheDir,
      timeoutMs: timeoutSeconds * 1000,
      cleanup,
      onEvent: printEvent,
      ...(options.verbose ? { onLine: (label: string, line: string) => console.log(`[${label}] ${line}`) } : {}),
    });
    if (cleanup.interrupted) {
      throw new Error('interrupted');
    }
    outcomes.push(outcome);
    rows.push({
      label: `vm ${outcome.label} (wall)`,
      seconds: outcome.wallSeconds,
      status: outcomeStatus(outcome),
      depth: 0,
    });
    rows.push(...stepRows('', outcome.steps));
  }
  const failed = outcomes.filter((o) => !o.passed).length;
  rows.push({ label: 'total (wall)', seconds: since(begun), status: failed === 0 ? 'PASS' : 'FAIL', depth: 0 });
  console.log(`\n${formatTimingTable(rows)}`);
  outcomes.filter((o) => !o.passed).forEach(explainFailure);
  console.log(`\n${outcomes.length - failed} passed, ${failed} failed`);
  if (options.report) {
    const results = outcomes.map((o) => ({
      label: o.label,
      passed: o.passed,
      seconds: o.wallSeconds,
      reason: o.timedOut ? 'timed out' : o.result?.reason,
    }));
    await writeReport(options.report, results, undefined, { version: services.version, source: services.source });
    await copyJunitReports(outcomes, dirname(resolve(options.report)));
  }
  return failed === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  let options: VmOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error('e2e:vm runs on x86-64 Linux only');
    return 1;
  }
  const cleanup = new Cleanup((line) => console.error(line));
  cleanup.exitOnSignals();
  try {
    return await run(options, cleanup);
  } catch (error) {
    console.error(`e2e:vm failed: ${(error as Error).message}`);
    if (options.report) {
      await writeReport(options.report, [], (error as Error).message);
    }
    if (error instanceof CommandError && error.tail.trim()) {
      console.error(error.tail.trim().split('\n').slice(-15).join('\n'));
    }
    return 1;
  } finally {
    await cleanup.runAll();
  }
}

process.exitCode = await main();
