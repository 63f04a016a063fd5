// CSI RPC metrics: latency histograms by service, method and gRPC code, calls in flight, and
// ABORTED answers to concurrent duplicates. Instruments are bound per method when the handler is
// wrapped, so a call does a map lookup and the histogram's own work, nothing more.
import type { MetricsHub } from '@opencsp/csp-spec/metrics';
import type { RpcMetrics, RpcProbe } from './types.js';

const identityMethods = new Set(['GetPluginInfo', 'GetPluginCapabilities', 'Probe']);

/** The CSI service of an RPC method (method names are unique across the CSI services). */
export function serviceOf(method: string): 'Identity' | 'Controller' | 'Node' {
  if (identityMethods.has(method)) {
    return 'Identity';
  }
  return method.startsWith('Node') ? 'Node' : 'Controller';
}

export function rpcMetrics(hub: MetricsHub): RpcMetrics {
  const duration = hub.histogram({
    name: 'csi_rpc_duration_seconds',
    help: 'CSI RPCs by service, method and gRPC status code, with their latency.',
    labels: ['service', 'method', 'code'],
  });
  const inFlight = hub.gauge({
    name: 'csi_rpc_in_flight',
    help: 'CSI RPCs being served now.',
    labels: ['service', 'method'],
  });
  const duplicates = hub.counter({
    name: 'csi_rpc_aborted_duplicates_total',
    help: 'CSI RPCs answered ABORTED because another call was working on the same volume, snapshot or name.',
    labels: ['service', 'method'],
  });
  return {
    probe(method): RpcProbe {
      const service = serviceOf(method);
      const running = inFlight.labels({ service, method });
      running.set(0);
      const aborted = duplicates.labels({ service, method });
      aborted.inc(0);
      const histogramFor = (code: string) => duration.labels({ service, method, code });
      const byCode = new Map<string, ReturnType<typeof histogramFor>>();
      return {
        begin() {
          running.inc();
        },
        end(code, seconds, isDuplicate) {
          running.dec();
          let histogram = byCode.get(code);
          if (!histogram) {
            histogram = histogramFor(code);
            byCode.set(code, histogram);
          }
          histogram.observe(seconds);
          if (isDuplicate) {
            aborted.inc();
          }
        },
      };
    },
  };
}
