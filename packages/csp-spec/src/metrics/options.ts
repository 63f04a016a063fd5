// The two metrics options every opencsp process takes, as entries of its option table:
// --metrics-address ([host]:port, empty = no metrics, prom-client is then never loaded) and
// --metrics-path.
import type { OptionSpec } from '../options.js';
import type { MetricsAddress } from './server.js';

/** `:9811`, `0.0.0.0:9811`, `127.0.0.1:0`, `[::]:9811`; a missing host means every interface. */
export function parseMetricsAddress(raw: string): MetricsAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(raw.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new Error('must be [host]:port, e.g. :9811 or 127.0.0.1:9811');
  }
  const host = match[1] ?? (match[2] || '0.0.0.0');
  return { host, port };
}

function parseMetricsPath(raw: string): string {
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(raw)) {
    throw new Error('must be a URL path such as /metrics');
  }
  return raw;
}

export interface MetricsSettings {
  address: MetricsAddress | undefined;
  path: string;
}

/** The option-table entries, with environment variables `<envPrefix>_METRICS_ADDRESS` and `_PATH`. */
export function metricsOptions(envPrefix: string): {
  metricsAddress: OptionSpec<MetricsAddress>;
  metricsPath: OptionSpec<string>;
} {
  return {
    metricsAddress: {
      flag: 'metrics-address',
      env: `${envPrefix}_METRICS_ADDRESS`,
      description: 'serve Prometheus metrics on [host]:port over plain HTTP (e.g. :9811); unset: no metrics',
      parse: parseMetricsAddress,
    },
    metricsPath: {
      flag: 'metrics-path',
      env: `${envPrefix}_METRICS_PATH`,
      description: 'HTTP path of the metrics',
      parse: parseMetricsPath,
      default: '/metrics',
    },
  };
}
