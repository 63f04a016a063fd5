// The TrueNAS CSP as a fastify application: the shared kit plus this provider, and its metrics
// endpoint when --metrics-address is set.
import { arrayMetrics, kitMetrics, startMetrics, withMetricsEndpoint } from '@opencsp/csp-spec/metrics';
import { buildCspApp, type CspApp } from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import { cspVersion } from './capacity.js';
import type { TrueNasCspConfig } from './options.js';
import { TrueNasProvider } from './provider.js';

export async function buildTrueNasCsp(config: TrueNasCspConfig, logger: Logger): Promise<CspApp> {
  const metrics = await startMetrics(config.metrics, { component: 'csp-truenas', version: cspVersion });
  const csp = await buildCspApp({
    provider: new TrueNasProvider(config, logger, metrics && arrayMetrics(metrics.hub)),
    ...(metrics ? { metrics: kitMetrics(metrics.hub) } : {}),
    logger,
    tokenIdleTtlMs: config.tokenIdleTtlMs,
    tokenMaxTtlMs: config.tokenMaxTtlMs,
    responseValidation: config.responseValidation,
    docs: config.docs,
    ...(config.serving.tls ? { tls: config.serving.tls } : {}),
  });
  return withMetricsEndpoint(csp, metrics);
}
