// Typed iscsiadm operations and the one place its exit codes are interpreted (open-iscsi
// include/iscsi_err.h). 15 (session exists) and 21 (nothing found) are success where the operation
// is idempotent; 6 (database failure, concurrent writers) is retried; everything else becomes a
// DriverError naming the command, the exit code and iscsiadm's own message. Writes to the node
// database (record create, update, delete) go through one queue per instance (a few at a time),
// and the node service holds one instance per host, so its concurrent stages never pile up on
// iscsiadm's database lock.

import { BoundedQueue } from '@opencsp/csp-spec/bounded-queue';
import { DriverError, type DriverErrorKind } from '../errors.js';
import type { Clock } from './clock.js';
import { type IscsiNodeRecord, parseNodes } from './iscsiadm-parse.js';
import { describeFailure, type Runner, type RunResult } from './runner.js';

/** One node-record setting; a secret value never reaches a log line or an error. */
export interface NodeSetting {
  readonly name: string;
  readonly value: string;
  readonly secret?: boolean;
}

export const iscsiExit = {
  idbm: 6,
  connectTimeout: 8,
  pduTimeout: 11,
  transportMissing: 12,
  sessionExists: 15,
  ipcFailure: 18,
  fatalLogin: 19,
  iscsidNotConnected: 20,
  noObjectsFound: 21,
  authFailed: 24,
  busy: 28,
  tryAgain: 29,
} as const;

const exitKinds: Record<number, DriverErrorKind> = {
  [iscsiExit.connectTimeout]: 'Unavailable',
  [iscsiExit.pduTimeout]: 'Unavailable',
  [iscsiExit.transportMissing]: 'FailedPrecondition',
  [iscsiExit.ipcFailure]: 'FailedPrecondition',
  [iscsiExit.fatalLogin]: 'FailedPrecondition',
  [iscsiExit.iscsidNotConnected]: 'FailedPrecondition',
  [iscsiExit.authFailed]: 'Unauthenticated',
  [iscsiExit.busy]: 'Unavailable',
  [iscsiExit.tryAgain]: 'Unavailable',
};

const exitHints: Record<number, string> = {
  [iscsiExit.connectTimeout]: 'the portal did not answer',
  [iscsiExit.transportMissing]: 'the iscsi_tcp kernel module is not loaded on the host',
  [iscsiExit.ipcFailure]: 'iscsid not running on the host',
  [iscsiExit.fatalLogin]: 'the target refused the login (is this initiator allowed on the target?)',
  [iscsiExit.iscsidNotConnected]: 'iscsid not running on the host',
  [iscsiExit.authFailed]: 'CHAP authentication failed; check chapUser/chapPassword in the node-stage secret',
};

/** The DriverError for a failed iscsiadm call. */
export function iscsiadmError(result: RunResult, secrets?: readonly string[]): DriverError {
  if (result.timedOut) {
    return new DriverError('DeadlineExceeded', describeFailure(result));
  }
  const code = result.code ?? -1;
  const hint = exitHints[code];
  const message = describeFailure(result, secrets);
  return new DriverError(exitKinds[code] ?? 'Internal', hint ? `${hint}: ${message}` : message);
}

export interface IscsiadmOptions {
  /** Timeout for quick database operations. */
  readonly timeoutMs: number;
  /** Timeout for login/logout (can wait out the target's replacement_timeout). */
  readonly loginTimeoutMs: number;
  /** Retries of "iSCSI database failure" (concurrent writers). */
  readonly dbRetries: number;
  readonly dbRetryDelayMs: number;
  /** Node-database writers (record create, update, delete) in flight at once. */
  readonly nodeDbConcurrency: number;
  /**
   * Timeout of a node-database writer. Long: each call walks every record on the node under the
   * lock file, and a writer killed while it holds that lock leaves it behind for every later call.
   */
  readonly nodeDbTimeoutMs: number;
}

export const defaultIscsiadmOptions: IscsiadmOptions = {
  timeoutMs: 30_000,
  loginTimeoutMs: 120_000,
  dbRetries: 3,
  dbRetryDelayMs: 500,
  nodeDbConcurrency: 4,
  nodeDbTimeoutMs: 120_000,
};

