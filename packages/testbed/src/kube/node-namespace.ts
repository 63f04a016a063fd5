// The node's mount namespace: everything kubelet and the node's containers mount stays in it and
// never reaches the host's. A holder process (sleep) keeps it alive; kubelet, fakecri and every
// container join it with nsenter. Inside:
// - `/` is rshared, so mounts made through a container's bind of a host path (Bidirectional)
//   reach kubelet, as on a real node;
// - /var/lib, /var/log and /etc are overlays whose changes land in the run directory: kubelet
//   creates /var/lib/kubelet/device-plugins, /var/log/pods and /var/log/containers whatever
//   --root-dir says, the chart's defaults (/var/lib/kubelet, /var/lib/opencsp/node) work
//   unchanged, and the node has its own /etc/iscsi/initiatorname.iscsi;
// - a private, unbindable tmpfs holds the containers' root directories.
// Killing the holder and every process that joined ends the namespace and all its mounts.
import { mkdir, readFile, writeFile as writeFileOnHost } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ProcessGroup, Supervised } from './processes.js';
import { waitFor } from './wait.js';

export interface MountEntry {
  /** Where it is mounted, as the namespace sees it. */
  target: string;
  fstype: string;
  /** The device or source (`/dev/loop3`, `tmpfs`, ...). */
  source: string;
}

export interface NodeNamespace {
  holder: Supervised;
  /** Where the containers' root directories are made (inside the namespace). */
  rootsDir: string;
  /** The path of the namespace's mount namespace file (for nsenter --mount=). */
  mountNs: string;
  /** A path as the namespace sees it, reachable from the host (through /proc/PID/root). */
  hostView(path: string): string;
  /** The namespace's mounts at or under `dir`, deepest first. */
  mountsUnder(dir: string): Promise<MountEntry[]>;
  /** Writes a file as the node sees it (only under the overlaid directories). */
  writeFile(path: string, content: string): Promise<void>;
  /** The command prefix that runs a program inside the namespace. */
  enter(command: string, args: string[]): { command: string; args: string[] };
}

/** Directories kubelet writes to outside its --root-dir; overlays in the namespace. */
export const overlaidDirs = ['/var/lib', '/var/log', '/etc'];

function setupScript(runDir: string, rootsDir: string): string {
  const lines = ['set -eu', 'mount --make-rprivate /'];
  for (const dir of overlaidDirs) {
    const base = join(runDir, 'overlay', dir.replaceAll('/', '_'));
    lines.push(
      `mkdir -p '${base}/upper' '${base}/work'`,
      `mount -t overlay overlay -o 'lowerdir=${dir},upperdir=${base}/upper,workdir=${base}/work' '${dir}'`,
    );
  }
  lines.push(
    'mount --make-rshared /',
    `mkdir -p '${rootsDir}'`,
    `mount -t tmpfs -o mode=0755 opencsp-container-roots '${rootsDir}'`,
    `mount --make-private '${rootsDir}'`,
    `mount --make-unbindable '${rootsDir}'`,
    'echo namespace-ready',
    'exec sleep infinity',
  );
  return lines.join('\n');
}

const unescapeMountinfo = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** One line of /proc/PID/mountinfo: fields 5 (mount point), then after ' - ': fstype, source. */
export function parseMountinfoLine(line: string): MountEntry {
  const fields = line.split(' ');
  const dash = fields.indexOf('-');
  return {
    target: unescapeMountinfo(fields[4] ?? ''),
    fstype: fields[dash + 1] ?? '',
    source: unescapeMountinfo(fields[dash + 2] ?? ''),
  };
}

/** The namespace of node `nodeName`; its overlays and container roots live under `runDir`. */
export async function startNodeNamespace(
  group: ProcessGroup,
  runDir: string,
  nodeName: string,
): Promise<NodeNamespace> {
  for (const path of [runDir, '/']) {
    if (path.includes("'")) {
      throw new Error(`run directory ${path} holds a quote`);
    }
  }
  const rootsDir = join(runDir, 'container-roots');
  await mkdir(rootsDir, { recursive: true });
  const holder = group.start({
    name: `node-namespace-${nodeName}`,
    command: 'unshare',
    args: ['--mount', '--propagation', 'private', '--', 'sh', '-c', setupScript(runDir, rootsDir)],
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  await waitFor(
    async () =>
      (await readFile(holder.logFile, 'utf8').catch(() => '')).includes('namespace-ready') ? true : undefined,
    {
      what: 'the node mount namespace',
      timeoutMs: 10_000,
      intervalMs: 50,
      abort: () => (holder.exitStatus() ? `setup failed (${holder.exitStatus()}), see ${holder.logFile}` : undefined),
    },
  );
  const procRoot = `/proc/${holder.pid}`;
  return {
    holder,
    rootsDir,
    mountNs: `${procRoot}/ns/mnt`,
    hostView: (path) => `${procRoot}/root${path}`,
    async mountsUnder(dir) {
      const info = await readFile(`${procRoot}/mountinfo`, 'utf8');
      return info
        .split('\n')
        .filter((l) => l !== '')
        .map(parseMountinfoLine)
        .filter((m) => m.target === dir || m.target.startsWith(`${dir}/`))
        .sort((a, b) => b.target.length - a.target.length);
    },
    async writeFile(path, content) {
      if (!overlaidDirs.some((d) => path.startsWith(`${d}/`))) {
        throw new Error(
          `${path} is not under ${overlaidDirs.join(', ')}: the node cannot write it without changing the host`,
        );
      }
      await mkdir(dirname(`${procRoot}/root${path}`), { recursive: true });
      await writeFileOnHost(`${procRoot}/root${path}`, content);
    },
    enter: (command, args) => ({
      command: 'nsenter',
      args: [`--mount=${procRoot}/ns/mnt`, '--', command, ...args],
    }),
  };
}
