// The TrueNAS simulator with the TrueNAS CSP in front of it, both on 127.0.0.1 with free ports:
// what conformance runs, e2e suites and benchmarks start. `audit()` after a run must be empty.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CspApp } from '@opencsp/csp-spec/server';
import { buildTrueNasCsp, loadConfig, type TrueNasCspConfig } from '@opencsp/csp-truenas';
import { type Logger, pino } from 'pino';
import { writeServingFiles } from '../common/index.js';
import { TrueNasSimulator, type TrueNasSimulatorOptions } from './simulator.js';

export interface TrueNasStackOptions {
  sim?: TrueNasSimulatorOptions;
  /** Extra CSP flags (e.g. `--volblocksize 8K`). The array, parent and transport are set here. */
  cspArgs?: string[];
  /** Parent dataset(s) for volumes (default `tank/k8s`, created in the simulator). */
  parents?: string[];
  logger?: Logger;
  /** Serve the CSP over plain HTTP (`--plain-http`) instead of HTTPS with the test CA's certificate. */
  plainHttp?: boolean;
}

export interface TrueNasStack {
  sim: TrueNasSimulator;
  /** The CSP currently serving (a new one after `restartCsp()`). */
  readonly csp: CspApp;
  config: TrueNasCspConfig;
  /** CSP base URL including `/containers/v1` (https:// unless started with `plainHttp`). */
  baseUrl: string;
  /** The CA (PEM) that signed the CSP's certificate; undefined over plain HTTP. */
  ca: string | undefined;
  /** Credentials for POST /tokens (the simulator's account; its API key when TLS is on). */
  credentials: { username: string; password: string };
  /** Stops the CSP and starts a fresh one on the same port: every session token is lost. */
  restartCsp(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTrueNasStack(options: TrueNasStackOptions = {}): Promise<TrueNasStack> {
  const parents = options.parents ?? ['tank/k8s'];
  const sim = await TrueNasSimulator.start({ datasets: parents, ...options.sim });
  const cleanups: Array<() => Promise<void>> = [() => sim.stop()];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  };
  try {
    const args = ['--array', sim.address, '--parent-datasets', parents.join(','), '--docs', 'false'];
    const ownTls = (options.cspArgs ?? []).some((a) => a.startsWith('--tls-'));
    const dir = await mkdtemp(join(tmpdir(), 'truenas-stack-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    if (!sim.tls) {
      args.push('--plaintext-arrays', sim.address);
    } else if (!ownTls) {
      await writeFile(join(dir, 'ca.pem'), sim.tls.cert);
      args.push('--tls-ca-file', join(dir, 'ca.pem'));
    }
    let ca: string | undefined;
    if (options.plainHttp) {
      args.push('--plain-http=true');
    } else {
      const serving = await writeServingFiles(dir);
      args.push('--cert-file', serving.certFile, '--key-file', serving.keyFile);
      ca = serving.ca;
    }
    const { config } = loadConfig([...args, ...(options.cspArgs ?? [])], {});
    const logger = options.logger ?? pino({ level: 'silent' });
    let csp = await buildTrueNasCsp(config, logger);
    const address = await csp.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (csp.app.server.address() as AddressInfo).port;
    cleanups.push(() => csp.shutdown());
    const password = sim.tls && sim.apiKey ? sim.apiKey : sim.password;
    return {
      sim,
      get csp() {
        return csp;
      },
      config,
      baseUrl: `${address}/containers/v1`,
      ca,
      credentials: { username: sim.username, password },
      async restartCsp() {
        await csp.shutdown();
        csp = await buildTrueNasCsp(config, logger);
        await csp.app.listen({ host: '127.0.0.1', port });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
