// The TrueNAS CSP as a fastify application: the shared kit plus this provider.
import { buildCspApp, type CspApp } from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import type { TrueNasCspConfig } from './options.js';
import { TrueNasProvider } from './provider.js';

export async function buildTrueNasCsp(config: TrueNasCspConfig, logger: Logger): Promise<CspApp> {
  return buildCspApp({
    provider: new TrueNasProvider(config, logger),
    logger,
    tokenIdleTtlMs: config.tokenIdleTtlMs,
    tokenMaxTtlMs: config.tokenMaxTtlMs,
    responseValidation: config.responseValidation,
    docs: config.docs,
    ...(config.serving.tls ? { tls: config.serving.tls } : {}),
  });
}
