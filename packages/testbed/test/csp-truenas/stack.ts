// Test stack: the TrueNAS simulator, the TrueNAS CSP listening on 127.0.0.1:0 against it, and a
// typed CSP client over real HTTP. Everything is torn down after each test.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CspClient, CspHttpError, StaticToken } from '@opencsp/csp-spec/client';
import type { CspApp } from '@opencsp/csp-spec/server';
import { buildTrueNasCsp, loadConfig, type TrueNasCspConfig } from '@opencsp/csp-truenas';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { writeServingFiles } from '../../src/common/index.js';
import { startTrueNasStack, TrueNasSimulator, type TrueNasSimulatorOptions } from '../../src/truenas/index.js';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export interface Stack {
  sim: TrueNasSimulator;
  csp: CspApp;
  config: TrueNasCspConfig;
  baseUrl: string;
  /** The CA (PEM) of the CSP's HTTPS certificate. */
  ca: string;
  /** A client logged in with the simulator's password (or `credentials`). */
  client: CspClient;
  /** A new client with its own login. */
  login(credentials?: { username: string; password: string; array_ip?: string }): Promise<CspClient>;
  /** A client without a token (to test login itself). */
  anonymous(): CspClient;
}

export interface StackOptions {
  sim?: TrueNasSimulatorOptions;
  /** Extra CSP flags. */
  args?: string[];
  /** Log in with the API key instead of the password (needs sim.apiKey). */
  apiKey?: boolean;
}

export async function startSimulator(options: TrueNasSimulatorOptions = {}): Promise<TrueNasSimulator> {
  const sim = await TrueNasSimulator.start(options);
  cleanups.push(() => sim.stop());
  return sim;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'csp-truenas-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes the simulator's certificate to a temp file for --tls-ca-file. */
export async function caFile(sim: TrueNasSimulator): Promise<string> {
  const file = join(await tempDir(), 'ca.pem');
  await writeFile(file, sim.tls?.cert ?? '');
  return file;
}

/** A CSP client for a CSP of these tests (HTTPS, trusting the test CA). */
export function cspClient(baseUrl: string, ca: string): CspClient {
  const client = new CspClient({ baseUrl, retries: 0, tls: { ca } });
  cleanups.push(() => client.close());
  return client;
}

export async function startCsp(
  sim: TrueNasSimulator,
  args: string[] = [],
): Promise<{ csp: CspApp; baseUrl: string; config: TrueNasCspConfig; ca: string }> {
  const serving = await writeServingFiles(await tempDir());
  const ownTls = args.some((a) => a.startsWith('--tls-'));
  const transport = !sim.tls ? ['--plaintext-arrays', sim.address] : ownTls ? [] : ['--tls-ca-file', await caFile(sim)];
  const { config } = loadConfig(
    [
      '--array',
      sim.address,
      '--parent-datasets',
      'tank/k8s',
      '--api-version',
      'v25.10.0',
      '--response-validation',
      'strict',
      '--docs',
      'false',
      ...transport,
      ...['--cert-file', serving.certFile, '--key-file', serving.keyFile],
      ...args,
    ],
    {},
  );
  const csp = await buildTrueNasCsp(config, pino({ level: 'silent' }));
  const address = await csp.app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => csp.shutdown());
  return { csp, baseUrl: `${address}/containers/v1`, config, ca: serving.ca };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const stack = await startTrueNasStack({
    ...(options.sim ? { sim: options.sim } : {}),
    cspArgs: ['--response-validation', 'strict', ...(options.args ?? [])],
  });
  cleanups.push(() => stack.stop());
  const { sim, csp, config, baseUrl } = stack;
  const ca = stack.ca as string;
  const anonymous = () => cspClient(baseUrl, ca);
  const login = async (credentials?: { username: string; password: string; array_ip?: string }) => {
    const client = anonymous();
    const secret = options.apiKey ? (sim.apiKey as string) : sim.password;
    const token = await client.login(credentials ?? { username: sim.username, password: secret });
    client.useTokens(new StaticToken(token.session_token));
    return client;
  };
  return { sim, csp, config, baseUrl, ca, client: await login(), login, anonymous };
}

export const iqn = (node: string) => `iqn.2024-01.io.opencsp.test:${node}`;

/** The CSP error a call must fail with (status, reason, field, message); throws when it succeeds. */
export async function failure(work: Promise<unknown>) {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CspHttpError)) {
    throw new Error(`expected an HTTP error, got ${String(err)}`);
  }
  return { status: err.status, reason: err.reason, field: err.field, message: err.detail };
}
