// One VM run of the scenario: a temp dir with a copy of the images' node binary (service-node.ts:
// everything in the guest runs on it) and, for a sanity run, csi-sanity, shared into the guest; a
// writable share for what the guest hands back (the sanity run's JUnit reports and logs), QEMU
// with the serial log in that dir, the log kept under <cache>/logs/<label>.log, and the temp dir
// removed whatever happens.
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCsiSanity, upstreamBinDir } from '../csi-sanity/binary.js';
import { serviceNode } from '../launch/service-node.js';
import type { Cleanup } from './cleanup.js';
import type { VmImage } from './image.js';
import { type GuestResult, guestPassed, type MarkerEvent, type Step } from './markers.js';
import { runQemu } from './qemu.js';

export interface ScenarioSpec {
  /**
   * Who performs the node operations in the guest: `csi` the driver's NodeService (the product),
   * `shell` and `js` reference implementations that call the tools directly; `sanity` runs
   * csi-sanity against the whole stack (simulator on LIO, CSP, driver) instead of the scenario.
   * `nvme` is the NVMe/TCP scenario (the NodeService against the guest kernel's nvmet target).
   * `stagebench` is the NodeStage benchmark (one stage alone, then `count` at once).
   */
  ops: 'shell' | 'js' | 'csi' | 'sanity' | 'nvme' | 'stagebench';
  /** CHAP flavour of the iSCSI runs; `plain`/`dhchap` (bidirectional DH-CHAP) of the NVMe run. */
  chap: 'oneway' | 'mutual' | 'plain' | 'dhchap';
  /** JS entry for ops=js, relative to the repo root. */
  entry: string;
  /** Boot the image's extra kernel (the recipe's extraKernelSuite) instead of the suite's own. */
  kernel?: 'extra';
  /** stagebench: how many volumes are staged at once. */
  count?: number;
}

export interface ScenarioOutcome {
  label: string;
  passed: boolean;
  steps: Step[];
  result: GuestResult | undefined;
  errors: string[];
  wallSeconds: number;
  timedOut: boolean;
  exitCode: number | null;
  logPath: string;
  stderr: string;
  /** Sanity runs: csi-sanity's JUnit reports, per access type, kept under <cache>/logs. */
  junit: Array<{ access: string; path: string }>;
  /** JSON results the guest handed back (the stage benchmark's), by file name, kept under <cache>/logs. */
  results: Record<string, string>;
}

export interface RunScenarioOptions {
  image: VmImage;
  repoDir: string;
  cacheDir: string;
  timeoutMs: number;
  cleanup: Cleanup;
  onEvent: (label: string, event: MarkerEvent) => void;
  onLine?: (label: string, line: string) => void;
}

/** The image with the kernel the run boots: the extra one when the spec asks for it. */
export function imageFor(spec: ScenarioSpec, image: VmImage): VmImage {
  if (spec.kernel !== 'extra') {
    return image;
  }
  if (!image.extraKernel) {
    throw new Error(`${scenarioLabel(spec)} needs the image's extra kernel, and image ${image.manifest.hash} has none`);
  }
  return { ...image, kernel: image.extraKernel.kernel, initrd: image.extraKernel.initrd };
}

export function scenarioLabel(spec: ScenarioSpec): string {
  return spec.ops === 'stagebench' ? `stagebench-${spec.count ?? 20}` : `${spec.ops}-${spec.chap}`;
}

/** The guest runner's e2e.* parameters for a run. */
export function guestParams(spec: ScenarioSpec): Record<string, string> {
  if (spec.ops === 'nvme') {
    return { 'e2e.scenario': 'nvme', 'e2e.auth': spec.chap };
  }
  if (spec.ops === 'stagebench') {
    return { 'e2e.scenario': 'stagebench', 'e2e.count': String(spec.count ?? 20) };
  }
  const params: Record<string, string> = {
    'e2e.ops': spec.ops === 'shell' || spec.ops === 'sanity' ? spec.ops : 'js',
    'e2e.chap': spec.chap,
  };
  if (spec.ops === 'js' || spec.ops === 'csi') {
    params['e2e.entry'] = spec.entry;
    params['e2e.jsops'] = spec.ops === 'csi' ? 'service' : 'tools';
  }
  return params;
}

