// Assembles the driver for a mode: Identity always, Controller in controller/all, Node in
// node/all (the node half injects its implementation), all on one unix socket. The controller
// half (and its CSP client) is loaded only in the modes that serve it.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { caBundleReader } from './csp/ca-bundle.js';
import type { CspSessions } from './csp/sessions.js';
import { InFlight } from './grpc/inflight.js';
import type { WrapContext } from './grpc/wrapper.js';
import { identityService, type ReadinessCheck } from './identity.js';
import type { DriverMetrics } from './metrics/types.js';
import type { NodeService } from './node/service.js';
import { nodeGrpcService } from './node-grpc.js';
import type { DriverOptions } from './options.js';
import { loadCsi } from './proto.js';
import { type RunningServer, type ServiceRegistration, startServer } from './server.js';

export interface DriverDeps {
  logger: Logger;
  /** The Node service (required in node and all modes; see node/assemble.ts). */
  node?: NodeService;
  nodeReadiness?: ReadinessCheck;
  /** CSP connection retries after a connection failure (tests lower it). */
  cspRetries?: number;
  cspRetryDelayMs?: number;
  /** Instruments of this process (metrics on; see metrics/index.ts). */
  metrics?: DriverMetrics;
}

export interface RunningDriver extends RunningServer {
  sessions: CspSessions | undefined;
}

export const driverVersion: string = JSON.parse(
  await readFile(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export async function startDriver(
  options: Pick<DriverOptions, 'endpoint' | 'mode' | 'cspTimeout' | 'cspTlsInsecure'> &
    Partial<
      Pick<
        DriverOptions,
        'cspCaFile' | 'cspSecretDir' | 'cspConnections' | 'cspPlainHttp' | 'maxVolumesPerNode' | 'groupSnapshots'
      >
    >,
  deps: DriverDeps,
): Promise<RunningDriver> {
  const csi = loadCsi().csi.v1;
  const wrap: WrapContext = {
    logger: deps.logger,
    inflight: new InFlight(),
    ...(deps.metrics ? { metrics: deps.metrics.rpc } : {}),
  };
  const services: ServiceRegistration[] = [];
  let sessions: CspSessions | undefined;
  if (options.mode !== 'node') {
    const [{ CspSessions }, { controllerService }, { groupControllerService }] = await Promise.all([
      import('./csp/sessions.js'),
      import('./controller/index.js'),
      import('./controller/group-controller.js'),
    ]);
    sessions = new CspSessions({
      timeoutMs: options.cspTimeout,
      ...(options.cspConnections !== undefined ? { connections: options.cspConnections } : {}),
      tlsInsecure: options.cspTlsInsecure,
      ca: options.cspCaFile ? await caBundleReader(options.cspCaFile, deps.logger) : undefined,
      plainHttp: options.cspPlainHttp ?? false,
      ...(deps.cspRetries !== undefined ? { retries: deps.cspRetries } : {}),
      ...(deps.cspRetryDelayMs !== undefined ? { retryDelayMs: deps.cspRetryDelayMs } : {}),
      ...(deps.metrics?.csp ? { metrics: deps.metrics.csp } : {}),
    });
    if (options.cspSecretDir) {
      await sessions.loadDefault(options.cspSecretDir);
    }
    const controller = {
      sessions,
      logger: deps.logger,
      maxVolumesPerNode: options.maxVolumesPerNode ?? 0,
      groupSnapshots: options.groupSnapshots ?? false,
    };
    services.push(
      { definition: csi.Controller.service, handlers: controllerService(controller, wrap) },
      { definition: csi.GroupController.service, handlers: groupControllerService(controller, wrap) },
    );
  }
  if (options.mode !== 'controller') {
    if (!deps.node) {
      throw new Error(`mode ${options.mode} serves the Node service, but no NodeService was given`);
    }
    services.push({ definition: csi.Node.service, handlers: nodeGrpcService(deps.node, wrap) });
  }
  services.push({
    definition: csi.Identity.service,
    handlers: identityService(
      {
        mode: options.mode,
        version: driverVersion,
        ...(sessions ? { sessions } : {}),
        groupSnapshots: options.groupSnapshots ?? false,
        ...(deps.nodeReadiness ? { nodeReadiness: deps.nodeReadiness } : {}),
      },
      wrap,
    ),
  });
  const server = await startServer(options.endpoint, services);
  deps.logger.info({ socket: options.endpoint, mode: options.mode, version: driverVersion }, 'CSI driver listening');
  return {
    socketPath: server.socketPath,
    sessions,
    stop: async (graceMs?: number) => {
      await server.stop(graceMs);
      await sessions?.close();
    },
  };
}
