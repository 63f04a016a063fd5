// Process configuration: every option as a flag and an environment variable, validated together
// so a bad setup fails at start with all problems listed. Secrets are not configuration here:
// array credentials arrive per session through POST /tokens.
import { readFileSync } from 'node:fs';
import { type MetricsSettings, metricsOptions } from '@opencsp/csp-spec/metrics';
import { OptionsError, parseOptions, parsers } from '@opencsp/csp-spec/options';
import {
  ArrayPolicy,
  ArrayTrust,
  type LoginGuardSettings,
  loginGuardOptions,
  loginGuardSettings,
  type Serving,
  servingOptionTable,
  servingProblems,
} from '@opencsp/csp-spec/server';
import { encodePath, minLeafBudget, Names, validDatasetPath } from './naming.js';
import {
  compressionChoices,
  dedupChoices,
  normalizeVolblocksize,
  syncChoices,
  type VolumeDefaults,
} from './volume-config.js';

const upperChoice =
  (choices: string[]) =>
  (raw: string): string => {
    const value = raw.trim().toUpperCase();
    if (!choices.includes(value)) {
      throw new Error(`must be one of ${choices.join(', ')}`);
    }
    return value;
  };

const volblocksize = (raw: string): string => {
  const parsed = normalizeVolblocksize(raw);
  if (!parsed) {
    throw new Error('must be a power of two from 512 to 128K (e.g. 16K)');
  }
  return parsed.choice;
};

const apiVersion = (raw: string): string => {
  if (!/^(current|v\d+\.\d+\.\d+)$/.test(raw)) {
    throw new Error('must be "current" or a version such as v25.10.0');
  }
  return raw;
};

const prefix = (raw: string): string => {
  if (!/^[a-z0-9.:-]{0,16}$/.test(raw)) {
    throw new Error('must be at most 16 characters of a-z, 0-9, ".", ":" and "-"');
  }
  return raw;
};

