// Runs a pod template's containers as processes on the test node, the way kubelet and a
// container runtime would: volumes prepared (hostPath in the node's namespace, emptyDir, Secret,
// the service-account token from the TokenRequest API), each container's env and args built as
// kubelet builds them, then each container started in its own mount namespace (container.ts).
// Containers that exit are started again (restartPolicy Always), as kubelet would. What differs
// from a real runtime: the "image" is the host's system directories plus the program the image
// would run (`program`), there is no network or PID namespace and no /dev/termination-log; the
// cluster DNS's Service names are lines of the pod's managed /etc/hosts (`hosts`).
import { chmod, chown, lstat, mkdir, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { serviceNode } from '../launch/service-node.js';
import { repoRoot } from './binaries.js';
import type { KubeClient, KubeObject } from './client.js';
import { type ContainerMount, type ContainerPlan, containerScript } from './container.js';
import type { NodeNamespace } from './node-namespace.js';
import { overlaidDirs } from './node-namespace.js';
import { type ContainerSpec, containerArgs, containerEnv, type PodSpec, type VolumeSpec } from './pod-spec.js';
import type { ProcessGroup, Supervised } from './processes.js';

/** Where a container's image would take its program from, here. */
export interface Program {
  command: string[];
  workingDir?: string;
  /** The image's own environment (its ENV lines); the container's env wins over it. */
  env?: Record<string, string>;
}

export interface PodRunInput {
  name: string;
  namespace: string;
  nodeName: string;
  spec: PodSpec;
  /** The program of a container's image on this machine (the rendered args follow it). */
  program(container: ContainerSpec): Program;
  admin: KubeClient;
  apiserver: { host: string; port: number; caFile: string };
  node: NodeNamespace;
  group: ProcessGroup;
  /** Directory for the pod's emptyDir, Secret and token volumes. */
  dir: string;
  /**
   * Names the cluster's DNS would answer for the pod (Service names → address). kubelet mounts a
   * managed /etc/hosts into the containers of a pod on the pod network; with no cluster DNS here,
   * these names are written into it.
   */
  hosts?: Record<string, string>;
}

export interface RunningPod {
  name: string;
  containers: Map<string, Supervised>;
  /** Stops one container and starts it again with the same plan (a container restart). */
  restart(container: string): Promise<Supervised>;
  /** Stops the pod's containers (or one); an exited container is otherwise started again. */
  stop(container?: string): Promise<void>;
}

const saMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
const imagePath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The host's top-level entries a container needs: the OS, /dev, /proc, /sys, /tmp, the programs. */
async function systemView(): Promise<{ dirs: string[]; symlinks: [string, string][] }> {
  const wanted = new Set(['/usr', '/etc', '/dev', '/proc', '/sys', '/tmp', '/bin', '/sbin', '/lib', '/lib64']);
  for (const path of [repoRoot, serviceNode().path]) {
    wanted.add(`/${path.split('/')[1]}`);
  }
  const present = new Set((await readdir('/')).map((e) => `/${e}`));
  const dirs: string[] = [];
  const symlinks: [string, string][] = [];
  for (const entry of [...wanted].filter((e) => present.has(e)).sort()) {
    const info = await lstat(entry);
    if (info.isSymbolicLink()) {
      symlinks.push([entry, await readlink(entry)]);
    } else if (info.isDirectory()) {
      dirs.push(entry);
    }
  }
  return { dirs, symlinks };
}

const isUnder = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** A hostPath volume's source in the node's namespace, created there when its type says so. */
async function hostPathSource(volume: VolumeSpec, node: NodeNamespace): Promise<{ path: string; file: boolean }> {
  const { path, type = '' } = volume.hostPath ?? { path: '' };
  const seen = node.hostView(path);
  const info = await stat(seen).catch(() => undefined);
  if (info) {
    return { path, file: !info.isDirectory() };
  }
  const creatable = overlaidDirs.some((d) => isUnder(path, d) && path !== d);
  if (type === 'DirectoryOrCreate' && creatable) {
    await mkdir(seen, { recursive: true, mode: 0o755 });
    return { path, file: false };
  }
  if (type === 'FileOrCreate' && creatable) {
    await mkdir(dirname(seen), { recursive: true });
    await writeFile(seen, '', { mode: 0o644 });
    return { path, file: true };
  }
  throw new Error(
    `hostPath ${path} (type ${type || 'unset'}) of volume ${volume.name} does not exist on the node` +
      (type.endsWith('OrCreate') ? ` and the test node only creates paths under ${overlaidDirs.join(', ')}` : ''),
  );
}

async function secretSource(volume: VolumeSpec, input: PodRunInput, dir: string): Promise<string> {
  const ref = volume.secret ?? { secretName: '' };
  const secret = await input.admin.get<KubeObject & { data?: Record<string, string> }>(
    'v1',
    'Secret',
    ref.secretName,
    input.namespace,
  );
  if (secret === undefined) {
    throw new Error(`secret ${input.namespace}/${ref.secretName} of volume ${volume.name} does not exist`);
  }
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const items = ref.items ?? Object.keys(secret.data ?? {}).map((key) => ({ key, path: key }));
  for (const item of items) {
    const value = secret.data?.[item.key];
    if (value === undefined) {
      throw new Error(`secret ${ref.secretName} has no key ${item.key}`);
    }
    const path = join(dir, item.path);
    await writeFile(path, Buffer.from(value, 'base64'), { mode: ref.defaultMode ?? 0o644 });
    // kubelet gives a Secret volume's files to the pod's fsGroup (what a 0440 defaultMode relies on).
    const fsGroup = input.spec.securityContext?.fsGroup;
    if (fsGroup !== undefined) {
      await chown(path, 0, fsGroup);
    }
  }
  return dir;
}

/** The projected service-account volume kubelet mounts into every container. */
async function tokenSource(input: PodRunInput, dir: string, fsGroup: number | undefined): Promise<string> {
  const account = input.spec.serviceAccountName ?? 'default';
  const request = await input.admin.call<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/${input.namespace}/serviceaccounts/${account}/token`,
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600 },
    },
  );
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const files: [string, string | Buffer][] = [
    ['token', request.status.token],
    ['ca.crt', await readFile(input.apiserver.caFile)],
    ['namespace', input.namespace],
  ];
  for (const [name, content] of files) {
    const path = join(dir, name);
    await writeFile(path, content, { mode: fsGroup === undefined ? 0o644 : 0o640 });
    if (fsGroup !== undefined) {
      await chown(path, 0, fsGroup);
    }
  }
  return dir;
}

interface VolumeSource {
  path: string;
  file: boolean;
}

async function prepareVolumes(input: PodRunInput, podDir: string): Promise<Map<string, VolumeSource>> {
  const sources = new Map<string, VolumeSource>();
  for (const volume of input.spec.volumes ?? []) {
    const dir = join(podDir, 'volumes', volume.name);
    if (volume.hostPath) {
      sources.set(volume.name, await hostPathSource(volume, input.node));
    } else if (volume.emptyDir) {
      await mkdir(dir, { recursive: true });
      await chmod(dir, 0o777);
      sources.set(volume.name, { path: dir, file: false });
    } else if (volume.secret) {
      sources.set(volume.name, { path: await secretSource(volume, input, dir), file: false });
    } else {
      throw new Error(`volume ${volume.name} has a type the test runtime does not support`);
    }
  }
  return sources;
}

/** The pod's managed /etc/hosts (pods on the pod network only; a host-network pod sees the node's). */
async function etcHosts(input: PodRunInput, podDir: string): Promise<string | undefined> {
  if (input.spec.hostNetwork || input.hosts === undefined) {
    return undefined;
  }
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', `127.0.0.1\t${input.name}`];
  for (const [name, address] of Object.entries(input.hosts)) {
    lines.push(`${address}\t${name}`);
  }
  const path = join(podDir, 'etc-hosts');
  await mkdir(podDir, { recursive: true });
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o644 });
  return path;
}

function plan(
  container: ContainerSpec,
  input: PodRunInput,
  sources: Map<string, VolumeSource>,
  token: string | undefined,
  system: { dirs: string[]; symlinks: [string, string][] },
  hostsFile: string | undefined,
): ContainerPlan {
  const sc = container.securityContext ?? {};
  const pod = input.spec.securityContext ?? {};
  const uid = sc.runAsUser ?? pod.runAsUser;
  const gid = sc.runAsGroup ?? pod.runAsGroup ?? 0;
  const mounts: ContainerMount[] = (container.volumeMounts ?? []).map((m) => {
    const source = sources.get(m.name);
    if (source === undefined) {
      throw new Error(`${container.name} mounts volume ${m.name}, which the pod does not define`);
    }
    return {
      source: source.path,
      target: m.mountPath,
      file: source.file,
      propagation: m.mountPropagation ?? 'None',
      readOnly: m.readOnly ?? false,
    };
  });
  if (token !== undefined) {
    mounts.push({ source: token, target: saMountPath, propagation: 'None', readOnly: true });
  }
  if (hostsFile !== undefined) {
    mounts.push({ source: hostsFile, target: '/etc/hosts', file: true, propagation: 'None', readOnly: true });
  }
  const program = input.program(container);
  const serviceEnv = {
    PATH: imagePath,
    ...program.env,
    HOSTNAME: input.spec.hostNetwork ? input.nodeName : input.name,
    KUBERNETES_SERVICE_HOST: input.apiserver.host,
    KUBERNETES_SERVICE_PORT: String(input.apiserver.port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(input.apiserver.port),
    KUBERNETES_PORT: `tcp://${input.apiserver.host}:${input.apiserver.port}`,
  };
  const env = containerEnv(
    container,
    {
      name: input.name,
      namespace: input.namespace,
      nodeName: input.nodeName,
      serviceAccountName: input.spec.serviceAccountName ?? 'default',
      hostIP: '127.0.0.1',
      podIP: '127.0.0.1',
    },
    serviceEnv,
  );
  if (container.command?.length) {
    throw new Error(`${container.name}: a command override is not supported by the test runtime`);
  }
  return {
    root: join(input.node.rootsDir, `${input.name}.${container.name}`),
    systemDirs: system.dirs,
    symlinks: system.symlinks,
    mounts,
    readOnlyRoot: sc.readOnlyRootFilesystem ?? false,
    ...(uid !== undefined && uid !== 0 ? { user: { uid, gid } } : {}),
    restricted: !sc.privileged && (sc.capabilities?.drop ?? []).includes('ALL'),
    workingDir: program.workingDir ?? container.workingDir ?? '/',
    env,
    command: [...program.command, ...containerArgs(container, env)],
  };
}

