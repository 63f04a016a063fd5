// The Synology provider: turns driver credentials into a DSM session. Discovers the API with
// SYNO.API.Info, logs in (never retrying refused credentials), learns the NAS identity and limits,
// and hands out a session whose id space is bound to that NAS's serial number.
import type { Config } from '@opencsp/csp-spec';
import type { ArrayMetrics } from '@opencsp/csp-spec/metrics';
import { OptionsError } from '@opencsp/csp-spec/options';
import type { ArrayTarget, Credentials, CspProvider, LoginGuardSettings } from '@opencsp/csp-spec/server';
import { ArrayPolicy, ArrayTrust, KeyedMutex, LoginGuard } from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import { parseConfig } from './config.js';
import type { SessionSettings, SharedState } from './context.js';
import { DsmApi, HOST } from './dsm/api.js';
import { DsmClient } from './dsm/client.js';
import { discover } from './dsm/discovery.js';
import { toProblem } from './dsm/problems.js';
import { DsmTransport } from './dsm/transport.js';
import { HostRegistry } from './hosts.js';
import { Naming } from './ids.js';
import { loadNasInfo } from './nas.js';
import { SynologySession } from './session.js';
import { SnapshotIndexes } from './snapshot-index.js';
import { cspVersion } from './version.js';

export interface SynologyProviderOptions extends SessionSettings {
  /** The NAS used when a login names no array: `https://nas.example:5001` (SYNOLOGY_URL). */
  defaultUrl: string | undefined;
  /** More NAS a login may name, exact `host[:port]`. */
  allowedArrays: string[];
  /** NAS reached over plain HTTP. */
  plaintextArrays: string[];
  /** PEM CA bundle for the NAS certificate. */
  ca: string | undefined;
  /** 2-step verification device token (`did`), enrolled with the NAS of `defaultUrl`. */
  deviceId: string | undefined;
  sessionName: string;
  namePrefix: string;
  portals: string[];
  requestTimeoutMs: number;
  /** Requests in flight at once per DSM session (default 16). */
  connections?: number;
  login: LoginGuardSettings;
  /** Maximum age of the NAS-wide snapshot name and clone index. */
  snapshotIndexMaxAgeMs?: number;
  logger: Logger;
  /** DSM calls, API sessions and logins (metrics on). */
  metrics?: ArrayMetrics;
}

/** DSM's own ports when an address names none. */
const dsmPorts = { https: 5001, http: 5000 };

export class SynologyProvider implements CspProvider {
  readonly name = 'synology';
  readonly version = cspVersion;
  readonly shared: SharedState;
  readonly guard: LoginGuard;
  readonly #options: SynologyProviderOptions;
  readonly #arrays: ArrayPolicy;
  readonly #trust: ArrayTrust;

  /** Throws OptionsError listing every problem with the array settings. */
  constructor(options: SynologyProviderOptions) {
    this.#options = options;
    this.shared = {
      hosts: new HostRegistry(),
      targetLocks: new KeyedMutex(),
      appliedChap: new Map(),
      hostIds: new Map(),
      snapshotIndexes: new SnapshotIndexes(options.snapshotIndexMaxAgeMs ?? 10 * 60_000),
    };
    const { policy, problems } = ArrayPolicy.create({
      defaultArray: options.defaultUrl,
      allowed: options.allowedArrays,
      plaintext: options.plaintextArrays,
      names: {
        defaultArray: 'SYNOLOGY_URL',
        allowed: 'SYNOLOGY_ALLOWED_ARRAYS',
        plaintext: 'SYNOLOGY_PLAINTEXT_ARRAYS',
      },
      schemes: { secure: 'https', plain: 'http' },
    });
    if (options.deviceId && !options.defaultUrl) {
      problems.push('SYNOLOGY_DEVICE_ID is sent only to the NAS it was enrolled with: set SYNOLOGY_URL to that NAS');
    } else if (options.deviceId && policy.defaultArray?.plaintext) {
      problems.push('SYNOLOGY_DEVICE_ID is never sent over plain HTTP: SYNOLOGY_URL must use https://');
    }
    let trust: ArrayTrust | undefined;
    try {
      trust = new ArrayTrust(options.ca);
    } catch (err) {
      problems.push(`SYNOLOGY_CA_FILE: ${(err as Error).message}`);
    }
    if (problems.length > 0 || !trust) {
      throw new OptionsError(problems);
    }
    this.#arrays = policy;
    this.#trust = trust;
    this.guard = new LoginGuard(options.login, options.metrics);
  }

  /** The NAS a login may contact (throws the contract's 400 otherwise) and its DSM base URL. */
  resolve(arrayIp: string | undefined): { target: ArrayTarget; baseUrl: string } {
    const target = this.#arrays.resolve(arrayIp);
    const scheme = target.plaintext ? 'http' : 'https';
    return { target, baseUrl: `${scheme}://${target.host}:${target.port ?? dsmPorts[scheme]}` };
  }

  async openSession(credentials: Credentials): Promise<SynologySession> {
    const o = this.#options;
    const { target, baseUrl } = this.resolve(credentials.arrayIp);
    // The device token belongs to the NAS it was enrolled with (SYNOLOGY_URL), reached over HTTPS.
    const enrolled = target.key === this.#arrays.defaultArray?.key && !target.plaintext;
    const deviceId = enrolled ? o.deviceId : undefined;
    const attempt = this.guard.attempt(target.key, credentials.username, credentials.password, deviceId ?? '');
    this.guard.check(attempt);
    const transport = new DsmTransport({
      baseUrl,
      trust: this.#trust,
      timeoutMs: o.requestTimeoutMs,
      ...(o.connections !== undefined ? { connections: o.connections } : {}),
    });
    let client: DsmClient | undefined;
    try {
      const catalog = await discover(transport);
      client = new DsmClient(
        transport,
        catalog,
        { username: credentials.username, password: credentials.password, deviceId },
        { sessionName: o.sessionName, guard: this.guard, attempt, ...(o.metrics ? { metrics: o.metrics } : {}) },
      );
      await client.login();
      const api = new DsmApi(client);
      const nas = await loadNasInfo(api, baseUrl, o.portals);
      const logger = o.logger.child({ nas: nas.serial });
      logger.info({ model: nas.model, firmware: nas.firmware, limits: nas.limits }, 'DSM session opened');
      if (o.masking === 'hosts' && !catalog.has(HOST)) {
        logger.warn(
          `this NAS does not offer ${HOST} (DSM 6?): publishing will fail until SYNOLOGY_MASKING is set to chap or none`,
        );
      }
      const settings: SessionSettings = {
        defaultLocation: o.defaultLocation,
        masking: o.masking,
        lockTimeoutMs: o.lockTimeoutMs,
        deleteTimeoutMs: o.deleteTimeoutMs,
        pollIntervalMs: o.pollIntervalMs,
      };
      const session = client;
      return new SynologySession(
        { api, nas, naming: new Naming(o.namePrefix), settings, shared: this.shared, logger },
        async () => {
          await session.logout();
          await transport.close();
        },
      );
    } catch (err) {
      await client?.logout();
      await transport.close();
      throw toProblem(err, { doing: `logging in to DSM at ${baseUrl}` });
    }
  }

  /** The storage volume a capacity request's config names ('' for the default). */
  capacityPool(config: Config): string {
    return parseConfig(config).location ?? this.#options.defaultLocation ?? '';
  }

  async close(): Promise<void> {}
}
