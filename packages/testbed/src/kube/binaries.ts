// Where the Kubernetes programs live: the control plane, kubelet and its runtime (fakecri), and the
// kubernetes-csi sidecars, unpacked by `npm run setup` from ../shared/kube into .cache/kube/bin
// (OPENCSP_KUBE_BIN overrides the directory), plus Debian's etcd on the PATH.
import { access, constants } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';

import { repoRoot } from '../chart/helm.js';

export { repoRoot };

/** Every program of ../shared/kube the cluster and the opencsp pods run. */
export const kubePrograms = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'fakecri',
  'csi-provisioner',
  'csi-attacher',
  'csi-resizer',
  'csi-snapshotter',
  'snapshot-controller',
  'csi-node-driver-registrar',
  'livenessprobe',
] as const;
export type KubeProgram = (typeof kubePrograms)[number];

/** The directory of the unpacked programs. */
export function kubeBinDir(env: Record<string, string | undefined> = process.env): string {
  return env.OPENCSP_KUBE_BIN ?? join(repoRoot, '.cache/kube/bin');
}

/**
 * Programs derived from ../shared/kube's by setup (scripts/kube.mjs): fakecri with 64-character
 * sandbox and container ids (the shipped one panics at the first RunPodSandbox).
 */
export function kubeFixedDir(env: Record<string, string | undefined> = process.env): string {
  return env.OPENCSP_KUBE_FIXED ?? join(repoRoot, '.cache/kube/fixed');
}

const fixedPrograms: ReadonlySet<KubeProgram> = new Set(['fakecri']);

/** The snapshot CRDs of external-snapshotter, shipped beside the programs. */
export function snapshotCrdDir(env: Record<string, string | undefined> = process.env): string {
  return env.OPENCSP_KUBE_CRDS ?? join(resolve(repoRoot, env.OPENCSP_KUBE_DIST ?? '../shared/kube'), 'crds');
}

const executable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

async function onPath(program: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && (await executable(join(dir, program)))) {
      return join(dir, program);
    }
  }
  return undefined;
}

export interface KubeBinaries {
  dir: string;
  etcd: string;
  crds: string;
  path(program: KubeProgram): string;
}

/** Finds every program or throws one error that names what is missing and how to get it. */
export async function findKubeBinaries(): Promise<KubeBinaries> {
  const dir = kubeBinDir();
  const fixed = kubeFixedDir();
  const path = (program: KubeProgram) => join(fixedPrograms.has(program) ? fixed : dir, program);
  const problems: string[] = [];
  const missing: string[] = [];
  for (const program of kubePrograms) {
    if (!(await executable(path(program)))) {
      missing.push(program);
    }
  }
  if (missing.length > 0) {
    problems.push(
      `${missing.join(', ')} not in ${dir} (or ${fixed}): run "npm run setup" (it unpacks ../shared/kube; OPENCSP_KUBE_DIST points at another copy, OPENCSP_KUBE_BIN at unpacked programs)`,
    );
  }
  const etcd = await onPath('etcd');
  if (etcd === undefined) {
    problems.push('etcd is not installed: apt-get install etcd-server ("npm run setup" does it as root)');
  }
  const crds = snapshotCrdDir();
  if (!(await executable(crds))) {
    problems.push(`the snapshot CRDs are not in ${crds} (OPENCSP_KUBE_CRDS names another directory)`);
  }
  for (const tool of ['openssl', 'unshare', 'nsenter', 'setpriv', 'chroot']) {
    if ((await onPath(tool)) === undefined) {
      problems.push(`${tool} is not installed`);
    }
  }
  if (problems.length > 0 || etcd === undefined) {
    throw new Error(`the real Kubernetes suite cannot run: ${problems.join('; ')}`);
  }
  return { dir, etcd, crds, path };
}
