// Every label name a metric of opencsp may carry, and the rules for their values. A label must
// never hold a user name, a caller's address, a volume or snapshot name or id, or anything secret,
// and must take few values (each value combination is a time series in Prometheus). The hub
// refuses any other label name when a metric is created; a test reads every exposed series of a
// running stack and checks it against this list.

/** Label names and what their values are. */
export const allowedLabels = {
  service: 'CSI service: Identity, Controller, Node',
  method: 'CSI RPC name, TrueNAS JSON-RPC method, or DSM `<api>.<method>`',
  code: 'gRPC status name, or the array’s error code (errno name, JSON-RPC or DSM code)',
  operation: 'CSP contract operation (operationId) the driver called',
  route: 'CSP route: the contract operationId, or healthz, readyz, docs, unmatched',
  status: 'HTTP status code, or timeout / connection_error when there was no answer',
  command: 'host command (basename of the executable: iscsiadm, mount, mkfs.xfs...)',
  result: 'outcome: success, failure, timeout, refused, error',
  reason: 'why the CSP answered a login without contacting the array: limit, blocked, remembered',
  transport: 'node transport: iscsi (loop in the test bed)',
  state: 'path or session state: active/failed, logged_in/failed',
  health: 'volume path health: healthy, degraded, down',
  kind: 'which of a few related values (capacity: available, total; login: first, relogin)',
  pool: 'array pool the CSP reported capacity for (TrueNAS parent dataset, DSM volume)',
  component: 'csi-driver, csp-truenas, csp-synology',
  version: 'the component’s version',
  le: 'histogram bucket bound (added by the histogram)',
} as const;

export type LabelName = keyof typeof allowedLabels;

export function isAllowedLabel(name: string): name is LabelName {
  return Object.hasOwn(allowedLabels, name);
}

const safeValue = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$/;

/**
 * A label value that came from outside our code (an array's error code, a pool name, an HTTP
 * status): kept when it is a short token, `other` otherwise, so a surprising answer cannot
 * create unbounded series or carry text.
 */
export function token(value: string | number | undefined, fallback = 'other'): string {
  const text = value === undefined ? '' : String(value);
  return safeValue.test(text) ? text : fallback;
}

/** The label of a host command: the executable's basename when it is a plain tool name. */
export function commandLabel(cmd: string): string {
  const base = cmd.slice(cmd.lastIndexOf('/') + 1);
  return /^[a-z][a-z0-9._-]{0,31}$/i.test(base) ? base : 'other';
}