export class Iscsiadm {
  private readonly runner: Runner;
  private readonly clock: Clock;
  private readonly options: IscsiadmOptions;
  /** Node-database writers, `nodeDbConcurrency` at a time. */
  readonly nodeDb: BoundedQueue;

  constructor(runner: Runner, clock: Clock, options: Partial<IscsiadmOptions> = {}) {
    this.runner = runner;
    this.clock = clock;
    this.options = { ...defaultIscsiadmOptions, ...options };
    this.nodeDb = new BoundedQueue(this.options.nodeDbConcurrency);
  }

  private async exec(
    args: readonly string[],
    okCodes: readonly number[],
    opts: { timeoutMs?: number; secrets?: readonly string[]; redactArgs?: readonly number[] } = {},
  ): Promise<RunResult> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.runner.run('iscsiadm', args, {
        timeoutMs: opts.timeoutMs ?? this.options.timeoutMs,
        secrets: opts.secrets,
        redactArgs: opts.redactArgs,
      });
      if (!result.timedOut && result.code !== null && okCodes.includes(result.code)) {
        return result;
      }
      if (result.code === iscsiExit.idbm && attempt < this.options.dbRetries) {
        await this.clock.sleep(this.options.dbRetryDelayMs);
        continue;
      }
      throw iscsiadmError(result, opts.secrets);
    }
  }

  /** Node records (`-m node`); none → []. */
  async nodes(): Promise<IscsiNodeRecord[]> {
    const result = await this.exec(['-m', 'node'], [0, iscsiExit.noObjectsFound]);
    return result.code === 0 ? parseNodes(result.stdout) : [];
  }

  /** Creates the node record for one target portal (an existing record is kept). */
  async createNode(target: string, portal: string): Promise<void> {
    await this.nodeDb.run(() =>
      this.exec(['-m', 'node', '-T', target, '-p', portal, '-o', 'new'], [0, iscsiExit.sessionExists], {
        timeoutMs: this.options.nodeDbTimeoutMs,
      }),
    );
  }

  /** Sets several node settings in one iscsiadm call (repeated `-n NAME -v VALUE`, open-iscsi 2.0.873+). */
  async configureNode(target: string, portal: string, settings: readonly NodeSetting[]): Promise<void> {
    const args = ['-m', 'node', '-T', target, '-p', portal, '-o', 'update'];
    const secrets: string[] = [];
    const redactArgs: number[] = [];
    for (const setting of settings) {
      args.push('-n', setting.name, '-v', setting.value);
      if (setting.secret) {
        secrets.push(setting.value);
        redactArgs.push(args.length - 1);
      }
    }
    const timeoutMs = this.options.nodeDbTimeoutMs;
    await this.nodeDb.run(() =>
      this.exec(args, [0], secrets.length > 0 ? { secrets, redactArgs, timeoutMs } : { timeoutMs }),
    );
  }

  /** Sets one node setting; `secret` hides the value in every log line and error. */
  async updateNode(target: string, portal: string, name: string, value: string, secret = false): Promise<void> {
    await this.configureNode(target, portal, [{ name, value, secret }]);
  }

  /** Logs in; an existing session (15) is success. */
  async login(target: string, portal: string): Promise<void> {
    await this.exec(['-m', 'node', '-T', target, '-p', portal, '--login'], [0, iscsiExit.sessionExists], {
      timeoutMs: this.options.loginTimeoutMs,
    });
  }

  /** Logs out; no matching session (21) is success. */
  async logout(target: string, portal: string): Promise<void> {
    await this.exec(['-m', 'node', '-T', target, '-p', portal, '--logout'], [0, iscsiExit.noObjectsFound], {
      timeoutMs: this.options.loginTimeoutMs,
    });
  }

  /** Deletes the node record; no record (21) is success. */
  async deleteNode(target: string, portal: string): Promise<void> {
    await this.nodeDb.run(() =>
      this.exec(['-m', 'node', '-T', target, '-p', portal, '-o', 'delete'], [0, iscsiExit.noObjectsFound], {
        timeoutMs: this.options.nodeDbTimeoutMs,
      }),
    );
  }

  /** Rescans the LUNs of one session (never the whole host). */
  async rescanSession(sid: number): Promise<void> {
    await this.exec(['-m', 'session', '-r', String(sid), '--rescan'], [0]);
  }
}
