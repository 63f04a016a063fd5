#!/usr/bin/env node
// dsm-sim: run the DSM simulator on its own, e.g. `dsm-sim --port 5001 --tls --model DS923+`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { helpText, type OptionSpec, OptionsError, parseOptions, parsers } from '@opencsp/csp-spec/options';
import { synologyNodeSide } from '../harness/backends/synology-luns.js';
import { handleNodeApi, nodeApiPrefix } from '../loop/index.js';
import { account } from './auth.js';
import { modelNames } from './models.js';
import { DsmSimulator, defaultAdmin } from './simulator.js';

const rate = (raw: string): number => {
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw.trim()) || value > 1) {
    throw new Error('must be a number from 0 to 1');
  }
  return value;
};

const opt = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec;

const table = {
  host: opt({
    flag: 'host',
    env: 'DSM_SIM_HOST',
    description: 'Address to listen on',
    parse: parsers.string,
    default: '127.0.0.1',
  }),
  port: opt({
    flag: 'port',
    env: 'DSM_SIM_PORT',
    description: 'Port (0 picks a free one)',
    parse: parsers.int(0, 65535),
    default: 5000,
  }),
  model: opt({
    flag: 'model',
    env: 'DSM_SIM_MODEL',
    description: `Model: ${modelNames.join(', ')}`,
    parse: parsers.oneOf(...modelNames),
    default: 'DS923+',
  }),
  tls: opt({
    flag: 'tls',
    description: 'Serve HTTPS with a self-signed certificate (written to the data dir)',
    parse: parsers.bool,
    default: false,
  }),
  dataDir: opt({
    flag: 'data-dir',
    env: 'DSM_SIM_DATA_DIR',
    description: 'Directory for LUN backing files (default: a temporary one)',
    parse: parsers.string,
  }),
  username: opt({
    flag: 'username',
    env: 'DSM_SIM_USERNAME',
    description: 'Administrator account',
    parse: parsers.string,
    default: defaultAdmin.username,
  }),
  password: opt({
    flag: 'password',
    env: 'DSM_SIM_PASSWORD',
    description: 'Administrator password',
    parse: parsers.string,
    default: defaultAdmin.password,
    secret: true,
  }),
  otpSecret: opt({
    flag: 'otp-secret',
    env: 'DSM_SIM_OTP_SECRET',
    description: 'base32 TOTP secret: the account has 2-step verification',
    parse: parsers.string,
    secret: true,
  }),
  csrf: opt({ flag: 'csrf', description: 'Require the SynoToken on every call', parse: parsers.bool, default: false }),
  sessionIdle: opt({
    flag: 'session-idle',
    description: 'Idle time after which a session expires (106)',
    parse: parsers.duration,
    default: 15 * 60_000,
  }),
  interrupt: opt({
    flag: 'interrupt-duplicate-logins',
    description: 'A new login with the same session name ends older ones (107)',
    parse: parsers.bool,
    default: false,
  }),
  autoBlock: opt({
    flag: 'auto-block-attempts',
    description: 'Failed logins per IP within 5 min before the IP is blocked (0 disables)',
    parse: parsers.int(0, 1000),
    default: 3,
  }),
  latency: opt({ flag: 'latency', description: 'Delay added to every call', parse: parsers.duration, default: 0 }),
  errorRate: opt({
    flag: 'error-rate',
    description: 'Share of calls answered with HTTP 500 and HTML',
    parse: rate,
    default: 0,
  }),
  dropRate: opt({
    flag: 'drop-rate',
    description: 'Share of calls whose connection is dropped',
    parse: rate,
    default: 0,
  }),
  busyRate: opt({ flag: 'busy-rate', description: 'Share of calls answered with HTTP 503', parse: rate, default: 0 }),
  faultMethods: opt({
    flag: 'fault-methods',
    description: 'Regular expression over "api.method": only these get faults',
    parse: (raw: string) => new RegExp(raw),
  }),
  lockMs: opt({
    flag: 'lock',
    description: 'How long a new LUN stays is_action_locked',
    parse: parsers.duration,
    default: 1000,
  }),
  cloneLockMs: opt({
    flag: 'clone-lock',
    description: 'How long a clone stays is_action_locked',
    parse: parsers.duration,
    default: 3000,
  }),
  deleteDelay: opt({
    flag: 'delete-delay',
    description: 'How long an asynchronous LUN delete takes',
    parse: parsers.duration,
    default: 1000,
  }),
  serial: opt({ flag: 'serial', description: 'Serial number (default derived from the model)', parse: parsers.string }),
  hostname: opt({ flag: 'hostname', description: 'NAS hostname (goes into target IQNs)', parse: parsers.string }),
  ownerObjects: opt({
    flag: 'owner-objects',
    description: 'Start with a LUN, a target and a host object that belong to someone else',
    parse: parsers.bool,
    default: false,
  }),
  absentApis: opt({
    flag: 'absent-apis',
    description: 'Comma-separated APIs the NAS lacks, e.g. SYNO.Core.ISCSI.Host to play DSM 6',
    parse: parsers.list,
    default: [] as string[],
  }),
  absentMethods: opt({
    flag: 'absent-methods',
    description: 'Comma-separated api.method names the NAS answers with 103 (no such method)',
    parse: parsers.list,
    default: [] as string[],
  }),
  maxLuns: opt({ flag: 'max-luns', description: "Override the model's LUN ceiling", parse: parsers.int(0, 4096) }),
  maxTargets: opt({
    flag: 'max-targets',
    description: "Override the model's target ceiling",
    parse: parsers.int(0, 4096),
  }),
  maxSnapshots: opt({
    flag: 'max-snapshots',
    description: "Override the model's snapshots-per-LUN ceiling",
    parse: parsers.int(0, 4096),
  }),
};

