// The TrueNAS CSP provider: POST /tokens opens an authenticated WebSocket session with the array
// (user/password or API key) and learns what publishing needs; the kit maps a token to it.
import {
  type ArraySession,
  type Credentials,
  CspProblem,
  type CspProvider,
  invalidInput,
  KeyedMutex,
} from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import { cspVersion } from './capacity.js';
import { discoverArray, type SessionContext } from './context.js';
import { Names } from './naming.js';
import { type TrueNasCspConfig, validArrayAddress } from './options.js';
import { TrueNasSession } from './session.js';
import { TrueNasClient } from './truenas/client.js';
import { toProblem } from './truenas/problems.js';

export class TrueNasProvider implements CspProvider {
  readonly name = 'truenas';
  readonly version = cspVersion;
  readonly #config: TrueNasCspConfig;
  readonly #logger: Logger;
  readonly #names: Names;
  /** Shared by every session, so CHAP upserts for one array never race. */
  readonly #locks = new KeyedMutex();

  constructor(config: TrueNasCspConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.#names = new Names({ parents: config.parents, iscsiPrefix: config.iscsiPrefix });
  }

  #address(arrayIp: string | undefined): string {
    const address = arrayIp ?? this.#config.array;
    if (address === undefined) {
      throw invalidInput('body.array_ip', 'no array is configured (TRUENAS_ARRAY); name one in array_ip');
    }
    if (!validArrayAddress(address)) {
      throw invalidInput('body.array_ip', 'must be a host name or address, optionally with :port');
    }
    const allowed = this.#config.allowedArrays;
    if (arrayIp !== undefined && allowed.length > 0 && !allowed.includes(address) && address !== this.#config.array) {
      throw invalidInput('body.array_ip', 'is not one of the arrays this CSP may use (TRUENAS_ALLOWED_ARRAYS)');
    }
    return address;
  }

  async openSession(credentials: Credentials): Promise<ArraySession> {
    const address = this.#address(credentials.arrayIp);
    const c = this.#config;
    const logger = this.#logger.child({ array: address });
    let client: TrueNasClient | undefined;
    try {
      client = await TrueNasClient.connect({
        url: `${c.transport}://${address}/api/${c.apiVersion}`,
        tls: c.tls,
        connectTimeoutMs: c.connectTimeoutMs,
        callTimeoutMs: c.callTimeoutMs,
        maxInFlight: c.callsPerConnection,
        connections: c.connections,
        credentials: { username: credentials.username, secret: credentials.password },
        logger,
      });
      const facts = await discoverArray(client, c.portal);
      const ctx: SessionContext = { client, names: this.#names, config: c, facts, locks: this.#locks, logger, address };
      logger.info({ version: facts.version, portal: facts.portal.id }, 'array session opened');
      return new TrueNasSession(ctx);
    } catch (err) {
      await client?.close();
      const problem = toProblem(err);
      logger.warn({ reason: problem.reason, err: problem.message }, 'array login failed');
      throw problem instanceof CspProblem ? problem : toProblem(problem);
    }
  }

  async close(): Promise<void> {}
}
