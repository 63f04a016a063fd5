// What a container runtime does for one container, done with mount(8), chroot and setpriv so
// that a pod template's containers run as plain processes with their own view of the files:
// a root directory (tmpfs) holding the host's system directories (read-only when the container
// asks for a read-only root filesystem), the pod's volumes bound where the container mounts them
// with the propagation it asks for (Bidirectional: mounts reach the node, as kubelet needs of a
// CSI node plugin), then the program as the container's user with its capabilities, environment
// and working directory. The script runs in a fresh mount namespace cloned from the node's.

export type Propagation = 'None' | 'HostToContainer' | 'Bidirectional';

export interface ContainerMount {
  /** Path in the node's namespace. */
  source: string;
  /** Path inside the container. */
  target: string;
  /** Whether the source is a file (a file is bound onto a file). */
  file?: boolean;
  propagation: Propagation;
  readOnly: boolean;
}

export interface ContainerPlan {
  /** The container's root directory (under the node namespace's private roots tmpfs). */
  root: string;
  /** Host directories bound into the root as they are (the "image"): /usr, /etc, /proc, ... */
  systemDirs: string[];
  /** Symbolic links at the root (merged-/usr systems: /bin → usr/bin). */
  symlinks: [string, string][];
  mounts: ContainerMount[];
  readOnlyRoot: boolean;
  /** Run as this user and group (undefined: root). */
  user?: { uid: number; gid: number };
  /** Drop every capability and set no_new_privs (restricted containers). */
  restricted: boolean;
  workingDir: string;
  env: Record<string, string>;
  command: string[];
}

/** Single-quotes a word for sh. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

const q = shellQuote;

function propagationCommand(target: string, propagation: Propagation): string {
  switch (propagation) {
    case 'Bidirectional':
      return `mount --make-rshared ${q(target)}`;
    case 'HostToContainer':
      return `mount --make-rslave ${q(target)}`;
    default:
      return `mount --make-rprivate ${q(target)}`;
  }
}

function checkPath(path: string, what: string): void {
  if (!path.startsWith('/') || path.split('/').includes('..')) {
    throw new Error(`${what} ${JSON.stringify(path)} must be an absolute path without ..`);
  }
}

/** The sh script that builds the container's root and execs its program. */
export function containerScript(plan: ContainerPlan): string {
  checkPath(plan.root, 'container root');
  const root = plan.root;
  const at = (path: string) => `${root}${path === '/' ? '' : path}`;
  const lines = ['set -eu', `mkdir -p ${q(root)}`, `mount -t tmpfs -o mode=0755 opencsp-container ${q(root)}`];
  for (const dir of plan.systemDirs) {
    checkPath(dir, 'system directory');
    lines.push(`mkdir -p ${q(at(dir))}`, `mount --rbind ${q(dir)} ${q(at(dir))}`, `mount --make-rslave ${q(at(dir))}`);
  }
  for (const [link, target] of plan.symlinks) {
    checkPath(link, 'symlink');
    lines.push(`ln -s ${q(target)} ${q(at(link))}`);
  }
  const mounts = [...plan.mounts].sort((a, b) => a.target.split('/').length - b.target.split('/').length);
  for (const m of mounts) {
    checkPath(m.source, 'mount source');
    checkPath(m.target, 'mount target');
    const target = at(m.target);
    lines.push(
      // A file target that exists is the image's (the host's /etc/hosts): bound over, never touched.
      m.file
        ? `mkdir -p "$(dirname ${q(target)})" && { [ -e ${q(target)} ] || touch ${q(target)}; }`
        : `mkdir -p ${q(target)}`,
      `mount --rbind ${q(m.source)} ${q(target)}`,
      propagationCommand(target, m.propagation),
    );
    if (m.readOnly) {
      lines.push(`mount -o remount,bind,ro ${q(target)}`);
    }
  }
  if (plan.readOnlyRoot) {
    for (const dir of plan.systemDirs.filter((d) => !['/proc', '/sys', '/dev'].includes(d))) {
      lines.push(`mount -o remount,bind,ro ${q(at(dir))}`);
    }
    lines.push(`mount -o remount,ro ${q(root)}`);
  }
  const setpriv = ['setpriv'];
  if (plan.user) {
    setpriv.push(`--reuid=${plan.user.uid}`, `--regid=${plan.user.gid}`, '--clear-groups');
  }
  if (plan.restricted) {
    setpriv.push('--inh-caps=-all', '--bounding-set=-all', '--no-new-privs');
  }
  checkPath(plan.workingDir, 'working directory');
  const env = Object.entries(plan.env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) {
      throw new Error(`environment variable name ${JSON.stringify(k)} is not valid`);
    }
    return `${k}=${v}`;
  });
  const exec = ['chroot', root, ...setpriv, '--', 'env', '-i', '-C', plan.workingDir, ...env, ...plan.command];
  lines.push(`exec ${exec.map(q).join(' ')}`);
  return lines.join('\n');
}
