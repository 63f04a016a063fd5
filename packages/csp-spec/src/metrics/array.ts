// Metrics of a CSP's array client: calls by method and error code with their latency, open
// connections (or API sessions), reconnects and logins, and logins the login guard answered itself.
import type { MetricsHub } from './hub.js';
import { token } from './labels.js';
import type { ArrayMetrics, LoginRefusalReason } from './types.js';

const loginRefusalReasons: readonly LoginRefusalReason[] = ['limit', 'blocked', 'remembered'];

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
  const refusals = hub.counter({
    name: 'csp_login_refusals_total',
    help: "Logins the CSP's login guard answered without contacting the array, by reason: limit (too many failed logins, 429), blocked (the array blocks the CSP's address, 429), remembered (credentials the array refused before, 401).",
    labels: ['reason'],
  });
  for (const reason of loginRefusalReasons) {
    refusals.inc({ reason }, 0);
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
    loginRefused(reason) {
      refusals.inc({ reason });
    },
  };
}
