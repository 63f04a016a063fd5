// @opencsp/csp-spec/metrics: Prometheus metrics of opencsp processes. Importing it loads no
// metrics library; prom-client is required the first time a MetricsHub is created.
//
//   const hub = new MetricsHub();                       one per process
//   registerProcessMetrics(hub, { component, version });
//   const server = await serveMetrics(hub, { host: '0.0.0.0', port: 9811 }, '/metrics');
export { arrayMetrics } from './array.js';
export { cspClientMetrics } from './client.js';
export { type RunningMetrics, startMetrics, withMetricsEndpoint } from './endpoint.js';
export { latencyBuckets, type MetricSpec, MetricsHub } from './hub.js';
export { kitMetrics } from './kit.js';
export { allowedLabels, commandLabel, isAllowedLabel, type LabelName, token } from './labels.js';
export { type MetricsSettings, metricsOptions, parseMetricsAddress } from './options.js';
export { type BuildInfo, registerProcessMetrics } from './process.js';
export { promModules } from './prom.js';
export { type MetricsAddress, type MetricsServer, serveMetrics } from './server.js';
export type { ArrayMetrics, CspClientMetrics, KitMetrics, LoginRefusalReason, LoginResult } from './types.js';
