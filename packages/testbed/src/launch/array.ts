// An array simulator with its CSP in front, each a process started from its real command line on
// 127.0.0.1 with free ports and TLS on both hops: the simulator's self-signed certificate is what
// the CSP trusts for the array, and the CSP serves HTTPS with a certificate of the test CA
// (--cert-file/--key-file), as the chart's CSPs do with the generated CA. `node
// packages/testbed/dist/{truenas,dsm}/main.js` and `node packages/csp-*/dist/main.js`. What a CSI
// driver needs comes back: the StorageClass secret in service mode, the CA file for the driver's
// --csp-ca-file, the parameters, the simulator's URL and certificate (for the loop-node
// launcher's --loop-array), and the leak audit.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { type Cleanups, writeServingFiles } from '../common/index.js';
import { leakLines } from '../harness/backends/truenas.js';
import type { LeakAudit } from '../truenas/index.js';
import { builtScript, Program } from './program.js';
import { serviceScript } from './service-entry.js';

export const arrayBackends = ['truenas', 'synology'] as const;
export type ArrayBackend = (typeof arrayBackends)[number];

export interface ArrayProcesses {
  backend: ArrayBackend;
  /** The simulator's base URL (https://127.0.0.1:<port>): its node API and audit live there. */
  simulatorUrl: string;
  /** PEM file of the simulator's certificate. */
  simulatorCaFile: string;
  /** PEM file of the CA that signed the CSP's serving certificate (the driver's --csp-ca-file). */
  cspCaFile: string;
  /** The StorageClass secret for the CSP in service mode (serviceName/servicePort + backend). */
  secrets: Record<string, string>;
  /** StorageClass parameters the CSP accepts. */
  parameters: Record<string, string>;
  /** What the CSP left on the array (the simulator's leak audit), one line per object. */
  audit(): Promise<string[]>;
  stop(): Promise<void>;
}

interface Started {
  programs: Program[];
  simulatorUrl: string;
  simulatorCaFile: string;
  cspArgs: string[];
  cspScript: string;
  backendAddress: string;
  username: string;
  password: string;
  parameters: Record<string, string>;
  auditPath: string;
  leaks: (body: unknown) => string[];
}

async function startTrueNas(dir: string, password: string, programs: Program[], o: ArrayOptions): Promise<Started> {
  const sim = new Program({
    name: 'truenas-sim',
    script: builtScript('testbed', 'truenas/main.js'),
    args: [
      '--tls',
      '--port',
      '0',
      '--data-dir',
      join(dir, 'truenas'),
      '--dataset',
      'tank/k8s',
      ...(o.simulatorArgs ?? []),
    ],
    env: { TRUENAS_SIM_USERNAME: 'truenas_admin', TRUENAS_SIM_PASSWORD: password },
    logFile: join(dir, 'truenas-sim.log'),
  });
  programs.push(sim);
  const line = await sim.waitForJson<{ url: string; certificate: string }>(/truenas-sim listening/, o.readyTimeoutMs);
  const port = new URL(line.url).port;
  return {
    programs,
    simulatorUrl: `https://127.0.0.1:${port}`,
    simulatorCaFile: line.certificate,
    cspScript: serviceScript('csp-truenas'),
    cspArgs: ['--array', `127.0.0.1:${port}`, '--parent-datasets', 'tank/k8s', '--tls-ca-file', line.certificate],
    backendAddress: `127.0.0.1:${port}`,
    username: 'truenas_admin',
    password,
    parameters: { compression: 'LZ4', volblocksize: '16K' },
    auditPath: '/_sim/audit',
    leaks: (body) => leakLines(body as LeakAudit),
  };
}

async function startDsm(dir: string, password: string, programs: Program[], o: ArrayOptions): Promise<Started> {
  const sim = new Program({
    name: 'dsm-sim',
    script: builtScript('testbed', 'dsm/main.js'),
    args: ['--tls', '--port', '0', '--model', 'DS923+', '--data-dir', join(dir, 'dsm'), ...(o.simulatorArgs ?? [])],
    env: { DSM_SIM_USERNAME: 'admin', DSM_SIM_PASSWORD: password },
    logFile: join(dir, 'dsm-sim.log'),
  });
  programs.push(sim);
  const line = await sim.waitForJson<{ url: string; certificate: string }>(/"serial"/, o.readyTimeoutMs);
  return {
    programs,
    simulatorUrl: line.url,
    simulatorCaFile: line.certificate,
    cspScript: serviceScript('csp-synology'),
    cspArgs: ['--dsm-url', line.url, '--dsm-ca-file', line.certificate],
    backendAddress: line.url,
    username: 'admin',
    password,
    parameters: { location: 'volume1', provisioning: 'thin' },
    auditPath: '/_sim/audit',
    leaks: (body) => (body as { leaks: string[] }).leaks,
  };
}

export interface ArrayOptions {
  /** More simulator flags, e.g. `--lio-target true` (the VM suite serves the LUNs from the kernel). */
  simulatorArgs?: string[];
  /** How long each program may take to say it listens (default 30 s; a VM under TCG needs minutes). */
  readyTimeoutMs?: number;
  /** The runner's cleanups: a signal while the array starts stops what has started (then the caller owns `stop()`). */
  cleanups?: Cleanups;
}

/** Starts the simulator of `backend` and its CSP; everything goes under `dir` (logs, backing files). */
export async function startArray(
  backend: ArrayBackend,
  dir: string,
  options: ArrayOptions = {},
): Promise<ArrayProcesses> {
  await mkdir(dir, { recursive: true });
  const programs: Program[] = [];
  const stop = async () => {
    for (const program of programs.splice(0).reverse()) {
      await program.stop();
    }
  };
  const drop = options.cleanups?.push(stop);
  try {
    const password = randomBytes(12).toString('base64url');
    const s = await (backend === 'truenas' ? startTrueNas : startDsm)(dir, password, programs, options);
    const serving = await writeServingFiles(dir);
    const cspCaFile = join(dir, 'csp-ca.crt');
    await writeFile(cspCaFile, serving.ca);
    const csp = new Program({
      name: `csp-${backend}`,
      script: s.cspScript,
      args: [
        ...['--host', '127.0.0.1', '--port', '0', ...s.cspArgs],
        ...['--cert-file', serving.certFile, '--key-file', serving.keyFile],
      ],
      logFile: join(dir, `csp-${backend}.log`),
    });
    programs.push(csp);
    const listening = await csp.waitForJson<{ address: string }>(/CSP listening/, options.readyTimeoutMs);
    const ca = await readFile(s.simulatorCaFile, 'utf8');
    const agent = new Agent({ connect: { ca } });
    drop?.();
    return {
      backend,
      simulatorUrl: s.simulatorUrl,
      simulatorCaFile: s.simulatorCaFile,
      cspCaFile,
      secrets: {
        backend: s.backendAddress,
        username: s.username,
        password: s.password,
        serviceName: '127.0.0.1',
        servicePort: new URL(listening.address).port,
      },
      parameters: s.parameters,
      async audit() {
        const answer = await request(new URL(s.auditPath, s.simulatorUrl), { dispatcher: agent });
        return s.leaks(await answer.body.json());
      },
      async stop() {
        await agent.close();
        await stop();
      },
    };
  } catch (err) {
    drop?.();
    await stop();
    throw err;
  }
}
