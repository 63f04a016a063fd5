// The TrueNAS CSP provider: POST /tokens opens an authenticated WebSocket session with the array
// (user/password or API key) and learns what publishing needs; the kit maps a token to it.

import type { Config } from '@opencsp/csp-spec';
import type { ArrayMetrics } from '@opencsp/csp-spec/metrics';
import {
  type ArrayPolicy,
  type ArraySession,
  ArrayTrust,
  type Credentials,
  CspProblem,
  type CspProvider,
  invalidInput,
  KeyedMutex,
  LoginGuard,
  type LoginOutcome,
} from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import { cspVersion } from './capacity.js';
import { discoverArray, type SessionContext } from './context.js';
import { Names } from './naming.js';
import { arrayPolicy, arraySettingNames, type TrueNasCspConfig } from './options.js';
import { TrueNasSession } from './session.js';
import { TrueNasClient } from './truenas/client.js';
import { LoginRefused } from './truenas/errors.js';
import { couldBeApiKey, isApiKey } from './truenas/login.js';
import { toProblem } from './truenas/problems.js';
import { parseVolumeConfig } from './volume-config.js';

/** Refuses secrets that must not be sent as they are, before anything is sent (400 naming the field). */
export function checkSecret(secret: string, plaintext: boolean): void {
  if (secret !== secret.trim() && isApiKey(secret.trim())) {
    throw invalidInput(
      'body.password',
      'is an API key with surrounding whitespace (a trailing newline from a file?); remove it from the Secret',
    );
  }
  if (plaintext && couldBeApiKey(secret)) {
    throw invalidInput(
      'body.password',
      `could be an API key, and this array is reached over plain ws:// (${arraySettingNames.plaintext}): TrueNAS revokes API keys sent without TLS, so it is not sent; use wss:// or a password`,
    );
  }
}

/** How the login guard reads a failed login: only refusals by the array count as failures. */
function loginOutcome(err: unknown): LoginOutcome {
  if (err instanceof LoginRefused && err.kind !== 'insecure') {
    return { kind: 'refused', message: err.message.replace(/^login: /, '') };
  }
  return { kind: 'other' };
}

export class TrueNasProvider implements CspProvider {
  readonly name = 'truenas';
  readonly version = cspVersion;
  readonly #config: TrueNasCspConfig;
  readonly #logger: Logger;
  readonly #names: Names;
  readonly #arrays: ArrayPolicy;
  readonly #trust: ArrayTrust;
  readonly #guard: LoginGuard;
  /** Shared by every session, so CHAP upserts for one array never race. */
  readonly #locks = new KeyedMutex();
  readonly #metrics: ArrayMetrics | undefined;

  constructor(config: TrueNasCspConfig, logger: Logger, metrics?: ArrayMetrics) {
    this.#config = config;
    this.#logger = logger;
    this.#metrics = metrics;
    this.#names = new Names({ parents: config.parents, iscsiPrefix: config.iscsiPrefix });
    const { policy, problems } = arrayPolicy(config);
    if (problems.length > 0) {
      throw new Error(`invalid array settings: ${problems.join('; ')}`);
    }
    this.#arrays = policy;
    this.#trust = new ArrayTrust(config.tls.ca);
    this.#guard = new LoginGuard(config.login, metrics);
  }

  async openSession(credentials: Credentials): Promise<ArraySession> {
    const target = this.#arrays.resolve(credentials.arrayIp);
    checkSecret(credentials.password, target.plaintext);
    const address = target.key;
    const c = this.#config;
    const logger = this.#logger.child({ array: address });
    const attempt = this.#guard.attempt(address, credentials.username, credentials.password);
    let client: TrueNasClient | undefined;
    try {
      client = await this.#guard.run(
        attempt,
        () =>
          TrueNasClient.connect({
            url: `${target.plaintext ? 'ws' : 'wss'}://${address}/api/${c.apiVersion}`,
            trust: this.#trust,
            connectTimeoutMs: c.connectTimeoutMs,
            callTimeoutMs: c.callTimeoutMs,
            maxInFlight: c.callsPerConnection,
            connections: c.connections,
            credentials: { username: credentials.username, secret: credentials.password },
            logger,
            ...(this.#metrics ? { metrics: this.#metrics } : {}),
          }),
        loginOutcome,
      );
      const facts = await discoverArray(client, c.portal, c.nvmePorts);
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

  /** The parent dataset a capacity request's config selects (validated by the answer). */
  capacityPool(config: Config): string {
    return parseVolumeConfig(config, this.#config.volumeDefaults, this.#config.parents).parent;
  }

  async close(): Promise<void> {}
}
