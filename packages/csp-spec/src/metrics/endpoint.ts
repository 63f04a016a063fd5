// What a process does at start when --metrics-address is set: one hub, the process metrics, and
// the HTTP endpoint. Without an address it returns undefined and nothing is loaded.
import type { CspApp } from '../server/app.js';
import { MetricsHub } from './hub.js';
import type { MetricsSettings } from './options.js';
import { type BuildInfo, registerProcessMetrics } from './process.js';
import { serveMetrics } from './server.js';

export interface RunningMetrics {
  hub: MetricsHub;
  /** Where the metrics are served. */
  url: string;
  close(): Promise<void>;
}

export async function startMetrics(settings: MetricsSettings, build: BuildInfo): Promise<RunningMetrics | undefined> {
  if (!settings.address) {
    return undefined;
  }
  const hub = new MetricsHub();
  registerProcessMetrics(hub, build);
  const server = await serveMetrics(hub, settings.address, settings.path);
  return { hub, url: server.url, close: () => server.close() };
}

/** The CSP with its metrics endpoint: the URL is known and shutdown closes the endpoint last. */
export function withMetricsEndpoint(csp: CspApp, metrics: RunningMetrics | undefined): CspApp {
  if (!metrics) {
    return csp;
  }
  return {
    ...csp,
    metricsUrl: metrics.url,
    shutdown: async () => {
      try {
        await csp.shutdown();
      } finally {
        await metrics.close();
      }
    },
  };
}
