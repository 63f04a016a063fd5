// The one way the node service runs host commands: child_process.spawn without a shell, an argv
// array, a timeout that kills the whole process group, output caps, and secret redaction for
// everything that can reach a log line or an error message. Host modes decide whether a command
// runs in our own mount namespace (direct), chrooted into the host's root (chroot) or inside the
// namespaces of a host process (nsenter). Everything above this file talks to the `Runner`
// interface, so tests replace the host with a fake.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { DriverError, type DriverErrorKind, failedPrecondition } from '../errors.js';
import type { CommandResult, HostMetrics } from '../metrics/types.js';
import { redactText } from './redact.js';

export interface RunOptions {
  /** Kill the process group after this many ms; `null` never kills (mkfs, fsck, resize). */
  timeoutMs?: number | null;
  /** Written to stdin, then stdin is closed. */
  stdin?: string;
  /** Values that must never appear in logs or errors (CHAP secrets...). */
  secrets?: readonly string[];
  /** argv indexes (0-based, of `args`) shown as `<redacted>` in the display form. */
  redactArgs?: readonly number[];
}

export interface RunResult {
  /** The command line as it may be shown to users: secrets replaced. */
  readonly command: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface Runner {
  run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export type HostMode =
  | { kind: 'direct' }
  | { kind: 'chroot'; root: string }
  | { kind: 'nsenter'; target: number | 'iscsid'; procRoot?: string };

export const hostPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Default timeout for commands that must not hang an RPC forever (mount, iscsiadm...). */
export const defaultTimeoutMs = 30_000;
const outputCap = 4 * 1024 * 1024;
const killGraceMs = 2_000;

export interface CommandLogger {
  debug(obj: object, msg: string): void;
}

/** The display form of a command line: argv joined, redacted args and secrets replaced. */
export function displayCommand(cmd: string, args: readonly string[], options: RunOptions = {}): string {
  const shown = args.map((arg, i) => (options.redactArgs?.includes(i) ? '<redacted>' : arg));
  return redactText([cmd, ...shown].join(' '), options.secrets);
}

/** Spawns real processes, wrapped for the configured host mode. */
export class SpawnRunner implements Runner {
  readonly mode: HostMode;
  private readonly logger: CommandLogger | undefined;
  private readonly metrics: HostMetrics | undefined;

  constructor(mode: HostMode = { kind: 'direct' }, logger?: CommandLogger, metrics?: HostMetrics) {
    this.mode = mode;
    this.logger = logger;
    this.metrics = metrics;
  }

  async run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, argv] = await this.wrap(cmd, args);
    const command = displayCommand(cmd, args, options);
    const started = Date.now();
    let result: RunResult;
    try {
      result = await spawnOnce(file, argv, command, options);
    } catch (err) {
      this.metrics?.command(cmd, 'error', (Date.now() - started) / 1000);
      throw err;
    }
    const ms = Date.now() - started;
    this.metrics?.command(cmd, commandResult(result), ms / 1000);
    this.logger?.debug(
      { command, code: result.code, signal: result.signal, timedOut: result.timedOut, ms },
      'host command',
    );
    return result;
  }

  private async wrap(cmd: string, args: readonly string[]): Promise<[string, string[]]> {
    const env = ['/usr/bin/env', '-i', `PATH=${hostPath}`, cmd, ...args];
    switch (this.mode.kind) {
      case 'direct':
        return [cmd, [...args]];
      case 'chroot':
        return ['chroot', [this.mode.root, ...env]];
      case 'nsenter': {
        const pid = await resolveNsenterPid(this.mode.target, this.mode.procRoot ?? '/proc');
        return ['nsenter', [`--mount=/proc/${pid}/ns/mnt`, `--net=/proc/${pid}/ns/net`, '--', ...env]];
      }
    }
  }
}

/** How a finished command counts in metrics: exit 0, another exit or signal, or killed at its timeout. */
export function commandResult(result: RunResult): CommandResult {
  if (result.timedOut) {
    return 'timeout';
  }
  return result.code === 0 ? 'success' : 'failure';
}

/** The pid whose namespaces nsenter joins: a number, or the oldest running iscsid. */
export async function resolveNsenterPid(target: number | 'iscsid', procRoot = '/proc'): Promise<number> {
  if (typeof target === 'number') {
    return target;
  }
  const entries = await readdir(procRoot);
  const pids = entries
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .sort((a, b) => a - b);
  for (const pid of pids) {
    const comm = await readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === target) {
      return pid;
    }
  }
  throw failedPrecondition(
    `no ${target} process found in ${procRoot}: is iscsid running on the host (hostPID needed)?`,
  );
}

function spawnOnce(file: string, argv: string[], command: string, options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timeoutMs = options.timeoutMs === undefined ? defaultTimeoutMs : options.timeoutMs;
    const timer =
      timeoutMs === null
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(child.pid, 'SIGTERM');
            killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), killGraceMs);
          }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (outLen < outputCap) {
        out.push(chunk);
        outLen += chunk.length;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errLen < outputCap) {
        err.push(chunk);
        errLen += chunk.length;
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      const kind: DriverErrorKind = e.code === 'ENOENT' ? 'FailedPrecondition' : 'Internal';
      const what = e.code === 'ENOENT' ? 'not found' : `could not be started (${e.code ?? e.message})`;
      reject(new DriverError(kind, `${command.split(' ')[0]}: ${file} ${what}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({
        command,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) {
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Version banners such as "resize2fs 1.47.0 (5-Feb-2023)" that e2fsprogs print before the error. */
const versionBanner = /^[\w.-]+ v?\d+(\.\d+)+ \([^)]*\)$/;

/** First informative line of stderr (or stdout when stderr is empty), secrets removed. */
export function firstErrorLine(result: RunResult, secrets?: readonly string[]): string {
  const text = result.stderr.trim() !== '' ? result.stderr : result.stdout;
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !versionBanner.test(l));
  return redactText(line ?? '(no output)', secrets);
}

/** Describes why a command failed: `"<cmd> exited <code>: <first stderr line>"`. */
export function describeFailure(result: RunResult, secrets?: readonly string[]): string {
  if (result.timedOut) {
    return `${result.command} timed out and was killed`;
  }
  if (result.code === 127) {
    return `${result.command}: command not found on the host (exit 127)`;
  }
  const status = result.code === null ? `was killed by ${result.signal}` : `exited ${result.code}`;
  return `${result.command} ${status}: ${firstErrorLine(result, secrets)}`;
}

/** A DriverError for a failed command; timeouts become DeadlineExceeded, missing tools FailedPrecondition. */
export function commandError(
  result: RunResult,
  kind: DriverErrorKind = 'Internal',
  context?: string,
  secrets?: readonly string[],
): DriverError {
  const effective: DriverErrorKind = result.timedOut
    ? 'DeadlineExceeded'
    : result.code === 127
      ? 'FailedPrecondition'
      : kind;
  const message = describeFailure(result, secrets);
  return new DriverError(effective, context ? `${context}: ${message}` : message);
}

/** Runs a command and throws `commandError` unless it exits with one of `okCodes` (default 0). */
export async function runChecked(
  runner: Runner,
  cmd: string,
  args: readonly string[],
  options: RunOptions & { okCodes?: readonly number[]; kind?: DriverErrorKind; context?: string } = {},
): Promise<RunResult> {
  const result = await runner.run(cmd, args, options);
  const ok = options.okCodes ?? [0];
  if (result.timedOut || result.code === null || !ok.includes(result.code)) {
    throw commandError(result, options.kind, options.context, options.secrets);
  }
  return result;
}
