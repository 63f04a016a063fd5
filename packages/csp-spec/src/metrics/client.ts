// Metrics of the driver's CSP client: requests by operation and HTTP status with their latency,
// and logins (first, and again after the CSP refused a token).
import type { MetricsHub } from './hub.js';
import { token } from './labels.js';
import type { CspClientMetrics } from './types.js';

export function cspClientMetrics(hub: MetricsHub): CspClientMetrics {
  const requests = hub.histogram({
    name: 'csp_request_duration_seconds',
    help: 'Requests of the driver to CSPs by contract operation and HTTP status (timeout, connection_error without an answer), retries included.',
    labels: ['operation', 'status'],
  });
  const logins = hub.counter({
    name: 'csp_logins_total',
    help: 'Logins of the driver to CSPs: kind first or relogin (the CSP refused a token it issued, e.g. after a CSP restart), by result.',
    labels: ['kind', 'result'],
  });
  for (const kind of ['first', 'relogin'] as const) {
    for (const result of ['success', 'refused', 'error'] as const) {
      logins.inc({ kind, result }, 0);
    }
  }
  return {
    request(operation, status, seconds) {
      requests.observe({ operation: token(operation), status: token(status) }, seconds);
    },
    login(kind, result) {
      logins.inc({ kind, result });
    },
  };
}
