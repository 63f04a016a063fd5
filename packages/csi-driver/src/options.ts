// Command-line and environment options of the driver. The node half adds its own entries here.
import { metricsOptions } from '@opencsp/csp-spec/metrics';
import { type OptionValues, parseOptions, parsers } from '@opencsp/csp-spec/options';
import { defaultIscsiadmOptions } from './host/iscsiadm.js';

export const modes = ['controller', 'node', 'all'] as const;
export const hostModes = ['direct', 'chroot', 'nsenter'] as const;
export type HostModeName = (typeof hostModes)[number];
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
  cspConnections: {
    flag: 'csp-connections',
    env: 'OPENCSP_CSP_CONNECTIONS',
    description:
      "controller: CSP requests in flight at once per CSP session, the rest wait (default: the sidecars' worker counts, 100 + 10 + 10 + 10)",
    parse: parsers.int(1, 10_000),
    default: 130,
  },
  cspTlsInsecure: {
    flag: 'csp-tls-insecure',
    env: 'OPENCSP_CSP_TLS_INSECURE',
    description: 'do not verify the CSP TLS certificate (labs only: anyone in the path can read credentials)',
    parse: parsers.bool,
    default: false,
  },
  cspCaFile: {
    flag: 'csp-ca-file',
    env: 'OPENCSP_CSP_CA_FILE',
    description:
      'PEM bundle of the CA(s) that signed the CSP certificates (re-read when it changes); default: system CAs',
    parse: parsers.string,
  },
  cspPlainHttp: {
    flag: 'csp-plain-http',
    env: 'OPENCSP_CSP_PLAIN_HTTP',
    description:
      'service mode: reach CSP Services over plain HTTP instead of HTTPS (only for CSPs run with --plain-http; credentials then cross the pod network in clear)',
    parse: parsers.bool,
    default: false,
  },
  cspSecretDir: {
    flag: 'csp-secret-dir',
    env: 'OPENCSP_CSP_SECRET_DIR',
    description:
      'directory of a mounted Secret (backend, username, password, ...) used by RPCs that carry no secrets: ListVolumes, GetCapacity, ControllerGetVolume, Probe',
    parse: parsers.string,
  },
  hostMode: {
    flag: 'host-mode',
    env: 'OPENCSP_HOST_MODE',
    description:
      'node: how host tools run: direct (in this container or on the host), chroot (into --host-root), nsenter (into the namespaces of iscsid)',
    parse: parsers.oneOf(...hostModes),
    default: 'direct' as HostModeName,
  },
  hostRoot: {
    flag: 'host-root',
    env: 'OPENCSP_HOST_ROOT',
    description: "node: where the host's / is mounted (chroot and nsenter modes)",
    parse: parsers.string,
    default: '/host',
  },
  stateDir: {
    flag: 'state-dir',
    env: 'OPENCSP_STATE_DIR',
    description: 'node: directory of the per-volume state files; a hostPath that survives pod restarts',
    parse: parsers.string,
    default: '/var/lib/opencsp/node',
  },
  groupSnapshots: {
    flag: 'group-snapshots',
    env: 'OPENCSP_GROUP_SNAPSHOTS',
    description:
      'the plugin serves VolumeGroupSnapshots: advertise GROUP_CONTROLLER_SERVICE where no CSP can be asked (node mode; a controller that knows no CSP yet). A controller that knows its CSPs decides from their snapshot_groups claim',
    parse: parsers.bool,
    default: false,
  },
  maxVolumesPerNode: {
    flag: 'max-volumes-per-node',
    env: 'OPENCSP_MAX_VOLUMES',
    description:
      'block volumes (iSCSI, NVMe over fabrics) one node may have (0 = no limit): the node reports it minus the volumes others attached to it, the controller has CSPs that claim host_volume_limit refuse a publish beyond it',
    parse: parsers.int(0, 100_000),
    default: 0,
  },
  reservedVolumeAttachments: {
    flag: 'reserved-volume-attachments',
    env: 'OPENCSP_RESERVED_VOLUMES',
    description:
      'node: of --max-volumes-per-node, slots kept for block volumes opencsp does not attach (another driver, logins by hand); more are kept while more such volumes are attached',
    parse: parsers.int(0, 100_000),
    default: 0,
  },
  multipath: {
    flag: 'multipath',
    env: 'OPENCSP_MULTIPATH',
    description:
      'node: required (stage fails without a multipath map), preferred (use a map when multipathd makes one) or off',
    parse: parsers.oneOf('required', 'preferred', 'off'),
    default: 'preferred' as 'required' | 'preferred' | 'off',
  },
  iscsiNodeDbConcurrency: {
    flag: 'iscsi-node-db-concurrency',
    env: 'OPENCSP_ISCSI_NODE_DB_CONCURRENCY',
    description:
      'node: iscsiadm node-database writers (record create, update, delete) run at once; the rest queue. Each walks every record of the node and takes its lock file: a few overlap well, many more only add pollers of the lock',
    parse: parsers.int(1, 64),
    default: defaultIscsiadmOptions.nodeDbConcurrency,
  },
  iscsiNodeDbTimeout: {
    flag: 'iscsi-node-db-timeout',
    env: 'OPENCSP_ISCSI_NODE_DB_TIMEOUT',
    description:
      'node: deadline of one iscsiadm node-database writer (e.g. 2m; a bare number is ms). A writer killed while it holds the lock file leaves it behind, so keep it long',
    parse: durationAtLeast(1000),
    default: defaultIscsiadmOptions.nodeDbTimeoutMs,
  },
  nvme: {
    flag: 'nvme',
    env: 'OPENCSP_NVME',
    description:
      'node: NVMe/TCP: auto (serve it and put the host NQN in the node id when /etc/nvme/hostnqn exists), on (require it), off',
    parse: parsers.oneOf('auto', 'on', 'off'),
    default: 'auto' as 'auto' | 'on' | 'off',
  },
  ...metricsOptions('OPENCSP'),
};

export type DriverOptions = OptionValues<typeof driverOptionTable>;

/** A duration (`30s`, `2m`, a bare number of ms) of at least `minMs`. */
function durationAtLeast(minMs: number) {
  return (raw: string): number => {
    const ms = parsers.duration(raw);
    if (ms < minMs) {
      throw new Error(`must be at least ${minMs} ms (a duration such as 30s or 2m)`);
    }
    return ms;
  };
}

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
