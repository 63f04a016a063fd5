// Typed nvme-cli operations (connect, disconnect, ns-rescan) and the one place their failures are
// interpreted. nvme-cli reports the kernel's errno from the write to /dev/nvme-fabrics; those
// decide the gRPC code (a refused host or failed DH-CHAP is not a transient error, a refused TCP
// connection is). "already connected" (EALREADY, 114) is success for an idempotent connect.
// DH-CHAP secrets travel in argv (nvme-cli has no other way): the runner redacts them everywhere.
import { DriverError, type DriverErrorKind } from '../errors.js';
import { describeFailure, type Runner, type RunResult } from './runner.js';

export const nvmeExit = { alreadyConnected: 114 } as const;

export interface NvmeConnectRequest {
  readonly traddr: string;
  readonly trsvcid: number;
  readonly nqn: string;
  readonly hostnqn: string;
  readonly hostid?: string;
  /** Seconds the kernel keeps reconnecting a lost path before it gives up on the controller. */
  readonly ctrlLossTmo: number;
  /** Seconds between reconnect attempts of a lost path. */
  readonly reconnectDelay?: number;
  readonly dhchapSecret?: string;
  readonly dhchapCtrlSecret?: string;
}

export interface NvmeCliOptions {
  readonly timeoutMs: number;
  /** A connect waits for the TCP handshake, the fabrics connect and DH-CHAP. */
  readonly connectTimeoutMs: number;
}

export const defaultNvmeCliOptions: NvmeCliOptions = { timeoutMs: 30_000, connectTimeoutMs: 60_000 };

/** The controller a successful connect names (`connecting to device: nvme3`, or `-o json`). */
export function parseConnectOutput(stdout: string): string | undefined {
  const text = stdout.trim();
  if (text.startsWith('{')) {
    try {
      const device = (JSON.parse(text) as { device?: unknown }).device;
      return typeof device === 'string' && /^nvme\d+$/.test(device) ? device : undefined;
    } catch {
      return undefined;
    }
  }
  return /(?:connecting to device|device):\s*(nvme\d+)\b/.exec(text)?.[1];
}

/**
 * The error lines nvme-cli printed (it quotes the kernel's errno, e.g. "Connection refused"), up
 * to its usage text: the option list mentions "authentication" and must not be read as an error.
 */
function errnoText(result: RunResult): string {
  const lines: string[] = [];
  for (const line of `${result.stderr}\n${result.stdout}`.split('\n')) {
    if (/^\s*usage:/i.test(line) || /^\s+-/.test(line)) {
      break;
    }
    if (line.trim() !== '') {
      lines.push(line.trim());
    }
  }
  return lines.join('\n');
}

const failureKinds: Array<[RegExp, DriverErrorKind, string]> = [
  [/already connected/i, 'Internal', ''],
  [
    /unrecognized option|invalid option|unknown option/i,
    'FailedPrecondition',
    'nvme-cli on the host does not know an option the node passes (nvme-cli 2.x is needed)',
  ],
  [
    /Connection refused|timed out|No route to host|Network is unreachable|Host is down/i,
    'Unavailable',
    'the port did not answer',
  ],
  [
    /Key was rejected|Permission denied|Operation not permitted|authentication/i,
    'Unauthenticated',
    'DH-CHAP failed: check dhchapKey/dhchapCtrlKey in the node-stage secret against the host registered on the array',
  ],
  [
    /Input\/output error|invalid host|not allowed/i,
    'FailedPrecondition',
    'the target refused the connection (is this host NQN allowed on the subsystem, and is it offered on that port?)',
  ],
  [
    /nvme-fabrics.*(No such file|cannot open)|Failed to open \/dev\/nvme-fabrics/i,
    'FailedPrecondition',
    'the nvme_tcp kernel module is not loaded on the host (modprobe nvme-tcp)',
  ],
  [/Invalid argument/i, 'FailedPrecondition', 'the kernel refused the connect options'],
];

/** The DriverError for a failed nvme-cli call. */
export function nvmeError(result: RunResult, secrets?: readonly string[]): DriverError {
  const message = describeFailure(result, secrets);
  if (result.timedOut) {
    return new DriverError('DeadlineExceeded', message);
  }
  if (result.code === 127) {
    return new DriverError('FailedPrecondition', `nvme-cli is not installed on the host: ${message}`);
  }
  const text = errnoText(result);
  const match = failureKinds.find(([pattern]) => pattern.test(text));
  return match && match[2] !== ''
    ? new DriverError(match[1], `${match[2]}: ${message}`)
    : new DriverError('Internal', message);
}

/** Whether a failed connect only says the controller exists already. */
export function alreadyConnected(result: RunResult): boolean {
  return result.code === nvmeExit.alreadyConnected || /already connected/i.test(errnoText(result));
}

export class NvmeCli {
  private readonly runner: Runner;
  private readonly options: NvmeCliOptions;

  constructor(runner: Runner, options: Partial<NvmeCliOptions> = {}) {
    this.runner = runner;
    this.options = { ...defaultNvmeCliOptions, ...options };
  }

  /** Connects one path; returns the controller name when nvme-cli reports it (undefined: already there). */
  async connect(req: NvmeConnectRequest): Promise<string | undefined> {
    const args = [
      'connect',
      '--transport=tcp',
      `--traddr=${req.traddr}`,
      `--trsvcid=${req.trsvcid}`,
      `--nqn=${req.nqn}`,
      `--hostnqn=${req.hostnqn}`,
      ...(req.hostid ? [`--hostid=${req.hostid}`] : []),
      `--ctrl-loss-tmo=${req.ctrlLossTmo}`,
      ...(req.reconnectDelay !== undefined ? [`--reconnect-delay=${req.reconnectDelay}`] : []),
      ...(req.dhchapSecret ? [`--dhchap-secret=${req.dhchapSecret}`] : []),
      ...(req.dhchapCtrlSecret ? [`--dhchap-ctrl-secret=${req.dhchapCtrlSecret}`] : []),
    ];
    const secrets = [req.dhchapSecret, req.dhchapCtrlSecret].filter((s): s is string => Boolean(s));
    const result = await this.runner.run('nvme', args, { timeoutMs: this.options.connectTimeoutMs, secrets });
    if (result.code === 0 && !result.timedOut) {
      return parseConnectOutput(result.stdout);
    }
    if (!result.timedOut && alreadyConnected(result)) {
      return undefined;
    }
    throw nvmeError(result, secrets);
  }

  /** Deletes one controller (`nvme disconnect -d nvmeN`); a controller already gone is success. */
  async disconnect(controller: string): Promise<void> {
    const result = await this.runner.run('nvme', ['disconnect', `--device=${controller}`], {
      timeoutMs: this.options.timeoutMs,
    });
    if (result.code === 0 && !result.timedOut) {
      return;
    }
    if (!result.timedOut && /No such|not found|does not exist/i.test(errnoText(result))) {
      return;
    }
    throw nvmeError(result);
  }

  /** Makes one controller re-read its namespaces (sizes after an expand). */
  async nsRescan(controller: string): Promise<void> {
    const result = await this.runner.run('nvme', ['ns-rescan', `/dev/${controller}`], {
      timeoutMs: this.options.timeoutMs,
    });
    if (result.code !== 0 || result.timedOut) {
      throw nvmeError(result);
    }
  }
}
