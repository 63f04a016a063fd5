// Command-line and environment options of the driver. The node half adds its own entries here.
import { type OptionValues, parseOptions, parsers } from '@opencsp/csp-spec/options';

export const modes = ['controller', 'node', 'all'] as const;
export type Mode = (typeof modes)[number];

export const driverOptionTable = {
  endpoint: {
    flag: 'endpoint',
    env: 'CSI_ENDPOINT',
    description: 'gRPC endpoint the sidecars and kubelet connect to (unix:///path/to/csi.sock)',
    parse: parseEndpoint,
    default: '/csi/csi.sock',
  },
  mode: {
    flag: 'mode',
    env: 'CSI_MODE',
    description: 'which services to serve: controller (Deployment), node (DaemonSet) or all',
    parse: parsers.oneOf(...modes),
    default: 'all' as Mode,
  },
  nodeName: {
    flag: 'node-name',
    env: 'NODE_NAME',
    description: 'Kubernetes node name (node modes)',
    parse: parsers.string,
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    description: 'trace, debug, info, warn or error',
    parse: parsers.oneOf('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
    default: 'info',
  },
  cspTimeout: {
    flag: 'csp-timeout',
    env: 'OPENCSP_CSP_TIMEOUT',
    description: 'deadline of one CSP request (e.g. 60s, 5m)',
    parse: parsers.duration,
    default: 60_000,
  },
  cspTlsInsecure: {
    flag: 'csp-tls-insecure',
    env: 'OPENCSP_CSP_TLS_INSECURE',
    description: 'direct mode: do not verify the CSP TLS certificate (self-signed arrays)',
    parse: parsers.bool,
    default: false,
  },
  cspCaFile: {
    flag: 'csp-ca-file',
    env: 'OPENCSP_CSP_CA_FILE',
    description: 'direct mode: PEM file of the CA that signed the CSP certificate',
    parse: parsers.string,
  },
  cspSecretDir: {
    flag: 'csp-secret-dir',
    env: 'OPENCSP_CSP_SECRET_DIR',
    description:
      'directory of a mounted Secret (backend, username, password, ...) used by RPCs that carry no secrets: ListVolumes, GetCapacity, ControllerGetVolume, Probe',
    parse: parsers.string,
  },
};

export type DriverOptions = OptionValues<typeof driverOptionTable>;

/** `unix:///csi/csi.sock`, `unix:/csi/csi.sock` or a bare absolute path → the socket path. */
export function parseEndpoint(raw: string): string {
  const match = /^(?:unix:\/\/|unix:)?(\/.+)$/.exec(raw.trim());
  if (!match?.[1]) {
    throw new Error('must be a unix socket such as unix:///csi/csi.sock');
  }
  return match[1];
}

export function parseDriverOptions(argv: readonly string[], env: Record<string, string | undefined> = process.env) {
  return parseOptions(driverOptionTable, argv, env);
}
