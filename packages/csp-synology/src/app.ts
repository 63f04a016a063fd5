// Builds the Synology CSP service (fastify app from the shared kit + this provider) from options.
import { readFileSync } from 'node:fs';
import { arrayMetrics, kitMetrics, startMetrics, withMetricsEndpoint } from '@opencsp/csp-spec/metrics';
import {
  buildCspApp,
  type CspApp,
  loginGuardSettings,
  type ResponseValidation,
  servingFromOptions,
} from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import type { SynologyOptions } from './options.js';
import { SynologyProvider } from './provider.js';
import { cspVersion } from './version.js';

export interface SynologyCsp extends CspApp {
  provider: SynologyProvider;
}

export async function buildSynologyCsp(
  options: SynologyOptions,
  logger: Logger,
  extra: { responseValidation?: ResponseValidation; ca?: string } = {},
): Promise<SynologyCsp> {
  const serving = servingFromOptions(options);
  if (serving.plainHttp) {
    logger.warn('serving plain HTTP (CSP_PLAIN_HTTP): array credentials from the driver cross the network in clear');
  }
  if (options.plaintextArrays.length > 0) {
    logger.warn(
      { arrays: options.plaintextArrays },
      'plain HTTP to these NAS (SYNOLOGY_PLAINTEXT_ARRAYS): the DSM password and session ids travel unencrypted',
    );
  }
  const metrics = await startMetrics(
    { address: options.metricsAddress, path: options.metricsPath },
    { component: 'csp-synology', version: cspVersion },
  );
  const provider = new SynologyProvider({
    defaultUrl: options.dsmUrl,
    allowedArrays: options.allowedArrays,
    plaintextArrays: options.plaintextArrays,
    ca: extra.ca ?? (options.caFile ? readFileSync(options.caFile, 'utf8') : undefined),
    deviceId: options.deviceId,
    sessionName: options.sessionName,
    namePrefix: options.namePrefix,
    defaultLocation: options.location,
    masking: options.masking,
    portals: options.portals,
    requestTimeoutMs: options.requestTimeout,
    connections: options.connections,
    lockTimeoutMs: options.lockTimeout,
    deleteTimeoutMs: options.deleteTimeout,
    pollIntervalMs: options.pollInterval,
    login: loginGuardSettings(options),
    snapshotIndexMaxAgeMs: options.snapshotIndexMaxAge,
    logger,
    ...(metrics ? { metrics: arrayMetrics(metrics.hub) } : {}),
  });
  const csp = await buildCspApp({
    provider,
    logger,
    tokenIdleTtlMs: options.tokenIdleTtl,
    tokenMaxTtlMs: options.tokenMaxTtl,
    ...(serving.tls ? { tls: serving.tls } : {}),
    ...(extra.responseValidation ? { responseValidation: extra.responseValidation } : {}),
    ...(metrics ? { metrics: kitMetrics(metrics.hub) } : {}),
  });
  return { ...withMetricsEndpoint(csp, metrics), provider };
}
