#!/usr/bin/env node
// opencsp-csi-driver: parses options, serves the CSI services for the chosen mode on a unix
// socket, and shuts down gracefully on SIGTERM/SIGINT.
import { helpText, OptionsError } from '@opencsp/csp-spec/options';
import { startDriver } from './driver.js';
import { createDriverLogger } from './logger.js';
import { assembleNode } from './node/assemble.js';
import { driverOptionTable, parseDriverOptions } from './options.js';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseDriverOptions>;
  try {
    parsed = parseDriverOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof OptionsError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    console.log(helpText('opencsp-csi-driver', driverOptionTable));
    return;
  }
  const options = parsed.values;
  const logger = createDriverLogger(options.logLevel);
  if (options.mode !== 'node' && options.cspPlainHttp) {
    logger.warn('--csp-plain-http: array credentials go to CSP Services in clear over the pod network');
  }
  if (options.mode !== 'node' && options.cspTlsInsecure) {
    logger.warn('--csp-tls-insecure: CSP certificates are not verified; anyone in the path can read credentials');
  }
  const node = options.mode === 'controller' ? undefined : assembleNode(options, logger);
  if (node) {
    for (const finding of await node.service.reconcile()) {
      logger.warn({ finding }, 'node state and host disagree');
    }
  }
  const driver = await startDriver(options, {
    logger,
    ...(node ? { node: node.service, nodeReadiness: node.readiness } : {}),
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    driver.stop(25_000).then(
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

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
