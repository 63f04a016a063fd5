// One csi-sanity run: an array simulator and its CSP, the driver's controller
// (`packages/csi-driver/dist/main.js --mode controller`) and the node (the loop-node launcher, the
// production node service with the loop transport), each its own process; csi-sanity against the
// node endpoint and the controller endpoint (accessProtocol nvmetcp in the StorageClass parameters
// of the NVMe/TCP runs, the loop node standing in for `nvme connect`); then our checks: every skip
// explained, nothing left on the array (the simulator's leak audit), no mount or loop device left
// on the host.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cleanups } from '../common/cleanups.js';
import { removeHostThroughCsp } from '../harness/backends/csp-admin.js';
import { type ArrayOptions, type ArrayProcesses, startArray } from '../launch/array.js';
import { builtScript, Program } from '../launch/program.js';
import { serviceScript } from '../launch/service-entry.js';
import { describeServiceNode, serviceNode } from '../launch/service-node.js';
import { killGroup, spawnTied } from '../launch/spawn.js';
import { detachLoopsUnder, loopsUnder, mountsUnder, unmountUnder } from '../loop/index.js';
import { evaluate } from './evaluate.js';
import { mutableParameters, type SanityFiles, writeSanityFiles, writeSecretDir } from './files.js';
import { parseJUnit, type ReportCase, renderJUnit } from './junit.js';
import { type Combination, combinationName } from './matrix.js';

const GiB = 1024 ** 3;

export interface RunOptions {
  combination: Combination;
  /** The csi-sanity binary. */
  binary: string;
  /** A fresh directory for this run (sockets, state, mounts, logs). */
  dir: string;
  /** Where the report goes (`csi-sanity-<combination>.xml`) and the logs (`csi-sanity/<combination>/`). */
  reportDir: string;
  /** NodeGetInfo's max_volumes_per_node, and the controller's limit (the attach-limit spec). */
  maxVolumesPerNode: number;
  /** --ginkgo.focus: run only these specs (the others are not counted). */
  focus?: string;
  /** Progress lines. */
  log: (line: string) => void;
  /** Starts the node plugin (default: the loop-node launcher); the VM suite starts the real driver. */
  startNode?: NodeStarter;
  /** How the array is started (extra simulator flags, readiness limit). */
  array?: ArrayOptions;
  /** More keys for the StorageClass secret, e.g. the node's CHAP credentials. */
  extraSecrets?: Record<string, string>;
  /** How long the driver's programs may take to listen (default 30 s). */
  readyTimeoutMs?: number;
  /**
   * The runner's cleanups: while the run is on, they hold its teardown (csi-sanity's process group,
   * the programs, mounts, loop devices, the array), so a signal stops all of it (common/stop-signals.ts).
   */
  cleanups?: Cleanups;
  /** Aborted by the runner's signal handler: the run stops where it is and writes no report. */
  signal?: AbortSignal;
}

/** Starts the node plugin serving `unix://<dir>/node.sock`. */
export type NodeStarter = (dir: string, array: ArrayProcesses, maxVolumesPerNode: number) => Program;

export interface RunResult {
  name: string;
  cases: ReportCase[];
  reportFile: string;
}

/** The loop node's NVMe host NQN in the nvmetcp runs (a uuid NQN as `nvme gen-hostnqn` writes it). */
const sanityHostNqn = `nqn.2014-08.org.nvmexpress:uuid:${randomUUID()}`;

/** The node's name, and so its CSP host uuid. */
export const nodeName = (array: ArrayProcesses) => `sanity-${array.backend}`;

function startController(dir: string, array: ArrayProcesses, secretDir: string, maxVolumes: number): Program {
  return new Program({
    name: 'csi-driver (controller)',
    script: serviceScript('csi-driver'),
    args: [
      '--mode',
      'controller',
      '--endpoint',
      `unix://${join(dir, 'controller.sock')}`,
      '--max-volumes-per-node',
      String(maxVolumes),
      // The mounted Secret RPCs without secrets use (ListVolumes, GetCapacity), as the chart sets it.
      '--csp-secret-dir',
      secretDir,
      // The CSP serves HTTPS with a certificate of the test CA; the driver trusts that CA only.
      '--csp-ca-file',
      array.cspCaFile,
    ],
    logFile: join(dir, 'controller.log'),
  });
}

