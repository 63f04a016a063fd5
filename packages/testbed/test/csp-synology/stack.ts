// CSP + DSM simulator over real HTTP(S): the simulator serves TLS with its own certificate, the
// CSP trusts exactly that certificate, and tests talk to the CSP through the typed client.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import { parseOptions } from '@opencsp/csp-spec/options';
import { createLogger } from '@opencsp/csp-spec/server';
import { buildSynologyCsp, optionTable, type SynologyCsp, type SynologyOptions } from '@opencsp/csp-synology';
import { writeServingFiles } from '../../src/common/index.js';
import { DsmSimulator, type DsmSimulatorOptions, defaultAdmin } from '../../src/dsm/index.js';

export interface Stack {
  sim: DsmSimulator;
  csp: SynologyCsp;
  client: CspClient;
  baseUrl: string;
  /** The CA (PEM) of the CSP's HTTPS certificate. */
  ca: string;
  /** A client logged in with other credentials (or unauthenticated). */
  clientFor(username: string, password: string): Promise<CspClient>;
  close(): Promise<void>;
}

export interface StackOptions {
  sim?: DsmSimulatorOptions;
  csp?: Partial<SynologyOptions>;
  /** Log in the default client (default true). */
  login?: boolean;
  /** Collect every CSP log line here (at trace level) instead of discarding the log. */
  logLines?: string[];
}

export const fastKnobs = { lockAfterCreateMs: 30, lockAfterCloneMs: 60, lockAfterResizeMs: 30, deleteDelayMs: 30 };

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sim = await DsmSimulator.start({ tls: true, knobs: fastKnobs, ...options.sim });
  let csp: SynologyCsp | undefined;
  const clients: CspClient[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'csp-synology-test-'));
  try {
    const { values } = parseOptions(optionTable, [], {});
    const { certFile, keyFile, ca } = await writeServingFiles(dir);
    const settings: SynologyOptions = {
      ...values,
      certFile,
      keyFile,
      dsmUrl: sim.url,
      pollInterval: 10,
      ...options.csp,
    };
    const sink = options.logLines;
    const logger = sink
      ? createLogger(
          'csp-synology-test',
          'trace',
          new Writable({ write: (chunk, _enc, done) => done(void sink.push(String(chunk))) }),
        )
      : createLogger('csp-synology-test', process.env.TEST_LOG_LEVEL ?? 'silent');
    csp = await buildSynologyCsp(settings, logger, { ca: sim.certificate, responseValidation: 'strict' });
    const address = await csp.app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `${address}/containers/v1`;
    const clientFor = async (username: string, password: string) => {
      const client = new CspClient({ baseUrl, retries: 0, tls: { ca } });
      clients.push(client);
      const token = await client.login({ username, password });
      client.useTokens(new StaticToken(token.session_token));
      return client;
    };
    let client: CspClient;
    if (options.login === false) {
      client = new CspClient({ baseUrl, retries: 0, tls: { ca } });
      clients.push(client);
    } else {
      client = await clientFor(defaultAdmin.username, defaultAdmin.password);
    }
    const live = csp;
    return {
      sim,
      csp: live,
      client,
      baseUrl,
      ca,
      clientFor,
      close: async () => {
        await Promise.all(clients.map((c) => c.close()));
        await live.shutdown();
        await sim.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await csp?.shutdown();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export const GiB = 1024 ** 3;

export function hostRequest(name: string, extra: Record<string, unknown> = {}) {
  return { uuid: name, name, iqns: [`iqn.1993-08.org.debian:01:${name}`], ...extra };
}
