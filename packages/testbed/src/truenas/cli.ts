// Command-line options of `truenas-sim` and how they become a running simulator. A simulator
// started here also serves, for suites that run it in another process, its leak audit
// (GET /_sim/audit) and the node API (/_sim/node/) for loop-transport nodes.
import { parseOptions, parsers } from '@opencsp/csp-spec/options';
import { truenasNodeSide } from '../harness/backends/truenas-luns.js';
import { truenasNvme } from '../harness/backends/truenas-nvme.js';
import { handleNodeApi, nodeApiPrefix } from '../loop/index.js';
import { TrueNasSimulator } from './simulator.js';
import { resolveRelease } from './version/releases.js';

const rate = (raw: string): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error('must be a number from 0 to 1');
  }
  return value;
};

const size = (raw: string): number => {
  const match = /^(\d+)([KMGTP]?)i?B?$/i.exec(raw.trim());
  if (!match) {
    throw new Error('must be a size such as 500G or 2T');
  }
  const power = ' KMGTP'.indexOf((match[2] || ' ').toUpperCase());
  return Number(match[1]) * 1024 ** power;
};

const version = (raw: string): string => resolveRelease(raw).version;

const regex = (raw: string): RegExp => {
  try {
    return new RegExp(raw);
  } catch {
    throw new Error('must be a valid regular expression');
  }
};

export const simOptionTable = {
  port: {
    flag: 'port',
    env: 'TRUENAS_SIM_PORT',
    description: 'TCP port (0: any free port)',
    parse: parsers.int(0, 65535),
    default: 0,
  },
  host: {
    flag: 'host',
    env: 'TRUENAS_SIM_HOST',
    description: 'Address to listen on',
    parse: parsers.string,
    default: '127.0.0.1',
  },
  tls: {
    flag: 'tls',
    env: 'TRUENAS_SIM_TLS',
    description: 'Serve wss:// with a self-signed certificate',
    parse: parsers.bool,
    default: false,
  },
  dataDir: {
    flag: 'data-dir',
    env: 'TRUENAS_SIM_DATA_DIR',
    description: 'Directory for zvol backing files (default: a temp dir)',
    parse: parsers.string,
  },
  version: {
    flag: 'version',
    env: 'TRUENAS_SIM_VERSION',
    description: 'TrueNAS release to play: 25.10[.N] or 26.0[.N] (API directory, errors, auth)',
    parse: version,
    default: '25.10.6',
  },
  pool: { flag: 'pool', env: 'TRUENAS_SIM_POOL', description: 'Pool name', parse: parsers.string, default: 'tank' },
  poolSize: {
    flag: 'pool-size',
    env: 'TRUENAS_SIM_POOL_SIZE',
    description: 'Pool capacity (e.g. 1T)',
    parse: size,
    default: 1024 ** 4,
  },
  datasets: {
    flag: 'dataset',
    env: 'TRUENAS_SIM_DATASETS',
    description: 'Filesystems to create at start (comma-separated)',
    parse: parsers.list,
  },
  username: {
    flag: 'username',
    env: 'TRUENAS_SIM_USERNAME',
    description: 'Account name',
    parse: parsers.string,
    default: 'truenas_admin',
  },
  password: {
    flag: 'password',
    env: 'TRUENAS_SIM_PASSWORD',
    description: 'Account password',
    parse: parsers.string,
    default: 'testbed-password',
    secret: true,
  },
  apiKey: {
    flag: 'api-key',
    env: 'TRUENAS_SIM_API_KEY',
    description: 'Register this API key (<id>-<64 chars>) for the account',
    parse: parsers.string,
    secret: true,
  },
  portalIps: {
    flag: 'portal-ip',
    env: 'TRUENAS_SIM_PORTAL_IPS',
    description: 'Listen IPs of the iSCSI portal (comma-separated)',
    parse: parsers.list,
    default: ['127.0.0.1'],
  },
  lioTarget: {
    flag: 'lio-target',
    env: 'TRUENAS_SIM_LIO_TARGET',
    description: "Serve the iSCSI configuration with this machine's LIO target (configfs, root; the VM suite)",
    parse: parsers.bool,
    default: false,
  },
  latency: {
    flag: 'latency',
    env: 'TRUENAS_SIM_LATENCY',
    description: 'Delay before every answer (e.g. 20ms)',
    parse: parsers.duration,
    default: 0,
  },
  errorRate: {
    flag: 'error-rate',
    env: 'TRUENAS_SIM_ERROR_RATE',
    description: 'Share of calls failing with a server error',
    parse: rate,
    default: 0,
  },
  busyRate: {
    flag: 'busy-rate',
    env: 'TRUENAS_SIM_BUSY_RATE',
    description: 'Share of calls answered EBUSY',
    parse: rate,
    default: 0,
  },
  dropRate: {
    flag: 'drop-rate',
    env: 'TRUENAS_SIM_DROP_RATE',
    description: 'Share of calls that drop the connection',
    parse: rate,
    default: 0,
  },
  faultMethods: {
    flag: 'fault-methods',
    env: 'TRUENAS_SIM_FAULT_METHODS',
    description: 'Only methods matching this regex get faults',
    parse: regex,
  },
};

/** Parses argv/env (throws OptionsError with every problem) and starts the simulator. */
export async function startFromArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ sim: TrueNasSimulator | undefined; help: boolean }> {
  const { values, help } = parseOptions(simOptionTable, argv, env);
  if (help) {
    return { sim: undefined, help };
  }
  const sim = await TrueNasSimulator.start({
    host: values.host,
    port: values.port,
    tls: values.tls,
    ...(values.dataDir ? { dataDir: values.dataDir } : {}),
    version: values.version,
    pool: { name: values.pool, capacity: values.poolSize },
    ...(values.datasets ? { datasets: values.datasets } : {}),
    username: values.username,
    password: values.password,
    ...(values.apiKey ? { apiKey: values.apiKey } : {}),
    portals: [{ ips: values.portalIps, comment: 'opencsp' }],
    // The bridge's configfs steps go to stdout beside the simulator's own lines.
    lioTarget: values.lioTarget
      ? { log: (line: string) => console.log(JSON.stringify({ time: Date.now(), msg: line })) }
      : false,
    faults: {
      latencyMs: values.latency,
      errorRate: values.errorRate,
      busyRate: values.busyRate,
      dropRate: values.dropRate,
      methods: values.faultMethods,
    },
  });
  const side = truenasNodeSide(sim);
  const nvme = truenasNvme(sim);
  sim.routes.add(nodeApiPrefix, (req, res, url) => handleNodeApi(side, req, res, url, nvme));
  sim.routes.add('/_sim/audit/', async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sim.audit()));
  });
  return { sim, help: false };
}