function startNode(dir: string, array: ArrayProcesses, maxVolumes: number, hostnqn?: string): Program {
  const node = nodeName(array);
  return new Program({
    name: 'loop-node (node)',
    script: builtScript('testbed', 'launch/loop-node.js'),
    args: [
      '--mode',
      'node',
      '--endpoint',
      `unix://${join(dir, 'node.sock')}`,
      '--node-name',
      node,
      '--state-dir',
      join(dir, 'node-state'),
      '--host-mode',
      'direct',
      '--multipath',
      'off',
      '--max-volumes-per-node',
      String(maxVolumes),
      '--loop-array',
      array.simulatorUrl,
      '--loop-array-ca-file',
      array.simulatorCaFile,
      '--loop-initiator-name',
      `iqn.2024-01.io.opencsp.sanity:${node}`,
      // As the chart sets it: csi-sanity reads GROUP_CONTROLLER_SERVICE from the node's Identity,
      // and a node process cannot ask the CSP; csp-truenas claims snapshot_groups, csp-synology does not.
      ...(array.backend === 'truenas' ? ['--group-snapshots=true'] : []),
      ...(hostnqn ? ['--loop-host-nqn', hostnqn] : []),
    ],
    logFile: join(dir, 'node.log'),
  });
}

/**
 * Runs the csi-sanity binary in its own process group, tied to the runner (launch/spawn.ts); resolves
 * when it exits (its exit code says nothing we do not read from the report).
 */
function runSanity(binary: string, args: string[], logFile: string, cleanups?: Cleanups): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile);
    const child = spawnTied(binary, args);
    const drop = cleanups?.push(() => killGroup(child.pid));
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.once('error', (err) => {
      drop?.();
      reject(err);
    });
    child.once('close', () => {
      drop?.();
      out.end(() => resolve());
    });
  });
}

function sanityArgs(o: RunOptions, files: SanityFiles, junit: string): string[] {
  const { dir } = o;
  const args = [
    `--csi.endpoint=unix://${join(dir, 'node.sock')}`,
    `--csi.controllerendpoint=unix://${join(dir, 'controller.sock')}`,
    `--csi.secrets=${files.secrets}`,
    `--csi.testvolumeparameters=${files.parameters}`,
    `--csi.testvolumemutableparameters=${files.mutableParameters}`,
    `--csi.testvolumeaccesstype=${o.combination.access}`,
    `--csi.testvolumesize=${GiB}`,
    '--csi.testnodevolumeattachlimit',
    `--csi.mountdir=${join(dir, 'mnt', 'target')}`,
    `--csi.stagingdir=${join(dir, 'mnt', 'staging')}`,
    `--csi.junitfile=${junit}`,
    '--ginkgo.no-color',
    '--ginkgo.timeout=30m',
  ];
  if (o.focus) {
    args.push(`--ginkgo.focus=${o.focus}`);
  }
  return args;
}

/**
 * Our checks after the run: nothing on the array, no mount or loop device under the run's
 * directory. The node's host registration goes first, through the CSP, as an operator removes a
 * node: CSI has no call for a node leaving, so the driver never removes it.
 */
async function leftovers(dir: string, array: ArrayProcesses): Promise<ReportCase> {
  await removeHostThroughCsp(array.secrets, nodeName(array));
  const lines = [
    ...(await array.audit()).map((l) => `on the array: ${l}`),
    ...(await mountsUnder(dir)).map((m) => `mount ${m}`),
    ...(await loopsUnder(dir)).map((l) => `loop device ${l.device} (${l.file})`),
  ];
  const name = 'opencsp: nothing is left on the array or the host after csi-sanity';
  return lines.length === 0
    ? { name, outcome: 'passed', time: 0 }
    : { name, outcome: 'failed', time: 0, message: `${lines.length} object(s) left`, detail: lines.join('\n') };
}