async function main(): Promise<void> {
  const { values: o, help } = parseOptions(table, process.argv.slice(2));
  if (help) {
    console.log(helpText('dsm-sim', table));
    return;
  }
  const limits = Object.fromEntries(
    Object.entries({ maxLuns: o.maxLuns, maxTargets: o.maxTargets, maxSnapshotsPerLun: o.maxSnapshots }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  const sim = await DsmSimulator.start({
    host: o.host,
    port: o.port,
    model: o.model,
    tls: o.tls,
    dataDir: o.dataDir,
    accounts: [account(o.username, o.password, { otpSecret: o.otpSecret })],
    csrf: o.csrf,
    sessionIdleMs: o.sessionIdle,
    interruptDuplicateLogins: o.interrupt,
    autoBlock: { enabled: o.autoBlock > 0, attempts: Math.max(1, o.autoBlock) },
    faults: {
      latencyMs: o.latency,
      errorRate: o.errorRate,
      dropRate: o.dropRate,
      busyRate: o.busyRate,
      methods: o.faultMethods,
    },
    knobs: {
      lockAfterCreateMs: o.lockMs,
      lockAfterCloneMs: o.cloneLockMs,
      lockAfterResizeMs: o.lockMs,
      deleteDelayMs: o.deleteDelay,
    },
    serial: o.serial,
    hostname: o.hostname,
    ownerObjects: o.ownerObjects,
    absentApis: o.absentApis,
    absentMethods: o.absentMethods,
    limits,
  });
  const side = synologyNodeSide(sim);
  sim.routes.add(nodeApiPrefix, (req, res, url) => handleNodeApi(side, req, res, url));
  let certificate: string | undefined;
  if (sim.certificate) {
    certificate = join(sim.state.backing.dir, '..', 'dsm-sim.crt');
    await writeFile(certificate, sim.certificate);
  }
  console.log(JSON.stringify({ url: sim.url, model: sim.state.model.model, serial: sim.serial, certificate }));
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof OptionsError ? err.message : `dsm-sim: ${(err as Error).message}`);
  process.exit(2);
});
