// The real Kubernetes programs for `pnpm e2e:kube`: unpacked from ../shared/kube (or
// OPENCSP_KUBE_DIST) into .cache/kube/bin (or OPENCSP_KUBE_BIN) with its own `unpack` script,
// which checks every program's SHA-256. Then one derived program: ../shared/kube's fakecri makes
// sandbox and container ids with fmt.Sprintf("%s%060d", prefix, n)[:64], a 62-character string
// cut at 64, so it panics at the first RunPodSandbox and no pod ever gets past its volumes.
// `fakecri` in .cache/kube/fixed is the same program with that format string made "%s%062d"
// (one byte; the ids become the 64 characters the code expects).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function kubePaths(root, env = process.env) {
  const dist = resolve(root, env.OPENCSP_KUBE_DIST ?? '../shared/kube');
  const bin = env.OPENCSP_KUBE_BIN ?? join(root, '.cache/kube/bin');
  const fixed = env.OPENCSP_KUBE_FIXED ?? join(root, '.cache/kube/fixed');
  return { dist, bin, fixed };
}

/** fakecri with 64-character ids; throws when the binary is not the one the fix was made for. */
export function fixFakecri(bin, fixed) {
  const source = readFileSync(join(bin, 'fakecri'));
  const broken = Buffer.from('%s%060d');
  const at = source.indexOf(broken);
  if (at < 0 || source.indexOf(broken, at + 1) >= 0) {
    throw new Error(
      `fakecri in ${bin}: the id format string is not there exactly once; rebuild the fix for this version`,
    );
  }
  const patched = Buffer.from(source);
  patched.write('%s%062d', at, 'latin1');
  mkdirSync(fixed, { recursive: true });
  const out = join(fixed, 'fakecri');
  writeFileSync(`${out}.part`, patched, { mode: 0o755 });
  renameSync(`${out}.part`, out);
  return out;
}

/**
 * Unpacks the programs. Returns a message when the source is absent (the e2e:kube suite then
 * says the same); a failed unpack or fix throws.
 */
export function ensureKubePrograms(root, env = process.env) {
  const { dist, bin, fixed } = kubePaths(root, env);
  if (!existsSync(join(dist, 'unpack'))) {
    return `no Kubernetes programs at ${dist} (set OPENCSP_KUBE_DIST to a copy of shared/kube): pnpm e2e:kube cannot run`;
  }
  const result = spawnSync('bash', [join(dist, 'unpack'), bin], { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`${join(dist, 'unpack')} ${bin} failed (exit ${result.status ?? result.signal})`);
  }
  fixFakecri(bin, fixed);
  return undefined;
}
