// The driver process: builds the node half for node modes (reconciling its state files with the
// host first), serves the CSI services on the socket, and shuts down gracefully on SIGTERM/SIGINT.
// main.ts runs it with the production node; a launcher that swaps the node's transport passes
// overrides and runs exactly the same program otherwise. The node half is loaded only in node and
// all modes.
import { driverVersion, startDriver } from './driver.js';
import { createDriverLogger } from './logger.js';
import type { NodeAssemblyOverrides } from './node/assemble.js';
import type { DriverOptions } from './options.js';

export async function runDriver(options: DriverOptions, overrides: NodeAssemblyOverrides = {}): Promise<void> {
  const logger = createDriverLogger(options.logLevel);
  if (options.mode !== 'node' && options.cspPlainHttp) {
    logger.warn('--csp-plain-http: array credentials go to CSP Services in clear over the pod network');
  }
  if (options.mode !== 'node' && options.cspTlsInsecure) {
    logger.warn('--csp-tls-insecure: CSP certificates are not verified; anyone in the path can read credentials');
  }
  const metrics = options.metricsAddress
    ? await (await import('./metrics/index.js')).startDriverMetrics(
        { address: options.metricsAddress, path: options.metricsPath },
        driverVersion,
        options.mode,
      )
    : undefined;
  if (metrics) {
    logger.info({ url: metrics.url }, 'serving metrics');
  }
  const node =
    options.mode === 'controller'
      ? undefined
      : (await import('./node/assemble.js')).assembleNode(options, logger, overrides, metrics);
  if (node) {
    for (const finding of await node.service.reconcile()) {
      logger.warn({ finding }, 'node state and host disagree');
    }
  }
  const driver = await startDriver(options, {
    logger,
    ...(node ? { node: node.service, nodeReadiness: node.readiness } : {}),
    ...(metrics ? { metrics } : {}),
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    driver
      .stop(25_000)
      .then(() => metrics?.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
