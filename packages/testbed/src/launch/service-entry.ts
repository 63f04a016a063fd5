// Which build of our services (the driver, the CSPs) the suites run as processes: the bundle the
// images ship (`packages/<service>/bundle/main.js`, made by `pnpm build` with scripts/bundle.mjs),
// so that csi-sanity, the kube scenarios, the VM suite and the benchmarks' children test what runs
// in a cluster. OPENCSP_SERVICE_ENTRY=dist runs tsc's output instead (`dist/main.js`, one file per
// module, with its node_modules), for development and for A/B measurements.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The packages that run as services. */
export type ServicePackage = 'csi-driver' | 'csp-truenas' | 'csp-synology';

export type ServiceEntryKind = 'bundle' | 'dist';

/** The repository's root (this module is packages/testbed/{src,dist}/launch/service-entry.{ts,js}). */
const repoRoot = resolve(import.meta.dirname, '../../../..');

/** OPENCSP_SERVICE_ENTRY: `bundle` (the default) or `dist`. */
export function serviceEntryKind(env: Record<string, string | undefined> = process.env): ServiceEntryKind {
  const value = env.OPENCSP_SERVICE_ENTRY ?? 'bundle';
  if (value !== 'bundle' && value !== 'dist') {
    throw new Error(`OPENCSP_SERVICE_ENTRY must be "bundle" or "dist", not ${JSON.stringify(value)}`);
  }
  return value;
}

/** The directory a service runs from: `packages/<service>/bundle` or `packages/<service>/dist`. */
export function serviceDir(pkg: ServicePackage, kind = serviceEntryKind()): string {
  return resolve(repoRoot, 'packages', pkg, kind);
}

/** The entry point of a service (`.../main.js`); throws when it has not been built. */
export function serviceScript(pkg: ServicePackage, kind = serviceEntryKind()): string {
  const path = resolve(serviceDir(pkg, kind), 'main.js');
  if (!existsSync(path)) {
    throw new Error(`${path} does not exist: run "pnpm build" first`);
  }
  return path;
}
