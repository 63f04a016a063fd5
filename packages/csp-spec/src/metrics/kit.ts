// Metrics of the CSP kit: HTTP requests by route and status, open sessions, and the capacity the
// CSP last reported per pool.
import type { MetricsHub } from './hub.js';
import { token } from './labels.js';
import type { KitMetrics } from './types.js';

export function kitMetrics(hub: MetricsHub): KitMetrics {
  const requests = hub.histogram({
    name: 'csp_http_request_duration_seconds',
    help: 'CSP HTTP requests by route (contract operation) and status, with their latency.',
    labels: ['route', 'status'],
  });
  let countSessions: () => number = () => 0;
  hub.gauge({
    name: 'csp_sessions',
    help: 'Open CSP sessions: session tokens, each holding one authenticated array session.',
    collect() {
      this.set(countSessions());
    },
  });
  const capacity = hub.gauge({
    name: 'array_capacity_bytes',
    help: 'Capacity of a pool as the CSP last reported it (kind: available, total).',
    labels: ['pool', 'kind'],
  });
  return {
    request(route, status, seconds) {
      requests.observe({ route: token(route), status: String(status) }, seconds);
    },
    capacity(pool, available, total) {
      const label = pool === '' ? 'default' : token(pool);
      capacity.set({ pool: label, kind: 'available' }, available);
      if (total !== undefined) {
        capacity.set({ pool: label, kind: 'total' }, total);
      }
    },
    sessions(count) {
      countSessions = count;
    },
  };
}