export const optionTable = {
  host: {
    flag: 'host',
    env: 'CSP_HOST',
    description: 'Address to listen on',
    parse: parsers.string,
    default: '0.0.0.0',
  },
  port: {
    flag: 'port',
    env: 'CSP_PORT',
    description: 'Port to listen on',
    parse: parsers.int(0, 65535),
    default: 8080,
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    description: 'pino log level',
    parse: parsers.oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    default: 'info',
  },
  ...servingOptionTable,
  array: {
    flag: 'array',
    env: 'TRUENAS_ARRAY',
    description: 'TrueNAS address (host or host:port) used when a login names no array_ip; always allowed',
    parse: parsers.string,
  },
  allowedArrays: {
    flag: 'allowed-arrays',
    env: 'TRUENAS_ALLOWED_ARRAYS',
    description:
      'More arrays a login may name in array_ip (exact host or host:port, comma-separated); no other array is ever contacted',
    parse: parsers.list,
    default: [] as string[],
  },
  plaintextArrays: {
    flag: 'plaintext-arrays',
    env: 'TRUENAS_PLAINTEXT_ARRAYS',
    description:
      'Arrays (TRUENAS_ARRAY or in TRUENAS_ALLOWED_ARRAYS) reached over plain ws:// instead of wss://: passwords travel unencrypted, API keys are refused (labs only)',
    parse: parsers.list,
    default: [] as string[],
  },
  apiVersion: {
    flag: 'api-version',
    env: 'TRUENAS_API_VERSION',
    description: 'API endpoint version: /api/<version>',
    parse: apiVersion,
    default: 'v25.10.0',
  },
  tlsCaFile: {
    flag: 'tls-ca-file',
    env: 'TRUENAS_TLS_CA_FILE',
    description:
      'PEM file with the CA of the array certificate (default: system CAs); a certificate in it that the array presents itself is trusted whatever names it holds',
    parse: parsers.string,
  },
  parents: {
    flag: 'parent-datasets',
    env: 'TRUENAS_PARENT_DATASETS',
    description: 'Parent datasets for zvols (comma-separated; the first is the default)',
    parse: parsers.list,
    required: true,
  },
  portal: {
    flag: 'portal',
    env: 'TRUENAS_PORTAL',
    description: 'iSCSI portal: its id, or its comment (default: the only portal)',
    parse: parsers.string,
  },
  nvmePorts: {
    flag: 'nvme-ports',
    env: 'TRUENAS_NVME_PORTS',
    description:
      'NVMe-oF TCP ports volumes are published on: ids or addresses ip[:port] (comma-separated; default: every enabled TCP port)',
    parse: parsers.list,
    default: [] as string[],
  },
  chapTag: {
    flag: 'chap-tag',
    env: 'TRUENAS_CHAP_TAG',
    description: "iSCSI auth group tag holding the hosts' CHAP credentials",
    parse: parsers.int(1, 2_147_483_647),
    default: 7100,
  },
  iscsiPrefix: {
    flag: 'iscsi-name-prefix',
    env: 'TRUENAS_ISCSI_NAME_PREFIX',
    description: 'Prefix of target and extent names',
    parse: prefix,
    default: '',
  },
  tempSnapshotPrefix: {
    flag: 'temp-snapshot-prefix',
    env: 'TRUENAS_TEMP_SNAPSHOT_PREFIX',
    description: 'Snapshots whose name starts with this are clone sources, removed with their last clone',
    parse: parsers.string,
    default: 'snap-for-clone-',
  },
  forceSize: {
    flag: 'force-size',
    env: 'TRUENAS_FORCE_SIZE',
    description: 'Let thick volumes use more than 80% of the free space',
    parse: parsers.bool,
    default: false,
  },
  volblocksize: {
    flag: 'volblocksize',
    env: 'TRUENAS_VOLBLOCKSIZE',
    description: 'Default zvol block size',
    parse: volblocksize,
    default: '16K',
  },
  sparse: {
    flag: 'sparse',
    env: 'TRUENAS_SPARSE',
    description: 'Default thin provisioning',
    parse: parsers.bool,
    default: true,
  },
  compression: {
    flag: 'compression',
    env: 'TRUENAS_COMPRESSION',
    description: 'Default compression',
    parse: upperChoice(compressionChoices),
    default: 'INHERIT',
  },
  dedup: {
    flag: 'dedup',
    env: 'TRUENAS_DEDUP',
    description: 'Default deduplication',
    parse: upperChoice(dedupChoices),
    default: 'INHERIT',
  },
  sync: {
    flag: 'sync',
    env: 'TRUENAS_SYNC',
    description: 'Default sync',
    parse: upperChoice(syncChoices),
    default: 'INHERIT',
  },
  description: {
    flag: 'description',
    env: 'TRUENAS_DESCRIPTION',
    description: 'zvol comment when a volume has no description ({name} = volume name)',
    parse: parsers.string,
    default: 'opencsp volume {name}',
  },
  destroyOnDelete: {
    flag: 'destroy-on-delete',
    env: 'TRUENAS_DESTROY_ON_DELETE',
    description: 'Destroy the zvol on delete (false: keep it, unexposed)',
    parse: parsers.bool,
    default: true,
  },
  callTimeout: {
    flag: 'call-timeout',
    env: 'TRUENAS_CALL_TIMEOUT',
    description: 'Deadline of one TrueNAS call',
    parse: parsers.duration,
    default: 60_000,
  },
  connectTimeout: {
    flag: 'connect-timeout',
    env: 'TRUENAS_CONNECT_TIMEOUT',
    description: 'Deadline of connecting to TrueNAS',
    parse: parsers.duration,
    default: 15_000,
  },
  connections: {
    flag: 'connections',
    env: 'TRUENAS_CONNECTIONS',
    description:
      "WebSocket connections per array session, each opened when the others are busy (13 × 10 calls = the sidecars' 130 workers)",
    parse: parsers.int(1, 64),
    default: 13,
  },
  callsPerConnection: {
    flag: 'calls-per-connection',
    env: 'TRUENAS_CALLS_PER_CONNECTION',
    description:
      'Calls sent on one connection at a time; TrueNAS executes 10 per connection and refuses more than 20 (-32000)',
    parse: parsers.int(1, 20),
    default: 10,
  },
  tokenIdleTtl: {
    flag: 'token-idle-ttl',
    env: 'CSP_TOKEN_IDLE_TTL',
    description: 'A session token unused this long expires',
    parse: parsers.duration,
    default: 3_600_000,
  },
  tokenMaxTtl: {
    flag: 'token-max-ttl',
    env: 'CSP_TOKEN_MAX_TTL',
    description: 'A session token expires this long after login',
    parse: parsers.duration,
    default: 86_400_000,
  },
  responseValidation: {
    flag: 'response-validation',
    env: 'CSP_RESPONSE_VALIDATION',
    description: 'Check responses against the contract: off, log or strict',
    parse: parsers.oneOf('off', 'log', 'strict'),
    default: 'off',
  },
  docs: {
    flag: 'docs',
    env: 'CSP_DOCS',
    description: 'Serve the OpenAPI document and Swagger UI under /docs',
    parse: parsers.bool,
    default: true,
  },
  ...loginGuardOptions,
  ...metricsOptions('CSP'),
};

/** How the settings that choose arrays are named, in messages. */
export const arraySettingNames = {
  defaultArray: 'TRUENAS_ARRAY',
  allowed: 'TRUENAS_ALLOWED_ARRAYS',
  plaintext: 'TRUENAS_PLAINTEXT_ARRAYS',
};

