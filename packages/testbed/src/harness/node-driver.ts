// The driver in node mode, in-process on its own unix socket, as the node DaemonSet runs it: the
// real NodeService (direct host runner, real /sys, /dev and mounts, file state store) with the
// testbed's loop transport standing in for the iSCSI login (and, where the array serves it, for
// the NVMe/TCP connect). Everything after the login (mkfs,
// mount, bind, raw block, grow, stats) runs for real. `stop()` stops the driver and removes its
// directory; mounts and loop devices are the e2e stack's business (it owns the kubelet dir).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDriverLogger,
  driverVersion,
  type RunningDriver,
  startDriver,
  startDriverMetrics,
} from '@opencsp/csi-driver';
import {
  checkNodeReadiness,
  FileStateStore,
  NodeService,
  parseNvmeSpec,
  RootedHostFiles,
  SpawnRunner,
} from '@opencsp/csi-driver/node';
import { type BackingResolver, type LoopSessions, LoopTransport } from '../loop/index.js';
import { CsiClient } from './client.js';
import { loopbackMetrics } from './driver.js';

export interface NodeDriverOptions {
  /** The Kubernetes node name (first part of the node id). */
  nodeName: string;
  /** Initiator names NodeGetInfo puts in the node id (what /etc/iscsi/initiatorname.iscsi would hold). */
  initiatorNames: string[];
  /** Networks (CIDRs) for the node id. */
  networks?: string[];
  /** Maps a publish context to the LUN's backing file (the array simulator knows). */
  resolve: BackingResolver;
  /** Simulated iSCSI login/logout around each attach/detach. */
  sessions?: LoopSessions;
  /**
   * NVMe/TCP stand-in: the node's host NQN (it goes into the node id), the namespace resolver and
   * the simulated connects; a second loop transport answers `accessProtocol: nvmetcp`.
   */
  nvme?: { hostnqn: string; resolve: BackingResolver; sessions?: LoopSessions };
  /** pino level of the driver's log (default silent, or HARNESS_DRIVER_LOG_LEVEL). */
  logLevel?: string;
  /** Serve the node driver's metrics on a free loopback port (`metricsUrl`). */
  metrics?: boolean;
}

export interface NodeDriverFixture {
  socketPath: string;
  driver: RunningDriver;
  service: NodeService;
  client: CsiClient;
  /** Where the node keeps its per-volume state files. */
  stateDir: string;
  /** Where the node driver serves its metrics (option `metrics`). */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export async function startNodeDriver(options: NodeDriverOptions): Promise<NodeDriverFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'opencsp-node-'));
  const metrics = options.metrics ? await startDriverMetrics(loopbackMetrics, driverVersion, 'node') : undefined;
  try {
    const socketPath = join(dir, 'csi.sock');
    const stateDir = join(dir, 'state');
    const logger = createDriverLogger(options.logLevel ?? process.env.HARNESS_DRIVER_LOG_LEVEL ?? 'silent');
    const nodeLogger = logger.child({ component: 'node', node: options.nodeName });
    const runner = new SpawnRunner({ kind: 'direct' }, nodeLogger, metrics?.host);
    const files = new RootedHostFiles('/');
    const transport = new LoopTransport({
      runner,
      files,
      resolve: options.resolve,
      ...(options.sessions ? { sessions: options.sessions } : {}),
    });
    const nvme = options.nvme;
    const nvmeTransport = nvme
      ? new LoopTransport({
          runner,
          files,
          name: 'nvmetcp',
          resolve: nvme.resolve,
          validate: parseNvmeSpec,
          ...(nvme.sessions ? { sessions: nvme.sessions } : {}),
        })
      : undefined;
    const service = new NodeService({
      runner,
      files,
      store: new FileStateStore(stateDir),
      logger: nodeLogger,
      ...(metrics?.node ? { metrics: metrics.node } : {}),
      transports: nvmeTransport ? [transport, nvmeTransport] : [transport],
      options: {
        nodeName: options.nodeName,
        initiatorNames: options.initiatorNames,
        ...(nvme ? { nvme: 'on' as const, nvmeHost: { hostnqn: nvme.hostnqn } } : { nvme: 'off' as const }),
        networks: options.networks ?? [],
        unmount: { attempts: 5, retryDelayMs: 200 },
        growTimeoutMs: 10_000,
        pollIntervalMs: 100,
      },
    });
    const driver = await startDriver(
      { endpoint: socketPath, mode: 'node', cspTimeout: 10_000, cspTlsInsecure: false },
      {
        logger,
        ...(metrics ? { metrics } : {}),
        node: service,
        nodeReadiness: async () => {
          const report = await checkNodeReadiness({ runner, files, iscsi: false, multipath: 'off' });
          return report.ready ? { ready: true } : { ready: false, message: report.problems.join('; ') };
        },
      },
    );
    const client = new CsiClient(socketPath, 60_000);
    return {
      socketPath,
      driver,
      service,
      client,
      stateDir,
      ...(metrics ? { metricsUrl: metrics.url } : {}),
      async stop() {
        client.close();
        await driver.stop(2000);
        await metrics?.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await metrics?.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
