// Runs the driver in-process on a unix socket in a fresh temp dir, with a client and a kube
// harness attached; `stop()` removes everything, also after failures.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDriverLogger,
  driverVersion,
  type Mode,
  type RunningDriver,
  startDriver,
  startDriverMetrics,
} from '@opencsp/csi-driver';
import { testPki } from '../common/index.js';
import { CsiClient } from './client.js';
import { KubeHarness } from './kube.js';

export interface DriverFixture {
  socketPath: string;
  driver: RunningDriver;
  client: CsiClient;
  kube: KubeHarness;
  /** Where the driver serves its metrics (option `metrics`). */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export interface DriverFixtureOptions {
  mode?: Mode;
  /** Written as a mounted Secret directory and passed as --csp-secret-dir. */
  defaultSecret?: Record<string, string>;
  cspTimeoutMs?: number;
  /** pino level of the driver's log (default silent, or HARNESS_DRIVER_LOG_LEVEL). */
  logLevel?: string;
  /** Reach the CSPs over plain HTTP (--csp-plain-http); by default HTTPS trusting the test CA. */
  cspPlainHttp?: boolean;
  /** The CA bundle the driver trusts (--csp-ca-file); default: a file with the test CA. */
  cspCaFile?: string;
  /** --max-volumes-per-node: the controller asks CSPs to refuse a publish beyond it. */
  maxVolumesPerNode?: number;
  /** Serve the driver's metrics on a free loopback port (`metricsUrl`). */
  metrics?: boolean;
}

/** A free port on loopback, the default path: how test fixtures serve metrics. */
export const loopbackMetrics = { address: { host: '127.0.0.1', port: 0 }, path: '/metrics' };

export async function startDriverFixture(options: DriverFixtureOptions = {}): Promise<DriverFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-csi-'));
  try {
    const socketPath = join(dir, 'csi.sock');
    let cspSecretDir: string | undefined;
    if (options.defaultSecret) {
      cspSecretDir = join(dir, 'secret');
      await mkdir(cspSecretDir, { mode: 0o700 });
      for (const [key, value] of Object.entries(options.defaultSecret)) {
        await writeFile(join(cspSecretDir, key), value, { mode: 0o600 });
      }
    }
    let cspCaFile = options.cspCaFile;
    if (!cspCaFile) {
      cspCaFile = join(dir, 'csp-ca.crt');
      await writeFile(cspCaFile, (await testPki()).ca.cert);
    }
    const logger = createDriverLogger(options.logLevel ?? process.env.HARNESS_DRIVER_LOG_LEVEL ?? 'silent');
    const mode = options.mode ?? 'controller';
    const metrics = options.metrics ? await startDriverMetrics(loopbackMetrics, driverVersion, mode) : undefined;
    const driver = await startDriver(
      {
        endpoint: socketPath,
        mode,
        cspTimeout: options.cspTimeoutMs ?? 10_000,
        cspTlsInsecure: false,
        cspCaFile,
        cspPlainHttp: options.cspPlainHttp ?? false,
        ...(cspSecretDir ? { cspSecretDir } : {}),
        ...(options.maxVolumesPerNode !== undefined ? { maxVolumesPerNode: options.maxVolumesPerNode } : {}),
      },
      { logger, cspRetries: 2, cspRetryDelayMs: 20, ...(metrics ? { metrics } : {}) },
    ).catch(async (err: unknown) => {
      await metrics?.close();
      throw err;
    });
    const client = new CsiClient(socketPath, 15_000);
    const kube = new KubeHarness(client);
    return {
      socketPath,
      driver,
      client,
      kube,
      ...(metrics ? { metricsUrl: metrics.url } : {}),
      async stop() {
        client.close();
        await driver.stop(2000);
        await metrics?.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
