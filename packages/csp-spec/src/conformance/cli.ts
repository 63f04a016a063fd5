#!/usr/bin/env node
// `csp-conformance`: runs the conformance suite against a running CSP and prints the report.
// Exit codes: 0 every case passed (or is not claimed), 1 a case failed, 2 bad usage or the CSP
// cannot be reached. The password comes from --password or CSP_PASSWORD and is never printed.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { helpText, OptionsError, type OptionTable, parseOptions, parsers } from '../options.js';
import { listCases } from './cases/index.js';
import { ConformanceOptionsError, ConformanceUnreachable } from './errors.js';
import { formatReport } from './report.js';
import { defaultSizeBytes, runConformance } from './run.js';
import type { ConformanceOptions } from './types.js';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Aborting stops the run after the current case; the cleanup still runs. */
  signal?: AbortSignal;
}

const program = 'csp-conformance';
const units: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3 };

/** Bytes from `67108864`, `64Mi`, `64MiB`, `1Gi`, `100M`. */
export function parseSize(raw: string): number {
  const match = /^(\d+)\s*([kmg]i?)?b?$/i.exec(raw.trim());
  const unit = units[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined) {
    throw new Error('must be a size such as 64Mi, 1Gi or a number of bytes');
  }
  return Number(match[1]) * unit;
}

/** `key=value[,key=value]` → an object; keys in snake_case, values as given. */
export function parseConfigEdit(raw: string): Record<string, string> {
  const edit: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const match = /^([a-z][a-z0-9_]*)=(.+)$/.exec(pair.trim());
    if (!match) {
      throw new Error('must be key=value[,key=value] with snake_case keys');
    }
    edit[match[1] as string] = match[2] as string;
  }
  return edit;
}

const options = {
  url: {
    flag: 'url',
    env: 'CSP_URL',
    description: 'the CSP, e.g. http://csp:8080 (/containers/v1 is appended unless present)',
    parse: parsers.string,
    required: true,
  },
  backend: {
    flag: 'backend',
    env: 'CSP_BACKEND',
    description: 'the array address (sent as array_ip and x-array-ip with --array-ip-header)',
    parse: parsers.string,
    required: true,
  },
  username: { flag: 'username', env: 'CSP_USERNAME', description: 'array user', parse: parsers.string, required: true },
  password: {
    flag: 'password',
    env: 'CSP_PASSWORD',
    description: 'array password or API key (prefer the environment variable)',
    parse: parsers.string,
    required: true,
    secret: true,
  },
  arrayIpHeader: {
    flag: 'array-ip-header',
    env: 'CSP_ARRAY_IP_HEADER',
    description: 'service mode: log in with array_ip and send x-array-ip on every call',
    parse: parsers.bool,
    default: false,
  },
  only: {
    flag: 'only',
    env: 'CSP_CONFORMANCE_ONLY',
    description: 'comma-separated case ids or areas to run (see --list)',
    parse: parsers.list,
  },
  size: {
    flag: 'size',
    env: 'CSP_CONFORMANCE_SIZE',
    description: 'size of the volumes the suite creates (raised to the CSP minimum)',
    parse: parseSize,
    default: defaultSizeBytes,
  },
  timeout: {
    flag: 'timeout',
    env: 'CSP_CONFORMANCE_TIMEOUT',
    description: 'deadline of one request, e.g. 60s',
    parse: parsers.duration,
    default: 60_000,
  },
  insecure: {
    flag: 'insecure',
    env: 'CSP_INSECURE',
    description: 'https: do not verify the CSP certificate',
    parse: parsers.bool,
    default: false,
  },
  ca: {
    flag: 'ca',
    env: 'CSP_CA_FILE',
    description: 'https: PEM file of the CA that signed the CSP certificate',
    parse: (path: string) => readFileSync(path, 'utf8'),
  },
  modifyConfig: {
    flag: 'modify-config',
    env: 'CSP_CONFORMANCE_MODIFY_CONFIG',
    description:
      'a config edit for the modify case, key=value[,key=value] with keys from mutable_config_keys (e.g. compression=ZSTD)',
    parse: parseConfigEdit,
  },
  json: { flag: 'json', description: 'print the report as JSON', parse: parsers.bool, default: false },
  list: { flag: 'list', description: 'list the case ids and exit', parse: parsers.bool, default: false },
} satisfies OptionTable;

function caseList(): string {
  const width = Math.max(...listCases().map((c) => c.id.length));
  return listCases()
    .map((c) => {
      const needs = c.feature ? ` [feature ${c.feature}]` : c.serviceModeOnly ? ' [service mode]' : '';
      return `${c.id.padEnd(width)}  ${c.title}${needs}`;
    })
    .join('\n');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--list')) {
    io.stdout.write(`${caseList()}\n`);
    return 0;
  }
  let values: ReturnType<typeof parseOptions<typeof options>>['values'];
  try {
    const parsed = parseOptions(options, argv, io.env);
    if (parsed.help) {
      io.stdout.write(`${helpText(program, options)}\n`);
      return 0;
    }
    values = parsed.values;
  } catch (err) {
    if (err instanceof OptionsError) {
      io.stderr.write(`${program}: ${err.message}\n\nRun ${program} --help for the options.\n`);
      return 2;
    }
    throw err;
  }
  const run: ConformanceOptions = {
    url: values.url,
    backend: values.backend,
    username: values.username,
    password: values.password,
    arrayIpHeader: values.arrayIpHeader,
    sizeBytes: values.size,
    timeoutMs: values.timeout,
    log: (line) => io.stderr.write(`${line}\n`),
    ...(values.only ? { only: values.only } : {}),
    ...(values.modifyConfig ? { modifyConfig: values.modifyConfig } : {}),
    ...(values.insecure || values.ca
      ? { tls: { rejectUnauthorized: !values.insecure, ...(values.ca ? { ca: values.ca } : {}) } }
      : {}),
    ...(io.signal ? { signal: io.signal } : {}),
  };
  try {
    const report = await runConformance(run);
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.passed ? 0 : 1;
  } catch (err) {
    if (err instanceof ConformanceOptionsError || err instanceof ConformanceUnreachable) {
      io.stderr.write(`${program}: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`${program}: the suite itself failed: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  try {
    return script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write(
      `${program}: interrupted; finishing the current case and cleaning up (Ctrl-C again to quit)\n`,
    );
    interrupt.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: interrupt.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}
