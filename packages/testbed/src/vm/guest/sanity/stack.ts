// The stack csi-sanity runs against in the VM, started from the programs' own command lines as a
// user would: the TrueNAS simulator with its iSCSI tables served by the kernel's LIO target
// (`--lio-target`, portals on two loopback addresses), csp-truenas in front of it, and the
// driver with both services on one socket (`--mode all`) and its real iSCSI transport. Each runs
// detached with its output in a log file, so the stack outlives the `up` command and the guest
// runner's later steps (csi-sanity, the checks) see it; `down` stops it in reverse order.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface StackLayout {
  /** The repository (read-only in the guest). */
  repo: string;
  /** The node binary. */
  node: string;
  /** Where the stack keeps its files: logs, pids, socket, secrets, driver state. */
  dir: string;
  /** The simulator's zvol files (tmpfs in the guest). */
  dataDir: string;
  /** mutual: the node also authenticates the target. */
  chap: 'oneway' | 'mutual';
}

export interface StackFiles {
  endpoint: string;
  secrets: string;
  parameters: string;
  stateDir: string;
}

export const stackFiles = (dir: string): StackFiles => ({
  endpoint: `unix://${join(dir, 'csi.sock')}`,
  secrets: join(dir, 'secrets.yaml'),
  parameters: join(dir, 'parameters.yaml'),
  stateDir: join(dir, 'node-state'),
});

const PORTAL_IPS = '127.0.0.1,127.0.0.2';
const PARENT = 'tank/k8s';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function launch(layout: StackLayout, name: string, args: string[]): Promise<ChildProcess> {
  const log = await open(join(layout.dir, `${name}.log`), 'a');
  const child = spawn(layout.node, args, { cwd: layout.repo, detached: true, stdio: ['ignore', log.fd, log.fd] });
  const started = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await log.close();
  await started;
  console.log(`e2e: started ${name} (pid ${child.pid})`);
  await writeFile(join(layout.dir, `${name}.pid`), String(child.pid));
  child.unref();
  return child;
}

/**
 * Under TCG a program's first start reads its modules over 9p: a minute or more on a busy host,
 * hence the generous limit.
 */
async function waitFor(what: string, check: () => Promise<boolean>, child: ChildProcess, seconds = 300): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`${what}: the process exited with ${child.exitCode} (see its log)`);
    }
    if (await check()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not ready after ${seconds} s`);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const secret = () => randomBytes(9).toString('base64url');

/** Starts simulator, CSP and driver; writes csi-sanity's secrets and parameters files. */
export async function stackUp(layout: StackLayout): Promise<StackFiles> {
  await mkdir(layout.dir, { recursive: true });
  await mkdir(layout.dataDir, { recursive: true });
  const files = stackFiles(layout.dir);
  const password = secret();
  const simPort = await freePort();
  const sim = await launch(layout, 'truenas-sim', [
    'packages/testbed/dist/truenas/main.js',
    ...['--port', String(simPort), '--lio-target', 'true', '--portal-ip', PORTAL_IPS],
    ...['--data-dir', layout.dataDir, '--dataset', PARENT, '--password', password],
  ]);
  const simLog = join(layout.dir, 'truenas-sim.log');
  await waitFor('truenas-sim', async () => (await readFile(simLog, 'utf8')).includes('truenas-sim listening'), sim);
  const cspPort = await freePort();
  const csp = await launch(layout, 'csp-truenas', [
    'packages/csp-truenas/dist/main.js',
    ...['--host', '127.0.0.1', '--port', String(cspPort), '--array', `127.0.0.1:${simPort}`, '--transport', 'ws'],
    ...['--parent-datasets', PARENT, '--docs', 'false', '--log-level', 'warn'],
  ]);
  const capabilities = `http://127.0.0.1:${cspPort}/containers/v1/capabilities`;
  await waitFor(
    'csp-truenas',
    () =>
      fetch(capabilities).then(
        () => true,
        () => false,
      ),
    csp,
  );
  const socket = files.endpoint.slice('unix://'.length);
  const driver = await launch(layout, 'csi-driver', [
    'packages/csi-driver/dist/main.js',
    ...['--endpoint', files.endpoint, '--mode', 'all', '--node-name', 'vm-sanity'],
    ...['--state-dir', files.stateDir, '--multipath', 'required', '--log-level', 'debug'],
  ]);
  await waitFor('csi-driver', () => exists(socket), driver);
  const chap: Record<string, string> = { chapUser: 'vm-sanity-node', chapPassword: secret() };
  if (layout.chap === 'mutual') {
    chap.chapMutualUser = 'vm-sanity-array';
    chap.chapMutualPassword = secret();
  }
  const credentials = {
    backend: `127.0.0.1:${simPort}`,
    username: 'truenas_admin',
    password,
    serviceName: '127.0.0.1',
    servicePort: String(cspPort),
    ...chap,
  };
  const kinds = [
    'CreateVolumeSecret',
    'DeleteVolumeSecret',
    'ControllerPublishVolumeSecret',
    'ControllerUnpublishVolumeSecret',
    'ControllerValidateVolumeCapabilitiesSecret',
    'NodeStageVolumeSecret',
    'NodePublishVolumeSecret',
    'CreateSnapshotSecret',
    'DeleteSnapshotSecret',
    'ControllerExpandVolumeSecret',
    'ControllerModifyVolumeSecret',
    'ListSnapshotsSecret',
    'GetSnapshotSecret',
  ];
  await writeFile(files.secrets, stringify(Object.fromEntries(kinds.map((k) => [k, credentials]))), { mode: 0o600 });
  await writeFile(files.parameters, stringify({ fsType: 'ext4' }));
  return files;
}

/** Running (a zombie, exited but not yet reaped by PID 1, counts as stopped). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Stops the driver, the CSP and the simulator (which takes its LIO objects down), in that order. */
export async function stackDown(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const name of ['csi-driver', 'csp-truenas', 'truenas-sim']) {
    const pidFile = join(dir, `${name}.pid`);
    const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
    if (!pid) {
      continue;
    }
    if (await alive(pid)) {
      process.kill(pid, 'SIGTERM');
    }
    const until = Date.now() + 30_000;
    while ((await alive(pid)) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
    }
    if (await alive(pid)) {
      process.kill(pid, 'SIGKILL');
      problems.push(`${name} did not stop within 30 s of SIGTERM`);
    }
    await rm(pidFile, { force: true });
  }
  return problems;
}
