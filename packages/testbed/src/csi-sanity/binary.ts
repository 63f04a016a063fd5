// Where the csi-sanity binary is: $OPENCSP_UPSTREAM_BIN/csi-sanity, else ../shared/bin/csi-sanity
// next to the repository (how these machines ship the upstream tools; on a machine with internet
// a user builds or downloads kubernetes-csi/csi-test's csi-sanity and points the variable at it).
import { access, constants } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this module is packages/testbed/{src,dist}/csi-sanity/binary.{ts,js}. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export function upstreamBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPENCSP_UPSTREAM_BIN || resolve(repoRoot, '..', 'shared', 'bin');
}

/** The binary's path, or undefined when it is not there (or not executable). */
export async function findCsiSanity(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const path = join(upstreamBinDir(env), 'csi-sanity');
  try {
    await access(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}
