// Command-line options of `pnpm e2e:vm` (packages/testbed/src/vm/main.ts).
import { parseArgs } from 'node:util';
import type { ScenarioSpec } from './scenario-run.js';

export interface VmOptions {
  rebuild: boolean;
  buildOnly: boolean;
  runs: ScenarioSpec[];
  /** Limit per VM run; undefined: the run kind's default (timeoutFor). */
  timeoutSeconds: number | undefined;
  cacheDir: string | undefined;
  verbose: boolean;
  /** Write a vitest-style JSON report (counts per VM run) to this file. */
  report: string | undefined;
  help: boolean;
}

export const DEFAULT_ENTRY = 'packages/testbed/dist/vm/guest/main.js';
export const DEFAULT_RUNS = ['csi:mutual', 'csi:oneway', 'shell:oneway', 'sanity:mutual', 'nvme:plain', 'nvme:dhchap'];

/**
 * Default limits per VM run: a scenario run takes 1 to 2 minutes; the sanity run 15 to 30 on an
 * idle 2-core host, and twice that when other jobs share it.
 */
export const DEFAULT_TIMEOUT_SECONDS = { scenario: 600, sanity: 4800, stagebench: 1800 };

export function timeoutFor(options: VmOptions, spec: ScenarioSpec): number {
  const byKind = spec.ops === 'sanity' || spec.ops === 'stagebench' ? spec.ops : 'scenario';
  return options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[byKind];
}

export const USAGE = `usage: pnpm e2e:vm [options]   (or: node packages/testbed/dist/vm/main.js [options])

Boots a Debian VM under QEMU (TCG) and runs the real-kernel node scenario: LIO target on two
portals, iscsiadm login with CHAP, dm-multipath, mkfs, mount, I/O, path failure, online expand,
unstage, no leftovers. The sanity run starts the whole stack in the VM (TrueNAS simulator served
by LIO, csp-truenas, the driver) and runs csi-sanity's node specs against it. Builds and caches
the VM image on first use.

options:
  --run OPS:CHAP     a VM run; OPS csi (the driver's NodeService), shell|js (reference
                     implementations calling the tools directly) or sanity (csi-sanity, mount
                     and block, against the whole stack); CHAP oneway|mutual.
                     nvme:plain|dhchap: NVMe/TCP against the guest kernel's nvmet target,
                     the driver's NodeService, DH-CHAP off or bidirectional (dhchap
                     boots the image's bookworm-backports kernel: 6.1 lacks NVMe auth).
                     stagebench:COUNT: the NodeStage benchmark (pnpm bench --only vmstage):
                     one stage alone, then COUNT at once; never a default run.
                     Repeatable. Default: ${DEFAULT_RUNS.join(', ')}
  --entry PATH       JS entry for OPS=js, relative to the repo root (default ${DEFAULT_ENTRY})
  --timeout SECONDS  limit per VM run (default ${DEFAULT_TIMEOUT_SECONDS.scenario}, sanity runs ${DEFAULT_TIMEOUT_SECONDS.sanity},
                     stagebench ${DEFAULT_TIMEOUT_SECONDS.stagebench})
  --rebuild          build the image again even if the cache has it
  --build-only       build (or check) the image, boot nothing
  --cache-dir DIR    image and log cache (default <repo>/.cache/vm)
  --verbose          print the whole guest console
  --report FILE      write the run results as JSON (numPassedTests/numFailedTests, as vitest's);
                     sanity runs also put csi-sanity's JUnit reports beside it
                     (vm-sanity-<chap>-<access>.xml)
csi-sanity is ../shared/bin/csi-sanity from the repository, or $OPENCSP_UPSTREAM_BIN/csi-sanity.
  --help             this text`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseRun(text: string, entry: string): ScenarioSpec {
  const [ops, chap, extra] = text.split(':');
  if (ops === 'stagebench') {
    const count = Number(chap);
    if (extra !== undefined || !/^\d+$/.test(chap ?? '') || count < 1 || count > 64) {
      throw new UsageError(`--run ${JSON.stringify(text)}: expected stagebench:COUNT (1 to 64 volumes at once)`);
    }
    return { ops, chap: 'oneway', entry, count };
  }
  if (ops === 'nvme') {
    if (extra !== undefined || (chap !== 'plain' && chap !== 'dhchap')) {
      throw new UsageError(`--run ${JSON.stringify(text)}: expected nvme:plain|dhchap`);
    }
    // bookworm's 6.1 has no NVMe in-band authentication: DH-CHAP boots the extra (backports) kernel.
    return chap === 'dhchap' ? { ops, chap, entry, kernel: 'extra' } : { ops, chap, entry };
  }
  if (
    extra !== undefined ||
    (ops !== 'shell' && ops !== 'js' && ops !== 'csi' && ops !== 'sanity') ||
    (chap !== 'oneway' && chap !== 'mutual')
  ) {
    throw new UsageError(`--run ${JSON.stringify(text)}: expected csi|shell|js|sanity:oneway|mutual`);
  }
  return { ops, chap, entry };
}

export function parseOptions(argv: string[]): VmOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const entry = values.entry ?? DEFAULT_ENTRY;
  if (!/^[A-Za-z0-9._/-]+\.m?js$/.test(entry) || entry.split('/').includes('..')) {
    throw new UsageError(`--entry ${JSON.stringify(entry)}: expected a .js path inside the repo`);
  }
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSeconds !== undefined && (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 30)) {
    throw new UsageError(`--timeout ${JSON.stringify(values.timeout)}: expected a number of seconds, at least 30`);
  }
  return {
    rebuild: values.rebuild ?? false,
    buildOnly: values['build-only'] ?? false,
    runs: (values.run ?? DEFAULT_RUNS).map((r) => parseRun(r, entry)),
    timeoutSeconds,
    cacheDir: values['cache-dir'],
    verbose: values.verbose ?? false,
    report: values.report,
    help: values.help ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      run: { type: 'string', multiple: true },
      entry: { type: 'string' },
      report: { type: 'string' },
      timeout: { type: 'string' },
      rebuild: { type: 'boolean' },
      'build-only': { type: 'boolean' },
      'cache-dir': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
}