/** The stage benchmark's results (`stagebench-<mode>.json`), kept as `<label>-<mode>.json`. */
async function keepResults(outDir: string, logsDir: string, label: string): Promise<Record<string, string>> {
  const kept: Record<string, string> = {};
  for (const name of (await readdir(outDir)).sort()) {
    const mode = /^stagebench-([a-z]+)\.json$/.exec(name)?.[1];
    if (mode) {
      kept[name] = join(logsDir, `${label}-${mode}.json`);
      await copyFile(join(outDir, name), kept[name]);
    }
  }
  return kept;
}

/**
 * What the guest left in the out share, kept under <cache>/logs: csi-sanity's reports
 * (`csi-sanity-truenas-<access>.xml`, from csi-sanity/run.ts) as `<label>-<access>.xml`, and the
 * logs of each run (`csi-sanity/truenas-<access>/*`) as `<label>-<access>-<file>`.
 */
async function keepOutputs(outDir: string, logsDir: string, label: string): Promise<ScenarioOutcome['junit']> {
  const junit: ScenarioOutcome['junit'] = [];
  for (const name of (await readdir(outDir)).sort()) {
    const access = /^csi-sanity-truenas-([a-z]+)\.xml$/.exec(name)?.[1];
    if (access) {
      const kept = join(logsDir, `${label}-${access}.xml`);
      await copyFile(join(outDir, name), kept);
      junit.push({ access, path: kept });
    }
  }
  const runLogs = join(outDir, 'csi-sanity');
  for (const run of await readdir(runLogs).catch(() => [] as string[])) {
    const access = run.replace(/^truenas-/, '');
    for (const file of await readdir(join(runLogs, run))) {
      await copyFile(join(runLogs, run, file), join(logsDir, `${label}-${access}-${file}`));
    }
  }
  return junit;
}

export async function runScenario(spec: ScenarioSpec, options: RunScenarioOptions): Promise<ScenarioOutcome> {
  const label = scenarioLabel(spec);
  const tmp = await mkdtemp(join(tmpdir(), 'opencsp-vm-'));
  const dropTmp = options.cleanup.add('remove the VM temp dir', () => rm(tmp, { recursive: true, force: true }));
  try {
    const nodeDir = join(tmp, 'hostnode');
    await mkdir(nodeDir);
    await copyFile(serviceNode().path, join(nodeDir, 'node'));
    const outDir = join(tmp, 'out');
    await mkdir(outDir);
    const serialLog = join(tmp, 'serial.log');
    const params = guestParams(spec);
    if (spec.ops === 'sanity') {
      const sanity = await findCsiSanity();
      if (!sanity) {
        throw new Error(
          `no csi-sanity in ${upstreamBinDir()}: set OPENCSP_UPSTREAM_BIN to the folder holding kubernetes-csi/csi-test's csi-sanity`,
        );
      }
      await copyFile(sanity, join(nodeDir, 'csi-sanity'));
    }
    const image = imageFor(spec, options.image);
    const run = await runQemu(
      { image, shares: { repoDir: options.repoDir, nodeDir, outDir }, serialLog, params },
      {
        timeoutMs: options.timeoutMs,
        cleanup: options.cleanup,
        tmpDir: tmp,
        onEvent: (event) => options.onEvent(label, event),
        ...(options.onLine ? { onLine: (line: string) => options.onLine?.(label, line) } : {}),
      },
    );
    const logsDir = join(options.cacheDir, 'logs');
    const logPath = join(logsDir, `${label}.log`);
    await mkdir(logsDir, { recursive: true });
    await copyFile(serialLog, logPath);
    const junit = await keepOutputs(outDir, logsDir, label);
    const results = await keepResults(outDir, logsDir, label);
    const { steps, result, errors } = run.parser;
    return {
      label,
      passed: !run.timedOut && guestPassed(steps, result),
      steps,
      result,
      errors,
      wallSeconds: run.wallSeconds,
      timedOut: run.timedOut,
      exitCode: run.exitCode,
      logPath,
      stderr: run.stderr,
      junit,
      results,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
    dropTmp();
  }
}
