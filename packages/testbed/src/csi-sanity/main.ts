#!/usr/bin/env node
// pnpm sanity: kubernetes-csi's csi-sanity against opencsp as a user runs it, for each array
// simulator (TrueNAS, Synology DS923+) and access type (mount, block): simulator, CSP, driver
// controller and node as separate processes from their real command lines, csi-sanity with a
// secrets file (service mode), the StorageClass parameters and a JUnit report in .reports/.
// Stopped by a signal, it stops and removes all of that first and exits 128+signal; its children
// die with it even when it is SIGKILLed (launch/spawn.ts).
// See docs/testing.md (how to run it, the matrix, every skipped spec and why).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { helpText, OptionsError, parseOptions, parsers } from '@opencsp/csp-spec/options';
import { cleanups } from '../common/cleanups.js';
import { exitOnStopSignals } from '../common/stop-signals.js';
import { describeServiceNode, type ServiceNode, serviceNode } from '../launch/service-node.js';
import { requireLoopEnvironment } from '../loop/index.js';
import { findCsiSanity, repoRoot, upstreamBinDir } from './binary.js';
import {
  type AccessType,
  accessTypes,
  type Backend,
  backends,
  combinationName,
  combinations,
  type Protocol,
  protocols,
} from './matrix.js';
import { runCombination } from './run.js';

const table = {
  backends: {
    flag: 'backend',
    env: 'OPENCSP_SANITY_BACKENDS',
    description: `array simulators to run against, comma-separated (${backends.join(', ')})`,
    parse: (raw: string) => parsers.list(raw).map((b) => parsers.oneOf(...backends)(b)),
    default: [...backends] as Backend[],
  },
  access: {
    flag: 'access',
    env: 'OPENCSP_SANITY_ACCESS',
    description: `access types, comma-separated (${accessTypes.join(', ')})`,
    parse: (raw: string) => parsers.list(raw).map((a) => parsers.oneOf(...accessTypes)(a)),
    default: [...accessTypes] as AccessType[],
  },
  protocols: {
    flag: 'protocol',
    env: 'OPENCSP_SANITY_PROTOCOLS',
    description: `access protocols, comma-separated (${protocols.join(', ')}); nvmetcp runs on TrueNAS with mounted volumes`,
    parse: (raw: string) => parsers.list(raw).map((p) => parsers.oneOf(...protocols)(p)),
    default: [...protocols] as Protocol[],
  },
  focus: {
    flag: 'focus',
    description: 'run only the specs matching this regular expression (--ginkgo.focus)',
    parse: parsers.string,
  },
  reportDir: {
    flag: 'report-dir',
    description: 'where the JUnit reports and the logs go',
    parse: parsers.string,
    default: join(repoRoot, '.reports'),
  },
  maxVolumesPerNode: {
    flag: 'max-volumes-per-node',
    description: "the driver's --max-volumes-per-node (the attach-limit spec publishes this many volumes plus one)",
    parse: parsers.int(1, 64),
    default: 4,
  },
  keep: {
    flag: 'keep',
    description: 'keep each run directory (sockets, state, logs) instead of removing it',
    parse: parsers.bool,
    default: false,
  },
};

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Missing prerequisites: a failure in CI, a clear notice elsewhere. */
function unable(reason: string): never {
  say(`csi-sanity not run: ${reason}`);
  process.exit(process.env.CI ? 1 : 0);
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseOptions<typeof table>>;
  try {
    parsed = parseOptions(table, process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof OptionsError ? err.message : String(err)}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    say(helpText('pnpm sanity', table));
    return;
  }
  const o = parsed.values;
  const binary = await findCsiSanity();
  if (!binary) {
    unable(
      `no csi-sanity in ${upstreamBinDir()} (set OPENCSP_UPSTREAM_BIN to the directory holding kubernetes-csi/csi-test's csi-sanity)`,
    );
  }
  await requireLoopEnvironment().catch((err: Error) => unable(`the node specs need real loop devices: ${err.message}`));
  let services: ServiceNode;
  try {
    services = serviceNode();
  } catch (err) {
    unable((err as Error).message);
  }
  say(`csi-sanity: ${describeServiceNode(services)}`);
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const runs = combinations(o);
  if (runs.length === 0) {
    process.stderr.write('nothing to run: NVMe/TCP runs on truenas with --access mount only\n');
    process.exit(2);
  }
  // SIGINT, SIGTERM, SIGHUP: csi-sanity, the programs, mounts, loop devices, the array and the run
  // directory are stopped and removed, then the exit status is 128+signal (common/stop-signals.ts).
  const stops = cleanups('pnpm sanity');
  const stopped = new AbortController();
  exitOnStopSignals({
    log: say,
    cleanup: () => {
      stopped.abort();
      return stops.stop();
    },
  });
  for (const combination of runs) {
    const dir = await mkdtemp(join(tmpdir(), `opencsp-sanity-${combinationName(combination)}-`));
    const removeDir = () => rm(dir, { recursive: true, force: true });
    const dropDir = o.keep ? undefined : stops.push(removeDir);
    try {
      const result = await runCombination({
        combination,
        binary,
        dir,
        reportDir: resolve(o.reportDir),
        maxVolumesPerNode: o.maxVolumesPerNode,
        ...(o.focus ? { focus: o.focus } : {}),
        log: say,
        cleanups: stops,
        signal: stopped.signal,
      });
      if (stopped.signal.aborted) {
        return; // the signal handler exits once everything is stopped
      }
      const count = (outcome: string) => result.cases.filter((c) => c.outcome === outcome).length;
      const line = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
      totals.passed += line.passed;
      totals.failed += line.failed;
      totals.skipped += line.skipped;
      say(
        `${result.name}: ${line.passed} passed, ${line.failed} failed, ${line.skipped} skipped (${result.reportFile})`,
      );
      for (const failed of result.cases.filter((c) => c.outcome === 'failed')) {
        say(`  FAIL ${failed.name}: ${failed.message ?? ''}`);
      }
    } finally {
      // After a signal the handler removes it, after the unmounts (rm -r must not run into a mount).
      if (dropDir && !stopped.signal.aborted) {
        dropDir();
        await removeDir();
      }
    }
  }
  say(
    `csi-sanity: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped (reasons: docs/testing.md)`,
  );
  process.exitCode = totals.failed === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`pnpm sanity: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
