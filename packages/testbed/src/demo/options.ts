// Command-line options of `pnpm demo` (packages/testbed/src/demo/main.ts).
import { parseArgs } from 'node:util';

export type DemoFs = 'ext4' | 'xfs' | 'btrfs';
/** `auto`: the node part runs when the machine allows it; `require`: fail when it cannot; `skip`: controller only. */
export type NodePart = 'auto' | 'require' | 'skip';
export type DemoProtocol = 'iscsi' | 'nvmetcp';

export interface DemoOptions {
  backend: 'truenas';
  fs: DemoFs;
  /** The StorageClass's accessProtocol: how the node attaches the volume. */
  protocol: DemoProtocol;
  /** The PVC's requested size in bytes; the demo later expands it to twice this. */
  size: number;
  /** Pause before the tear down (until Ctrl-C or Enter) so the volumes can be looked at. */
  keep: boolean;
  /** pino level of the drivers and the CSP (their logs go to stdout). */
  logLevel: string;
  node: NodePart;
  /** Where to write the step results as JSON. */
  json: string | undefined;
  help: boolean;
}

export const defaultDemoOptions: DemoOptions = {
  backend: 'truenas',
  fs: 'xfs',
  protocol: 'iscsi',
  size: 1024 ** 3,
  keep: false,
  logLevel: 'silent',
  node: 'auto',
  json: undefined,
  help: false,
};

export const USAGE = `usage: pnpm demo [options]   (or: node packages/testbed/dist/demo/main.js [options])

Runs the whole opencsp stack on one machine, on 127.0.0.1 and free ports: a simulated TrueNAS,
csp-truenas, the CSI driver (controller and node, two sockets) and a harness that plays the
Kubernetes sidecars and kubelet. A PVC goes through its life: provision, attach, stage, publish,
write, stats, snapshot, restore, clone, expand, modify (compression, ControllerModifyVolume), tear
down; then the leak audit must be empty.
The node part (loop devices, mkfs, mount) needs root on Linux; elsewhere it is skipped and says why.

options:
  --backend NAME      the array behind the CSP: truenas (the only one whose simulator keeps LUN data)
  --fs TYPE           ext4, xfs or btrfs (default xfs: it grows online on every host)
  --protocol NAME     iscsi (default) or nvmetcp: the StorageClass's accessProtocol; with nvmetcp
                      the CSP makes an NVMe-oF subsystem and the node "connects" to both ports
  --size QUANTITY     the PVC's size, e.g. 512Mi, 1Gi (default 1Gi); it is expanded to twice that
  --node MODE         auto (default): run the node part when the machine allows it;
                      require: fail when it cannot; skip: controller part only
  --keep              pause before the tear down so you can look at the volumes (Ctrl-C or Enter resumes)
  --log-level LEVEL   driver and CSP logs: silent (default), error, warn, info, debug, trace
  --json FILE         also write the step results to FILE as JSON
  --help              this text`;

export class UsageError extends Error {
  override name = 'UsageError';
}

const units: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** The smallest device each mkfs accepts here (mkfs.xfs refuses below 300 MiB, mkfs.btrfs below ~109 MiB). */
export const minimumSize: Record<DemoFs, number> = {
  ext4: 64 * 1024 ** 2,
  xfs: 300 * 1024 ** 2,
  btrfs: 128 * 1024 ** 2,
};

/** A Kubernetes-style binary quantity (`512Mi`, `1Gi`, or plain bytes) in bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(text.trim());
  const bytes = match ? Number(match[1]) * (units[match[2] ?? ''] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new UsageError(`--size ${JSON.stringify(text)}: expected a quantity such as 512Mi or 1Gi`);
  }
  return bytes;
}

const levels = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function parseDemoArgs(argv: string[]): DemoOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.backend !== undefined && values.backend !== 'truenas') {
    throw new UsageError(
      `--backend ${JSON.stringify(values.backend)}: only truenas is available (its simulator keeps the LUN data a node mounts)`,
    );
  }
  const fs = oneOf('fs', values.fs, ['ext4', 'xfs', 'btrfs'] as const, defaultDemoOptions.fs);
  const size = values.size === undefined ? defaultDemoOptions.size : parseSize(values.size);
  const minimum = minimumSize[fs];
  if (size < minimum) {
    throw new UsageError(`--size ${values.size}: ${fs} needs at least ${minimum / 1024 ** 2}Mi`);
  }
  if (values.json === '') {
    throw new UsageError('--json needs a file name');
  }
  return {
    backend: 'truenas',
    fs,
    protocol: oneOf('protocol', values.protocol, ['iscsi', 'nvmetcp'] as const, defaultDemoOptions.protocol),
    size,
    keep: values.keep ?? false,
    logLevel: oneOf('log-level', values['log-level'], levels, defaultDemoOptions.logLevel),
    node: oneOf('node', values.node, ['auto', 'require', 'skip'] as const, defaultDemoOptions.node),
    json: values.json,
    help: values.help ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      backend: { type: 'string' },
      fs: { type: 'string' },
      protocol: { type: 'string' },
      size: { type: 'string' },
      node: { type: 'string' },
      keep: { type: 'boolean' },
      'log-level': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
