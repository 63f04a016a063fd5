// The whole stack as separate processes, as in a cluster: a simulator, the CSP and the driver
// (controller mode) each run from their built entry points with production defaults, and the
// benchmark drives the driver's socket like the sidecars do. Everything is stopped with the scope.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeServingFiles } from '../common/index.js';
import { builtScript } from '../launch/program.js';
import { type ServicePackage, serviceScript } from '../launch/service-entry.js';
import type { ArrayKind } from './arrays/index.js';
import { NodeChild } from './child.js';
import type { Scope } from './scope.js';

export interface ProcessStack {
  kind: Exclude<ArrayKind, 'memory'>;
  label: string;
  sim: NodeChild;
  csp: NodeChild;
  driver: NodeChild;
  socketPath: string;
  /** StorageClass secret data (service mode) for the driver. */
  secrets: Record<string, string>;
  /** Credentials and URL for talking to the CSP directly (HTTPS, signed by `ca`). */
  cspUrl: string;
  /** The test CA that signed the CSP's serving certificate. */
  ca: string;
  credentials: { username: string; password: string };
}

export interface ProcessStackOptions {
  kind: Exclude<ArrayKind, 'memory'>;
  /** Added by the simulator to every array call. */
  latencyMs: number;
  /** Extra CSP flags. */
  cspArgs?: string[];
  /** Extra driver flags. */
  driverArgs?: string[];
  /** Extra node flags per process (e.g. `--cpu-prof`). */
  nodeArgs?: { csp?: string[]; driver?: string[] };
  logLevel?: string;
}

interface SimInfo {
  address: string;
  username: string;
  password: string;
  ca: string;
}

function cspCommand(kind: ProcessStackOptions['kind'], sim: SimInfo): { pkg: ServicePackage; args: string[] } {
  const common = ['--host', '127.0.0.1', '--port', '0'];
  if (kind === 'truenas') {
    return {
      pkg: 'csp-truenas',
      args: [...common, '--array', sim.address, '--parent-datasets', 'tank/k8s', '--tls-ca-file', sim.ca],
    };
  }
  return { pkg: 'csp-synology', args: [...common, '--dsm-url', sim.address, '--dsm-ca-file', sim.ca] };
}

export async function startProcessStack(options: ProcessStackOptions, scope: Scope): Promise<ProcessStack> {
  const dir = await mkdtemp(join(tmpdir(), `opencsp-bench-${options.kind}-`));
  scope.defer('temp dir', () => rm(dir, { recursive: true, force: true }));
  const sim = new NodeChild('simulator', builtScript('testbed', 'bench/sim-process.js'), [
    options.kind,
    String(options.latencyMs),
    dir,
  ]);
  scope.defer('simulator process', () => sim.stop());
  const info = JSON.parse(await sim.waitForLine(/"simulator listening"/, 30_000)) as SimInfo;
  const command = cspCommand(options.kind, info);
  const level = options.logLevel ?? 'info';
  // The CSP serves HTTPS with the test CA's certificate, as in a cluster; the driver trusts that CA.
  const serving = await writeServingFiles(dir);
  const cspCa = join(dir, 'csp-ca.pem');
  await writeFile(cspCa, serving.ca);
  const csp = new NodeChild(
    command.pkg,
    serviceScript(command.pkg),
    [
      ...command.args,
      ...['--cert-file', serving.certFile, '--key-file', serving.keyFile],
      ...['--log-level', level, ...(options.cspArgs ?? [])],
    ],
    {},
    options.nodeArgs?.csp,
  );
  scope.defer(`${command.pkg} process`, () => csp.stop());
  const listening = JSON.parse(await csp.waitForLine(/"CSP listening"/, 30_000)) as { address: string };
  const socketPath = join(dir, 'csi.sock');
  const driver = new NodeChild(
    'opencsp-csi-driver',
    serviceScript('csi-driver'),
    [
      ...['--endpoint', `unix://${socketPath}`, '--mode', 'controller', '--log-level', level],
      ...['--csp-ca-file', cspCa],
      ...(options.driverArgs ?? []),
    ],
    {},
    options.nodeArgs?.driver,
  );
  scope.defer('driver process', () => driver.stop());
  await driver.waitForLine(/CSI driver listening/, 30_000);
  const backend = options.kind === 'dsm' ? new URL(info.address).host : info.address;
  return {
    kind: options.kind,
    label: options.kind === 'dsm' ? 'Synology (DSM)' : 'TrueNAS',
    sim,
    csp,
    driver,
    socketPath,
    secrets: {
      backend,
      username: info.username,
      password: info.password,
      serviceName: '127.0.0.1',
      servicePort: new URL(listening.address).port,
    },
    cspUrl: `${listening.address}/containers/v1`,
    ca: serving.ca,
    credentials: { username: info.username, password: info.password },
  };
}