/** Copies the run's logs and csi-sanity's own report next to ours, with the array password blanked. */
async function keepLogs(dir: string, target: string, password: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const arrayDir = join(dir, 'array');
  const arrayLogs = (await readdir(arrayDir).catch(() => [])).filter((f) => f.endsWith('.log'));
  const files = [
    ...['controller.log', 'node.log', 'csi-sanity.log', 'junit-upstream.xml'].map((f) => join(dir, f)),
    ...arrayLogs.map((f) => join(arrayDir, f)),
  ];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      await writeFile(join(target, file.slice(file.lastIndexOf('/') + 1)), text.replaceAll(password, '[redacted]'));
    }
  }
}

export async function runCombination(o: RunOptions): Promise<RunResult> {
  const name = combinationName(o.combination);
  const { dir } = o;
  await mkdir(join(dir, 'mnt'), { recursive: true });
  const programs: Program[] = [];
  let array: ArrayProcesses | undefined;
  const cases: ReportCase[] = [];
  // One teardown, shared by the `finally` below and a signal's cleanup (whichever comes first).
  let teardown: Promise<void> | undefined;
  const stopAll = () => {
    teardown ??= (async () => {
      for (const program of programs.splice(0).reverse()) {
        await program.stop();
      }
      await unmountUnder(dir);
      await detachLoopsUnder(dir);
      await array?.stop();
    })();
    return teardown;
  };
  const drop = o.cleanups?.push(stopAll);
  try {
    array = await startArray(o.combination.backend, join(dir, 'array'), {
      ...o.array,
      ...(o.cleanups ? { cleanups: o.cleanups } : {}),
    });
    const secretDir = await writeSecretDir(join(dir, 'csp-secret'), array.secrets);
    const controller = startController(dir, array, secretDir, o.maxVolumesPerNode);
    const nvme = o.combination.protocol === 'nvmetcp';
    if (nvme && o.startNode) {
      throw new Error(`${name}: a custom node starter serves iSCSI only`);
    }
    const node = o.startNode
      ? o.startNode(dir, array, o.maxVolumesPerNode)
      : startNode(dir, array, o.maxVolumesPerNode, nvme ? sanityHostNqn : undefined);
    programs.push(controller, node);
    await Promise.all([controller, node].map((p) => p.waitForLine(/CSI driver listening/, o.readyTimeoutMs)));
    const parameters = nvme ? { ...array.parameters, accessProtocol: 'nvmetcp' } : array.parameters;
    const files = await writeSanityFiles(
      dir,
      { ...array.secrets, ...o.extraSecrets },
      parameters,
      mutableParameters[o.combination.backend],
    );
    const junit = join(dir, 'junit-upstream.xml');
    o.log(`${name}: csi-sanity running (log: ${join(dir, 'csi-sanity.log')})`);
    await runSanity(o.binary, sanityArgs(o, files, junit), join(dir, 'csi-sanity.log'), o.cleanups);
    o.signal?.throwIfAborted();
    const xml = await readFile(junit, 'utf8').catch(() => undefined);
    if (xml === undefined) {
      const tail = (await readFile(join(dir, 'csi-sanity.log'), 'utf8').catch(() => '')).slice(-2000);
      throw new Error(`csi-sanity wrote no report:\n${tail}`);
    }
    cases.push(...evaluate(parseJUnit(xml), o.combination, { narrowed: o.focus !== undefined }));
    for (const program of programs.splice(0).reverse()) {
      await program.stop();
    }
    cases.push(await leftovers(dir, array));
  } catch (err) {
    cases.push({ name: `opencsp: the ${name} run`, outcome: 'failed', time: 0, message: (err as Error).message });
  } finally {
    await stopAll();
    drop?.();
    if (array) {
      await keepLogs(dir, join(o.reportDir, 'csi-sanity', name), array.secrets.password ?? '');
    }
  }
  const reportFile = join(o.reportDir, `csi-sanity-${name}.xml`);
  if (o.signal?.aborted) {
    // Stopped half-way: no report that reads like a run.
    return { name, cases, reportFile };
  }
  const services = serviceNode();
  await writeFile(
    reportFile,
    renderJUnit(`csi-sanity ${name}`, cases, new Date(), {
      'opencsp.serviceNode': services.version,
      'opencsp.serviceNodeSource': describeServiceNode(services),
    }),
  );
  return { name, cases, reportFile };
}
