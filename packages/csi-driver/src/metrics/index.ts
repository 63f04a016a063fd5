// The driver's metrics (loaded with `import()` only when --metrics-address is set): one hub per
// process with the process metrics, the RPC, CSP client, host command and node instruments, and
// the HTTP endpoint.
import { cspClientMetrics, type MetricsSettings, startMetrics } from '@opencsp/csp-spec/metrics';
import { hostMetrics } from './host.js';
import { nodeMetrics } from './node.js';
import { rpcMetrics } from './rpc.js';
import type { DriverMetrics } from './types.js';

export type { DriverMetrics } from './types.js';

export interface RunningDriverMetrics extends DriverMetrics {
  url: string;
  close(): Promise<void>;
}

export async function startDriverMetrics(
  settings: MetricsSettings,
  version: string,
  mode: 'controller' | 'node' | 'all',
): Promise<RunningDriverMetrics | undefined> {
  const running = await startMetrics(settings, { component: 'csi-driver', version });
  if (!running) {
    return undefined;
  }
  const { hub } = running;
  return {
    rpc: rpcMetrics(hub),
    ...(mode !== 'node' ? { csp: cspClientMetrics(hub) } : {}),
    ...(mode !== 'controller' ? { host: hostMetrics(hub), node: nodeMetrics(hub) } : {}),
    url: running.url,
    close: () => running.close(),
  };
}
