// One VM run of the scenario: a temp dir with a copy of the host's node binary (shared into the
// guest), QEMU with the serial log in that dir, the log kept under <cache>/logs/<label>.log, and
// the temp dir removed whatever happens.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cleanup } from './cleanup.js';
import type { VmImage } from './image.js';
import { type GuestResult, guestPassed, type MarkerEvent, type Step } from './markers.js';
import { runQemu } from './qemu.js';

export interface ScenarioSpec {
  /**
   * Who performs the node operations in the guest: `csi` the driver's NodeService (the product),
   * `shell` and `js` reference implementations that call the tools directly. `nvme` is the NVMe/TCP
   * scenario (the NodeService against the guest kernel's nvmet target).
   */
  ops: 'shell' | 'js' | 'csi' | 'nvme';
  /** CHAP flavour of the iSCSI runs; `plain`/`dhchap` (bidirectional DH-CHAP) of the NVMe run. */
  chap: 'oneway' | 'mutual' | 'plain' | 'dhchap';
  /** JS entry for ops=js, relative to the repo root. */
  entry: string;
  /** Boot the image's extra kernel (the recipe's extraKernelSuite) instead of the suite's own. */
  kernel?: 'extra';
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
  return `${spec.ops}-${spec.chap}`;
}

export async function runScenario(spec: ScenarioSpec, options: RunScenarioOptions): Promise<ScenarioOutcome> {
  const label = scenarioLabel(spec);
  const tmp = await mkdtemp(join(tmpdir(), 'opencsp-vm-'));
  const dropTmp = options.cleanup.add('remove the VM temp dir', () => rm(tmp, { recursive: true, force: true }));
  try {
    const nodeDir = join(tmp, 'hostnode');
    await mkdir(nodeDir);
    await copyFile(process.execPath, join(nodeDir, 'node'));
    const serialLog = join(tmp, 'serial.log');
    const params: Record<string, string> =
      spec.ops === 'nvme'
        ? { 'e2e.scenario': 'nvme', 'e2e.auth': spec.chap }
        : { 'e2e.ops': spec.ops === 'shell' ? 'shell' : 'js', 'e2e.chap': spec.chap };
    if (spec.ops !== 'shell' && spec.ops !== 'nvme') {
      params['e2e.entry'] = spec.entry;
      params['e2e.jsops'] = spec.ops === 'csi' ? 'service' : 'tools';
    }
    const image = imageFor(spec, options.image);
    const run = await runQemu(
      { image, shares: { repoDir: options.repoDir, nodeDir }, serialLog, params },
      {
        timeoutMs: options.timeoutMs,
        cleanup: options.cleanup,
        tmpDir: tmp,
        onEvent: (event) => options.onEvent(label, event),
        ...(options.onLine ? { onLine: (line: string) => options.onLine?.(label, line) } : {}),
      },
    );
    const logPath = join(options.cacheDir, 'logs', `${label}.log`);
    await mkdir(join(options.cacheDir, 'logs'), { recursive: true });
    await copyFile(serialLog, logPath);
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
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
    dropTmp();
  }
}
