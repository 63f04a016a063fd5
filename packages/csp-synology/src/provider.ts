// The Synology provider: turns driver credentials into a DSM session. Discovers the API with
// SYNO.API.Info, logs in (never retrying refused credentials), learns the NAS identity and limits,
// and hands out a session whose id space is bound to that NAS's serial number.
import type { Credentials, CspProvider } from '@opencsp/csp-spec/server';
import { CspProblem, KeyedMutex } from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import type { SessionSettings, SharedState } from './context.js';
import { DsmApi, HOST } from './dsm/api.js';
import { DsmClient } from './dsm/client.js';
import { discover } from './dsm/discovery.js';
import { LoginLatch } from './dsm/latch.js';
import { toProblem } from './dsm/problems.js';
import { DsmTransport } from './dsm/transport.js';
import { HostRegistry } from './hosts.js';
import { Naming } from './ids.js';
import { loadNasInfo } from './nas.js';
import { SynologySession } from './session.js';
import { SnapshotIndexes } from './snapshot-index.js';
import { cspVersion } from './version.js';

export interface SynologyProviderOptions extends SessionSettings {
  /** The NAS used when a login names no array: `https://nas.example:5001`. */
  defaultUrl: string | undefined;
  /** Scheme and port for logins that name an array by host only. */
  https: boolean;
  port: number;
  /** PEM CA bundle for the NAS certificate. */
  ca: string | undefined;
  insecureSkipVerify: boolean;
  /** Hosts a login may name (empty: any). */
  allowedHosts: string[];
  /** 2-step verification device token (`did`). */
  deviceId: string | undefined;
  sessionName: string;
  namePrefix: string;
  portals: string[];
  requestTimeoutMs: number;
  /** Requests in flight at once per DSM session (default 16). */
  connections?: number;
  loginRetryAfterMs: number;
  /** Maximum age of the NAS-wide snapshot name and clone index. */
  snapshotIndexMaxAgeMs?: number;
  logger: Logger;
}

export class SynologyProvider implements CspProvider {
  readonly name = 'synology';
  readonly version = cspVersion;
  readonly shared: SharedState;
  readonly latch: LoginLatch;
  readonly #options: SynologyProviderOptions;

  constructor(options: SynologyProviderOptions) {
    this.#options = options;
    this.latch = new LoginLatch(options.loginRetryAfterMs);
    this.shared = {
      hosts: new HostRegistry(),
      targetLocks: new KeyedMutex(),
      appliedChap: new Map(),
      hostIds: new Map(),
      snapshotIndexes: new SnapshotIndexes(options.snapshotIndexMaxAgeMs ?? 10 * 60_000),
    };
  }

  /** The DSM base URL for a login: the configured NAS, or the array the driver names. */
  baseUrl(arrayIp: string | undefined): string {
    const o = this.#options;
    if (!arrayIp) {
      if (!o.defaultUrl) {
        throw new CspProblem('INVALID_INPUT', 'array_ip: this CSP has no default NAS (SYNOLOGY_URL); name the NAS', {
          field: 'array_ip',
        });
      }
      return new URL(o.defaultUrl).origin;
    }
    let url: URL;
    try {
      url = new URL(/^https?:\/\//.test(arrayIp) ? arrayIp : `${o.https ? 'https' : 'http'}://${arrayIp}`);
    } catch {
      throw new CspProblem('INVALID_INPUT', `array_ip: ${arrayIp} is not a host name, address or URL`, {
        field: 'array_ip',
      });
    }
    if (url.pathname !== '/' || url.search || url.username) {
      throw new CspProblem('INVALID_INPUT', 'array_ip: give a host (and port), not a path', { field: 'array_ip' });
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const allowed = o.allowedHosts.length === 0 || o.allowedHosts.includes(host);
    if (!allowed) {
      throw new CspProblem('INVALID_INPUT', `array_ip: ${host} is not among this CSP's allowed NAS hosts`, {
        field: 'array_ip',
      });
    }
    if (!url.port) {
      url.port = String(o.port);
    }
    return url.origin;
  }

  async openSession(credentials: Credentials): Promise<SynologySession> {
    const o = this.#options;
    const baseUrl = this.baseUrl(credentials.arrayIp);
    const transport = new DsmTransport({
      baseUrl,
      ca: o.ca,
      insecureSkipVerify: o.insecureSkipVerify,
      timeoutMs: o.requestTimeoutMs,
      ...(o.connections !== undefined ? { connections: o.connections } : {}),
    });
    let client: DsmClient | undefined;
    try {
      const catalog = await discover(transport);
      client = new DsmClient(
        transport,
        catalog,
        { username: credentials.username, password: credentials.password, deviceId: o.deviceId },
        { sessionName: o.sessionName, latch: this.latch },
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

  async close(): Promise<void> {}
}