export async function runPod(input: PodRunInput): Promise<RunningPod> {
  const podDir = join(input.dir, input.name);
  const sources = await prepareVolumes(input, podDir);
  const automount = input.spec.automountServiceAccountToken ?? true;
  const token = automount
    ? await tokenSource(input, join(podDir, 'volumes', 'kube-api-access'), input.spec.securityContext?.fsGroup)
    : undefined;
  const system = await systemView();
  const hostsFile = await etcHosts(input, podDir);
  const plans = new Map(
    input.spec.containers.map((c) => [c.name, plan(c, input, sources, token, system, hostsFile)] as const),
  );
  const containers = new Map<string, Supervised>();
  /** Containers the test stopped on purpose (no restart). */
  const stopped = new Set<string>();
  const restarts = new Map<string, { count: number; timer?: NodeJS.Timeout }>();
  const start = (name: string): Supervised => {
    const p = plans.get(name);
    if (p === undefined) {
      throw new Error(`pod ${input.name} has no container ${name}`);
    }
    const cmd = input.node.enter('unshare', [
      '--mount',
      '--propagation',
      'unchanged',
      '--',
      'sh',
      '-c',
      containerScript(p),
    ]);
    const process = input.group.start({
      name: `${input.name}.${name}`,
      ...cmd,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      graceSeconds: 30,
    });
    containers.set(name, process);
    stopped.delete(name);
    const startedAt = Date.now();
    // restartPolicy Always: kubelet starts an exited container again, with a growing back-off
    // (10 s doubling to 5 min there; 0.5 s doubling to 8 s here, so tests stay short). A sidecar
    // exits when it loses its driver connection and counts on this.
    void process.exited.then(() => {
      if (stopped.has(name) || containers.get(name) !== process) {
        return;
      }
      const state = restarts.get(name) ?? { count: 0 };
      state.count = Date.now() - startedAt > 30_000 ? 1 : state.count + 1;
      state.timer = setTimeout(
        () => {
          if (!stopped.has(name) && containers.get(name) === process && !input.group.closing) {
            start(name);
          }
        },
        Math.min(500 * 2 ** (state.count - 1), 8000),
      );
      restarts.set(name, state);
    });
    return process;
  };
  const stopContainer = async (name: string) => {
    stopped.add(name);
    clearTimeout(restarts.get(name)?.timer);
    await containers.get(name)?.stop();
  };
  for (const name of plans.keys()) {
    start(name);
  }
  return {
    name: input.name,
    containers,
    async restart(name) {
      await stopContainer(name);
      return start(name);
    },
    async stop(name) {
      for (const n of name ? [name] : [...containers.keys()].reverse()) {
        await stopContainer(n);
        containers.delete(n);
      }
      if (name === undefined) {
        await rm(podDir, { recursive: true, force: true });
      }
    },
  };
}
