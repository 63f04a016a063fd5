// Which Node.js runs our services (the driver, the CSPs, the simulators) where a suite starts them
// as processes for the upstream suites (pnpm sanity, pnpm e2e:kube, the VM suite, the benchmarks'
// children): the runtime the images ship (build/*.Dockerfile), pinned in scripts/packed-tools.mjs
// and fetched by `npm run setup`, so that the suites test what runs in a cluster. The vitest
// suites stay on the machine's Node, so both runtimes are covered.
//
// OPENCSP_SERVICE_NODE names another node program (it must run). Without the pinned runtime the
// services run on this process's Node with a one-line notice; with CI set that is an error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { packedToolPath, packedTools } from '../../../../scripts/packed-tools.mjs';

/** The repository's root (this module is packages/testbed/{src,dist}/launch/service-node.{ts,js}). */
const repoRoot = resolve(import.meta.dirname, '../../../..');

export interface ServiceNode {
  /** The node program. */
  path: string;
  /** What `node --version` printed, e.g. `v24.22.3`. */
  version: string;
  /** `pinned`: the images' runtime; `override`: OPENCSP_SERVICE_NODE; `current`: this process's Node. */
  source: 'pinned' | 'override' | 'current';
}

export interface ResolveContext {
  env: Record<string, string | undefined>;
  root: string;
  /** This process's node program. */
  execPath: string;
  exists(path: string): boolean;
  /** `<path> --version`, or an Error saying why it did not run. */
  versionOf(path: string): string | Error;
}

/** The version the images ship (build/*.Dockerfile's base images). */
export const imageNodeVersion = packedTools.node.version;

function runVersion(path: string): string | Error {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) {
    return result.error;
  }
  if (result.status !== 0) {
    return new Error(`exit ${result.status ?? result.signal}: ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

function versionOrThrow(ctx: ResolveContext, path: string, what: string): string {
  const version = ctx.versionOf(path);
  if (version instanceof Error) {
    throw new Error(`${what} ${path} does not run (${version.message})`);
  }
  return version;
}

/** Resolves the services' Node; throws when it cannot (a CI run without the pinned runtime). */
export function resolveServiceNode(ctx: ResolveContext): ServiceNode {
  const override = ctx.env.OPENCSP_SERVICE_NODE;
  if (override !== undefined && override !== '') {
    return { path: override, version: versionOrThrow(ctx, override, 'OPENCSP_SERVICE_NODE'), source: 'override' };
  }
  const pinned = packedToolPath(ctx.root, 'node', ctx.env);
  if (ctx.exists(pinned)) {
    const version = versionOrThrow(ctx, pinned, `the images' Node.js`);
    if (version !== `v${imageNodeVersion}`) {
      throw new Error(`${pinned} is Node ${version}, not the images' v${imageNodeVersion}: run npm run setup`);
    }
    return { path: pinned, version, source: 'pinned' };
  }
  if (ctx.env.CI) {
    throw new Error(
      `the images' Node.js ${imageNodeVersion} is missing (${pinned}): run npm run setup, or set OPENCSP_SERVICE_NODE`,
    );
  }
  return { path: ctx.execPath, version: versionOrThrow(ctx, ctx.execPath, 'node'), source: 'current' };
}

/** One line for logs and reports: which Node ran the services. */
export function describeServiceNode(node: ServiceNode): string {
  switch (node.source) {
    case 'pinned':
      return `services on Node ${node.version}, the images' runtime (${node.path})`;
    case 'override':
      return `services on Node ${node.version} from OPENCSP_SERVICE_NODE (${node.path})`;
    case 'current':
      return `services on this machine's Node ${node.version} (${node.path}), NOT the images' ${imageNodeVersion}: run npm run setup to fetch it`;
  }
}

let resolved: ServiceNode | undefined;

/**
 * The services' Node for this process, resolved once; the first call prints a notice on stderr
 * when it is not the images' runtime.
 */
export function serviceNode(): ServiceNode {
  if (resolved === undefined) {
    resolved = resolveServiceNode({
      env: process.env,
      root: repoRoot,
      execPath: process.execPath,
      exists: existsSync,
      versionOf: runVersion,
    });
    if (resolved.source === 'current') {
      process.stderr.write(`notice: ${describeServiceNode(resolved)}\n`);
    }
  }
  return resolved;
}
