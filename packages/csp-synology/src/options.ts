// Every setting of the Synology CSP, as command-line flags and environment variables. The README
// lists the same table; `csp-synology --help` prints it.
import { metricsOptions } from '@opencsp/csp-spec/metrics';
import { type OptionSpec, type OptionValues, parsers } from '@opencsp/csp-spec/options';
import { loginGuardOptions, servingOptionTable } from '@opencsp/csp-spec/server';
import { normalizeLocation } from './config.js';
import { dsmNamePattern } from './ids.js';
import { type MaskingMode, maskingModes } from './masking.js';

const opt = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec;

const prefix = (raw: string): string => {
  if (!dsmNamePattern.test(raw) || raw.length > 32) {
    throw new Error('must be up to 32 of A-Z a-z 0-9 . : - and start with a letter or digit');
  }
  return raw;
};

export const optionTable = {
  host: opt({
    flag: 'host',
    env: 'CSP_HOST',
    description: 'Address the CSP listens on',
    parse: parsers.string,
    default: '0.0.0.0',
  }),
  port: opt({
    flag: 'port',
    env: 'CSP_PORT',
    description: 'Port the CSP listens on',
    parse: parsers.int(0, 65535),
    default: 8080,
  }),
  logLevel: opt({
    flag: 'log-level',
    env: 'LOG_LEVEL',
    description: 'trace, debug, info, warn or error',
    parse: parsers.oneOf('trace', 'debug', 'info', 'warn', 'error'),
    default: 'info',
  }),
  ...servingOptionTable,
  dsmUrl: opt({
    flag: 'dsm-url',
    env: 'SYNOLOGY_URL',
    description:
      'Default NAS, e.g. https://nas.example:5001 (used when a login names no array; always allowed; http:// only if listed in SYNOLOGY_PLAINTEXT_ARRAYS)',
    parse: parsers.string,
  }),
  allowedArrays: opt({
    flag: 'allowed-arrays',
    env: 'SYNOLOGY_ALLOWED_ARRAYS',
    description:
      'More NAS a login may name in array_ip (exact host or host:port, comma-separated; no port means 5001); no other NAS is ever contacted',
    parse: parsers.list,
    default: [] as string[],
  }),
  plaintextArrays: opt({
    flag: 'plaintext-arrays',
    env: 'SYNOLOGY_PLAINTEXT_ARRAYS',
    description:
      'NAS (SYNOLOGY_URL or in SYNOLOGY_ALLOWED_ARRAYS) reached over plain HTTP (no port means 5000): the password and session ids travel unencrypted (labs only)',
    parse: parsers.list,
    default: [] as string[],
  }),
  caFile: opt({
    flag: 'dsm-ca-file',
    env: 'SYNOLOGY_CA_FILE',
    description:
      'PEM file with the CA of the NAS certificate (default: system CAs); a certificate in it that the NAS presents itself is trusted whatever names it holds',
    parse: parsers.string,
  }),
  deviceId: opt({
    flag: 'dsm-device-id',
    env: 'SYNOLOGY_DEVICE_ID',
    description:
      '2-step verification device token from `csp-synology enroll-device`; sent only to the NAS of SYNOLOGY_URL, over HTTPS',
    parse: parsers.string,
    secret: true,
  }),
  sessionName: opt({
    flag: 'dsm-session-name',
    env: 'SYNOLOGY_SESSION_NAME',
    description: 'DSM session name of this CSP',
    parse: prefix,
    default: 'opencsp',
  }),
  namePrefix: opt({
    flag: 'name-prefix',
    env: 'SYNOLOGY_NAME_PREFIX',
    description: 'Prefix of every LUN, snapshot and target this CSP creates (it ignores everything else)',
    parse: prefix,
    default: 'k8s-',
  }),
  location: opt({
    flag: 'default-location',
    env: 'SYNOLOGY_LOCATION',
    description:
      'Storage volume for LUNs when the StorageClass names none (default: the Btrfs volume with most free space)',
    parse: (raw: string) => normalizeLocation(raw, 'default-location'),
  }),
  masking: opt({
    flag: 'masking',
    env: 'SYNOLOGY_MASKING',
    description:
      "How nodes are kept from each other's LUNs: hosts (DSM 7 host objects with per-LUN permissions), chap (each node's target needs the node's CHAP), none (no isolation)",
    parse: parsers.oneOf<MaskingMode>(...maskingModes),
    default: 'hosts' as MaskingMode,
  }),
  portals: opt({
    flag: 'portals',
    env: 'SYNOLOGY_PORTALS',
    description: 'iSCSI portals (ip or ip:port, comma-separated) given to nodes (default: the NAS address)',
    parse: parsers.list,
    default: [] as string[],
  }),
  requestTimeout: opt({
    flag: 'dsm-request-timeout',
    env: 'SYNOLOGY_REQUEST_TIMEOUT',
    description: 'Deadline of one DSM call',
    parse: parsers.duration,
    default: 60_000,
  }),
  connections: opt({
    flag: 'dsm-connections',
    env: 'SYNOLOGY_CONNECTIONS',
    description:
      'Requests in flight at once to one DSM per CSP session (DSM runs SAN work one request at a time; 16 concurrent requests are known to work)',
    parse: parsers.int(1, 1000),
    default: 16,
  }),
  lockTimeout: opt({
    flag: 'lock-wait-timeout',
    env: 'SYNOLOGY_LOCK_WAIT_TIMEOUT',
    description: 'How long to wait for DSM to unlock a LUN after create, clone or resize',
    parse: parsers.duration,
    default: 10 * 60_000,
  }),
  deleteTimeout: opt({
    flag: 'delete-wait-timeout',
    env: 'SYNOLOGY_DELETE_WAIT_TIMEOUT',
    description: 'How long to wait for DSM to finish deleting a LUN',
    parse: parsers.duration,
    default: 5 * 60_000,
  }),
  pollInterval: opt({
    flag: 'poll-interval',
    env: 'SYNOLOGY_POLL_INTERVAL',
    description: 'First pause between polls of a LUN (doubles up to 10 s)',
    parse: parsers.duration,
    default: 1000,
  }),
  snapshotIndexMaxAge: opt({
    flag: 'snapshot-index-max-age',
    env: 'SYNOLOGY_SNAPSHOT_INDEX_MAX_AGE',
    description: 'Rebuild the NAS-wide index of snapshot names and clones (one LUN listing) when it is older than this',
    parse: parsers.duration,
    default: 10 * 60_000,
  }),
  tokenIdleTtl: opt({
    flag: 'token-idle-ttl',
    env: 'CSP_TOKEN_IDLE_TTL',
    description: 'A CSP session token unused this long expires (and its DSM session ends)',
    parse: parsers.duration,
    default: 3_600_000,
  }),
  tokenMaxTtl: opt({
    flag: 'token-max-ttl',
    env: 'CSP_TOKEN_MAX_TTL',
    description: 'A CSP session token expires this long after login',
    parse: parsers.duration,
    default: 24 * 3_600_000,
  }),
  ...loginGuardOptions,
  ...metricsOptions('CSP'),
};

export type SynologyOptions = OptionValues<typeof optionTable>;