export interface TrueNasCspConfig {
  host: string;
  port: number;
  /** HTTPS files, or plain HTTP when the operator chose it explicitly. */
  serving: Serving;
  logLevel: string;
  array: string | undefined;
  allowedArrays: string[];
  plaintextArrays: string[];
  apiVersion: string;
  /** PEM CA bundle for array certificates (undefined: system CAs). Verification is always on. */
  tls: { ca: string | undefined };
  login: LoginGuardSettings;
  parents: string[];
  portal: string | undefined;
  /** NVMe/TCP ports to publish on (ids or `ip[:port]`); empty: every enabled TCP port. */
  nvmePorts: string[];
  chapTag: number;
  iscsiPrefix: string;
  tempSnapshotPrefix: string;
  forceSize: boolean;
  volumeDefaults: VolumeDefaults;
  callTimeoutMs: number;
  connectTimeoutMs: number;
  connections: number;
  callsPerConnection: number;
  tokenIdleTtlMs: number;
  tokenMaxTtlMs: number;
  responseValidation: 'off' | 'log' | 'strict';
  docs: boolean;
  metrics: MetricsSettings;
}

/** Which arrays this CSP may contact, from its settings (problems are reported by `loadConfig`). */
export function arrayPolicy(c: Pick<TrueNasCspConfig, 'array' | 'allowedArrays' | 'plaintextArrays'>) {
  return ArrayPolicy.create({
    defaultArray: c.array,
    allowed: c.allowedArrays,
    plaintext: c.plaintextArrays,
    names: arraySettingNames,
  });
}

function crossChecks(c: TrueNasCspConfig): string[] {
  const problems: string[] = [];
  for (const parent of c.parents) {
    if (!parent.includes('/') || !validDatasetPath(parent)) {
      problems.push(`--parent-datasets: "${parent}" must be a dataset path like pool/k8s (ZFS names, no spaces)`);
    }
  }
  if (c.parents.length === 0) {
    problems.push('--parent-datasets (or TRUENAS_PARENT_DATASETS) needs at least one dataset');
  } else {
    const budget = new Names({ parents: c.parents, iscsiPrefix: c.iscsiPrefix }).leafBudget;
    if (budget < minLeafBudget) {
      const longest = c.parents.reduce((a, b) => (encodePath(a).length >= encodePath(b).length ? a : b));
      problems.push(`--parent-datasets: "${longest}" is too long: volume names would have only ${budget} characters`);
    }
  }
  problems.push(...arrayPolicy(c).problems);
  if (c.tls.ca !== undefined) {
    try {
      new ArrayTrust(c.tls.ca);
    } catch (err) {
      problems.push(`--tls-ca-file: ${(err as Error).message}`);
    }
  }
  return problems;
}

/** Reads flags then environment; throws OptionsError listing every problem. */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): { config: TrueNasCspConfig; help: boolean } {
  const { values: v, help } = parseOptions(optionTable, argv, env);
  let ca: string | undefined;
  const problems: string[] = [];
  if (v.tlsCaFile && !help) {
    try {
      ca = readFileSync(v.tlsCaFile, 'utf8');
    } catch (err) {
      problems.push(`--tls-ca-file: cannot read ${v.tlsCaFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  problems.push(...(help ? [] : servingProblems(v)));
  const config: TrueNasCspConfig = {
    host: v.host,
    port: v.port,
    serving:
      v.certFile && v.keyFile
        ? {
            tls: { certFile: v.certFile, keyFile: v.keyFile, reloadIntervalMs: v.tlsReloadInterval },
            plainHttp: false,
          }
        : { tls: undefined, plainHttp: true },
    logLevel: v.logLevel,
    array: v.array,
    allowedArrays: v.allowedArrays,
    plaintextArrays: v.plaintextArrays,
    apiVersion: v.apiVersion,
    tls: { ca },
    login: loginGuardSettings(v),
    parents: v.parents ?? [],
    portal: v.portal,
    nvmePorts: v.nvmePorts,
    chapTag: v.chapTag,
    iscsiPrefix: v.iscsiPrefix,
    tempSnapshotPrefix: v.tempSnapshotPrefix,
    forceSize: v.forceSize,
    volumeDefaults: {
      volblocksize: v.volblocksize,
      sparse: v.sparse,
      compression: v.compression,
      dedup: v.dedup,
      sync: v.sync,
      description: v.description,
      destroyOnDelete: v.destroyOnDelete,
    },
    callTimeoutMs: v.callTimeout,
    connectTimeoutMs: v.connectTimeout,
    connections: v.connections,
    callsPerConnection: v.callsPerConnection,
    tokenIdleTtlMs: v.tokenIdleTtl,
    tokenMaxTtlMs: v.tokenMaxTtl,
    responseValidation: v.responseValidation as 'off' | 'log' | 'strict',
    docs: v.docs,
    metrics: { address: v.metricsAddress, path: v.metricsPath },
  };
  if (!help) {
    problems.push(...crossChecks(config));
  }
  if (problems.length > 0) {
    throw new OptionsError(problems);
  }
  return { config, help };
}
