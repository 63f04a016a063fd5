// Metrics of a CSP's array client: calls by method and error code with their latency, open
// connections (or API sessions), reconnects and logins.
import type { MetricsHub } from './hub.js';
import { token } from './labels.js';
import type { ArrayMetrics } from './types.js';

export function arrayMetrics(hub: MetricsHub): ArrayMetrics {
  const calls = hub.histogram({
    name: 'array_call_duration_seconds',
    help: 'Calls to the array by method (TrueNAS JSON-RPC method, DSM <api>.<method>) and result code, with their latency.',
    labels: ['method', 'code'],
  });
  const connections = hub.gauge({
    name: 'array_connections',
    help: 'Open connections to arrays: logged-in TrueNAS WebSockets, DSM API sessions (sid).',
  });
  const reconnects = hub.counter({
    name: 'array_reconnects_total',
    help: 'Connections or API sessions re-established after the array dropped them.',
  });
  const logins = hub.counter({
    name: 'array_logins_total',
    help: 'Logins to arrays by result: success, refused (credentials, expired key, policy), error.',
    labels: ['result'],
  });
  for (const result of ['success', 'refused', 'error'] as const) {
    logins.inc({ result }, 0);
  }
  connections.set(0);
  reconnects.inc(0);
  return {
    call(method, code, seconds) {
      calls.observe({ method: token(method), code: token(code) }, seconds);
    },
    connection(delta) {
      connections.inc(delta);
    },
    reconnected() {
      reconnects.inc();
    },
    login(result) {
      logins.inc({ result });
    },
  };
}
