// Readiness of the host for the node service (the Probe of a node plugin): host tools present,
// iscsid reachable, an initiator name, and multipathd when the multipath policy needs it.
import { isDriverError } from '../errors.js';
import type { HostFiles } from './files.js';
import { readInitiatorNames } from './initiator.js';
import { iscsiadmError, iscsiExit } from './iscsiadm.js';
import { readNvmeHost } from './nvme-host.js';
import type { Runner } from './runner.js';

export type MultipathPolicy = 'required' | 'preferred' | 'off';

export interface ReadinessOptions {
  readonly runner: Runner;
  readonly files: HostFiles;
  /** Check iSCSI (iscsiadm, iscsid, initiator name). */
  readonly iscsi: boolean;
  readonly multipath: MultipathPolicy;
  /** Check NVMe/TCP (nvme-cli, the host NQN) when the node is required to serve it. */
  readonly nvme?: boolean;
}

export interface ReadinessReport {
  readonly ready: boolean;
  /** What makes the node unable to stage volumes. */
  readonly problems: string[];
  /** What limits it (a filesystem without its tools). */
  readonly warnings: string[];
}

const searchPath = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const coreTools = [
  'mount',
  'umount',
  'losetup',
  'blkid',
  'blockdev',
  'dd',
  'mkfs.ext4',
  'e2fsck',
  'resize2fs',
  'dumpe2fs',
];
const optionalTools = { 'mkfs.xfs': 'xfs', xfs_growfs: 'xfs', 'mkfs.btrfs': 'btrfs', btrfs: 'btrfs' } as const;

async function findTool(files: HostFiles, tool: string): Promise<boolean> {
  for (const dir of searchPath) {
    if (await files.exists(`${dir}/${tool}`)) {
      return true;
    }
  }
  return false;
}

async function missingTools(files: HostFiles, tools: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of tools) {
    if (!(await findTool(files, tool))) {
      missing.push(tool);
    }
  }
  return missing;
}

async function iscsiProblems(runner: Runner, files: HostFiles): Promise<string[]> {
  const problems: string[] = [];
  try {
    await readInitiatorNames(files);
  } catch (err) {
    problems.push(isDriverError(err) ? err.message : String(err));
  }
  const result = await runner.run('iscsiadm', ['-m', 'session'], { timeoutMs: 10_000 });
  if (result.timedOut || (result.code !== 0 && result.code !== iscsiExit.noObjectsFound)) {
    problems.push(iscsiadmError(result).message);
  }
  return problems;
}

async function multipathProblem(runner: Runner): Promise<string | undefined> {
  const result = await runner.run('multipathd', ['show', 'maps'], { timeoutMs: 10_000 });
  if (result.code === 0 && !result.timedOut) {
    return undefined;
  }
  return `multipathd is not reachable (${result.timedOut ? 'timed out' : `exit ${result.code}: ${result.stderr.trim().split('\n')[0] ?? ''}`})`;
}

export async function checkNodeReadiness(options: ReadinessOptions): Promise<ReadinessReport> {
  const { runner, files } = options;
  const problems: string[] = [];
  const warnings: string[] = [];
  const required = [...coreTools];
  if (options.iscsi) {
    required.push('iscsiadm');
  }
  if (options.multipath !== 'off') {
    required.push('multipath', 'multipathd');
  }
  if (options.nvme) {
    required.push('nvme');
  }
  const missing = await missingTools(files, required);
  if (missing.length > 0) {
    problems.push(`host tools not found under ${files.root}: ${missing.join(', ')}`);
  }
  for (const tool of await missingTools(files, Object.keys(optionalTools))) {
    warnings.push(`${tool} not found: ${optionalTools[tool as keyof typeof optionalTools]} volumes cannot be staged`);
  }
  if (options.iscsi && !missing.includes('iscsiadm')) {
    problems.push(...(await iscsiProblems(runner, files)));
  }
  if (options.nvme) {
    const identity = await readNvmeHost(files).catch((err: unknown) =>
      isDriverError(err) ? err.message : String(err),
    );
    if (identity === undefined || typeof identity === 'string') {
      problems.push(identity ?? 'no NVMe host NQN: /etc/nvme/hostnqn does not exist (nvme gen-hostnqn)');
    }
  }
  if (options.multipath !== 'off' && !missing.includes('multipathd')) {
    const problem = await multipathProblem(runner);
    if (problem) {
      (options.multipath === 'required' ? problems : warnings).push(problem);
    }
  }
  return { ready: problems.length === 0, problems, warnings };
}
