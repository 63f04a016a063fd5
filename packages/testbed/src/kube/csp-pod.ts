// The chart's CSP Deployment (csp-truenas or csp-synology) run as a process, like the drivers'
// pods (pod-runner.ts): the pod template as the apiserver stored it, its args and env, its
// Secret volumes (the generated serving certificate, the array's CA) as files, as the chart's
// user with a read-only root and no capabilities, on the Node the images ship (service-node.ts).
// Its Service is what the controller reaches: the Service's names resolve to 127.0.0.1 in the
// controller pod's /etc/hosts (`serviceHosts`), and the CSP listens on 127.0.0.1 at the Service's
// port instead of the pod's own port behind it (kube-proxy's mapping, with no pod network here:
// `--port=<targetPort>` becomes `--port=<Service port>`, `--host=0.0.0.0` becomes 127.0.0.1).
// The CSP counts as up when its readinessProbe (HTTPS /readyz) answers, as kubelet would probe it.
import { request } from 'node:https';
import type { CspHandle } from '../harness/backends/types.js';
import { serviceDir, serviceScript } from '../launch/service-entry.js';
import { serviceNode } from '../launch/service-node.js';
import type { KubeCsp } from './arrays.js';
import type { KubeClient, KubeObject } from './client.js';
import { type PodRunInput, type RunningPod, runPod } from './pod-runner.js';
import type { ContainerSpec, PodSpec } from './pod-spec.js';
import { waitFor } from './wait.js';

interface ServiceSpec {
  ports: { name?: string; port: number; targetPort?: number | string }[];
}

export interface CspPod {
  pod: RunningPod;
  /** How the test process reaches the CSP, its metrics, and a restart of its container. */
  handle: CspHandle;
}

/** The names the cluster DNS gives a Service (short, namespaced, .svc, fully qualified). */
export function serviceHosts(service: string, namespace: string): Record<string, string> {
  const names = [service, `${service}.${namespace}`, `${service}.${namespace}.svc`];
  return Object.fromEntries([...names, `${names[2]}.cluster.local`].map((n) => [n, '127.0.0.1']));
}

/** The container port a Service port targets (by number, or by the name of a container port). */
function targetPort(container: ContainerSpec, target: number | string): number {
  if (typeof target === 'number') {
    return target;
  }
  const found = container.ports?.find((p) => p.name === target)?.containerPort;
  if (found === undefined) {
    throw new Error(`${container.name} has no port named ${target}, which its Service targets`);
  }
  return found;
}

/** The CSP container listening on 127.0.0.1 at the Service's port (see the header). */
export function onServicePort(container: ContainerSpec, service: ServiceSpec): ContainerSpec {
  const [port] = service.ports;
  if (port === undefined) {
    throw new Error('the CSP Service has no port');
  }
  const target = targetPort(container, port.targetPort ?? port.port);
  const args = (container.args ?? []).map((arg) =>
    arg === `--port=${target}` ? `--port=${port.port}` : arg === '--host=0.0.0.0' ? '--host=127.0.0.1' : arg,
  );
  if (!args.includes(`--port=${port.port}`)) {
    throw new Error(`${container.name} does not listen on --port=${target}, the port its Service targets`);
  }
  return { ...container, args };
}

/** One HTTPS GET the way kubelet probes: any certificate, status 200-399 is success. */
function probe(url: string): Promise<true | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { rejectUnauthorized: false, timeout: 5000 }, (res) => {
      res.resume();
      const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400;
      resolve(ok ? true : undefined);
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const argValue = (args: string[], flag: string) => args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

export interface CspPodInput {
  csp: KubeCsp;
  /** The Deployment's name and its pod template (listen addresses on loopback already). */
  name: string;
  spec: PodSpec;
  service: KubeObject;
  admin: KubeClient;
  /** The runtime's settings shared with the other pods (node namespace, apiserver, process group). */
  run: Omit<PodRunInput, 'name' | 'spec' | 'program' | 'hosts'>;
}

export async function runCspPod(input: CspPodInput): Promise<CspPod> {
  const template = input.spec;
  const service = input.service.spec as ServiceSpec;
  const [container, ...others] = template.containers;
  if (container === undefined || others.length > 0) {
    throw new Error(`the CSP Deployment has ${template.containers.length} containers; the chart renders one`);
  }
  const served = onServicePort(container, service);
  const port = service.ports[0]?.port as number;
  const name = `${input.name}-0`;
  const pod = await runPod({
    ...input.run,
    name,
    spec: { ...template, containers: [served] },
    program: () => ({
      command: [serviceNode().path, serviceScript(`csp-${input.csp}`)],
      workingDir: serviceDir(`csp-${input.csp}`),
    }),
  });
  const ready = served.readinessProbe?.httpGet;
  const scheme = ready?.scheme === 'HTTPS' ? 'https' : 'http';
  if (scheme !== 'https') {
    await pod.stop();
    throw new Error('the CSP serves plain HTTP; the kube stack runs it with the chart default (cspTls generate)');
  }
  const readyUrl = `https://127.0.0.1:${port}${ready?.path ?? '/readyz'}`;
  const untilReady = () => waitFor(() => probe(readyUrl), { what: `${name} readiness`, timeoutMs: 60_000 });
  try {
    await untilReady();
  } catch (err) {
    await pod.stop();
    throw err;
  }
  const args = served.args ?? [];
  const metricsAddress = argValue(args, '--metrics-address');
  const ca = await servingCa(input.admin, template, input.run.namespace);
  const handle: CspHandle = {
    access: {
      baseUrl: `https://127.0.0.1:${port}/containers/v1`,
      ca,
      servername: input.service.metadata.name,
    },
    metricsUrl: metricsAddress && `http://${metricsAddress}${argValue(args, '--metrics-path') ?? '/metrics'}`,
    async restart() {
      await pod.restart('csp');
      await untilReady();
    },
  };
  return { pod, handle };
}

/** The CA in the Secret of the CSP's serving certificate (`ca.crt`, as the chart's generate mode writes). */
async function servingCa(admin: KubeClient, spec: PodSpec, namespace: string): Promise<string> {
  const secretName = spec.volumes?.find((v) => v.name === 'tls')?.secret?.secretName;
  const secret =
    secretName === undefined
      ? undefined
      : await admin.get<KubeObject & { data?: Record<string, string> }>('v1', 'Secret', secretName, namespace);
  const ca = secret?.data?.['ca.crt'];
  if (ca === undefined) {
    throw new Error(`the CSP's TLS Secret ${secretName ?? '(none)'} holds no ca.crt`);
  }
  return Buffer.from(ca, 'base64').toString('utf8');
}
