// The DSM simulator: a protocol-faithful DSM 7 Web API server (query.cgi, auth.cgi, entry.cgi) on
// loopback, playing one Synology model with its ceilings, volumes, sessions, 2-step verification,
// Auto Block, CSRF tokens, LUNs with sparse backing files, snapshots and targets.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BackingStore,
  CallCounter,
  FaultInjector,
  type FaultSettings,
  SimRoutes,
  selfSignedCertificate,
} from '../common/index.js';
import { handleAdmin } from './admin.js';
import { type AuditReport, audit, type Baseline, takeBaseline } from './audit.js';
import { type Account, Authenticator, account } from './auth.js';
import { AutoBlock, type AutoBlockSettings } from './autoblock.js';
import { type Dispatcher, dispatch } from './dispatch.js';
import { hostHandlers } from './host.js';
import { requestParams, sendHtml, sendJson } from './http.js';
import { defaultKnobs, type Knobs } from './knobs.js';
import { lunHandlers } from './lun.js';
import { type ModelSpec, modelSpec, type VolumeSpec } from './models.js';
import {
  lunReachable,
  lunWwid,
  type PortalLogin,
  portalLogin,
  portalLogout,
  portalSessions,
  type VisibleLun,
} from './portal.js';
import { seedOwnerObjects } from './seed.js';
import { SessionStore } from './sessions.js';
import { DsmState } from './state.js';
import { systemHandlers, volumeHandlers } from './storage.js';
import { targetHandlers } from './target.js';

export interface DsmSimulatorOptions {
  model?: string;
  host?: string;
  port?: number;
  tls?: boolean;
  /** Where backing files live; a temporary directory (removed at close) when absent. */
  dataDir?: string;
  /** Defaults to one administrator `admin` / `synology-sim-password`. */
  accounts?: Account[];
  serial?: string;
  hostname?: string;
  firmware?: string;
  csrf?: boolean;
  sessionIdleMs?: number;
  interruptDuplicateLogins?: boolean;
  autoBlock?: Partial<AutoBlockSettings>;
  knobs?: Partial<Knobs>;
  faults?: Partial<FaultSettings>;
  faultSeed?: number;
  /** Override the model's ceilings (e.g. a low snapshot limit for a test). */
  limits?: Partial<Pick<ModelSpec, 'maxLuns' | 'maxTargets' | 'maxSnapshotsPerLun'>>;
  volumes?: VolumeSpec[];
  /** Create a LUN and a target the cluster does not own, as on a NAS already in use. */
  ownerObjects?: boolean;
  /** Serve /_sim/* (audit, knobs, faults, sessions) for out-of-process tests (default true). */
  adminApi?: boolean;
  /** APIs this NAS lacks, e.g. `SYNO.Core.ISCSI.Host` to play DSM 6 (API.Info omits them, calls get 102). */
  absentApis?: string[];
  /** Methods this NAS lacks, as `api.method` (calls get 103 "no such method"). */
  absentMethods?: string[];
}

/**
 * How to find the backing file of a published LUN: by the serial number (WWID) publish answers,
 * by LUN uuid, or by target IQN and mapping index (the node's LUN number).
 */
export type BackingLookup = { serial: string } | { lunUuid: string } | { target: string; lun: number };

/**
 * A planned failure: `drop` closes the connection before DSM acts, `lose-answer` lets DSM act and
 * then closes it, `error` answers HTTP 500 with HTML, `busy` HTTP 503, and `{ dsmError }` the
 * DSM envelope `{success:false, error:{code}}` (HTTP 200) without acting, as DSM refuses a call.
 */
export type ScriptedFault = 'drop' | 'lose-answer' | 'error' | 'busy' | { dsmError: number };

export const defaultAdmin = { username: 'admin', password: 'synology-sim-password' } as const;

function serialFor(model: string): string {
  const digits = [...model].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_000, 7);
  return `2260PDN${String(digits).padStart(6, '0')}`;
}

export class DsmSimulator {
  readonly state: DsmState;
  readonly auth: Authenticator;
  readonly knobs: Knobs;
  readonly faults: FaultInjector;
  readonly calls = new CallCounter();
  /** Rows DSM answered in lists (LUNs, targets, snapshots, hosts, volumes), for scale checks. */
  readonly rows = { returned: 0 };
  /** Web API requests being answered now, and the most there were at once (a client's concurrency). */
  readonly concurrency = { now: 0, peak: 0 };
  readonly serial: string;
  readonly hostname: string;
  url = '';
  port = 0;
  /** PEM certificate when serving TLS (clients trust it as their CA). */
  certificate: string | undefined;
  /** Test-only HTTP routes beside DSM's (the `dsm-sim` command registers the node API). */
  readonly routes = new SimRoutes();
  #server: Server | undefined;
  #dispatcher: Dispatcher | undefined;
  #baseline: Baseline | undefined;
  #ownDataDir: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #scripted: { kind: ScriptedFault; methods: RegExp | undefined }[] = [];
  readonly #options: DsmSimulatorOptions;

  private constructor(options: DsmSimulatorOptions, dataDir: string) {
    this.#options = options;
    const model = { ...modelSpec(options.model ?? 'DS923+'), ...options.limits };
    if (options.volumes) {
      model.volumes = options.volumes;
    }
    this.state = new DsmState(model, new BackingStore(join(dataDir, 'luns')));
    this.knobs = { ...defaultKnobs, ...options.knobs };
    this.faults = new FaultInjector(options.faults, options.faultSeed ?? 1);
    const sessions = new SessionStore({
      idleMs: options.sessionIdleMs ?? 15 * 60_000,
      interruptDuplicates: options.interruptDuplicateLogins ?? false,
      csrf: options.csrf ?? false,
    });
    const accounts = options.accounts ?? [account(defaultAdmin.username, defaultAdmin.password)];
    this.auth = new Authenticator(sessions, new AutoBlock(options.autoBlock), accounts);
    this.serial = options.serial ?? serialFor(model.model);
    this.hostname = options.hostname ?? model.model.toLowerCase().replace(/[^a-z0-9]/g, '');
  }

  static async start(options: DsmSimulatorOptions = {}): Promise<DsmSimulator> {
    const own = options.dataDir ? undefined : await mkdtemp(join(tmpdir(), 'dsm-sim-'));
    const sim = new DsmSimulator(options, options.dataDir ?? (own as string));
    sim.#ownDataDir = own;
    await sim.state.backing.init();
    if (options.ownerObjects) {
      await seedOwnerObjects(sim.state, sim.hostname);
    }
    sim.markBaseline();
    await sim.#listen();
    return sim;
  }

  #makeDispatcher(): Dispatcher {
    return {
      state: this.state,
      auth: this.auth,
      knobs: this.knobs,
      calls: this.calls,
      rows: this.rows,
      handlers: {
        'SYNO.Core.ISCSI.LUN': lunHandlers,
        'SYNO.Core.ISCSI.Target': targetHandlers,
        'SYNO.Core.ISCSI.Host': hostHandlers,
        'SYNO.Core.Storage.Volume': volumeHandlers,
        'SYNO.Core.System': systemHandlers({
          serial: this.serial,
          hostname: this.hostname,
          firmware: this.#options.firmware ?? 'DSM 7.2.2-72806 Update 3',
        }),
      },
      absent: {
        apis: new Set(this.#options.absentApis ?? []),
        methods: new Set(this.#options.absentMethods ?? []),
      },
      serialize: (work) => this.#serialize(work),
    };
  }

  /**
   * The next `count` calls matching `methods` ("api.method") fail in a fixed way (see
   * `ScriptedFault`). Deterministic, unlike the fault rates.
   */
  failNext(count: number, kind: ScriptedFault, methods?: RegExp): void {
    for (let i = 0; i < count; i++) {
      this.#scripted.push({ kind, methods });
    }
  }

  /** Objects existing now are not leaks (called at start; tests may call it again). */
  markBaseline(): void {
    this.#baseline = takeBaseline(this.state);
  }

  async audit(): Promise<AuditReport> {
    await this.#serialize(() => this.state.reap());
    return audit(this.state, this.#baseline ?? takeBaseline(this.state));
  }

  /** An initiator logs in to a target through the simulated portal (masking, CHAP, sessions). */
  portalLogin(login: PortalLogin): VisibleLun[] {
    return portalLogin(this.state, login);
  }

  portalLogout(initiatorIqn: string, targetIqn: string): void {
    portalLogout(this.state, initiatorIqn, targetIqn);
  }

  /** Open portal sessions (initiator → target). */
  portalSessions(): { target: string; initiator: string }[] {
    return portalSessions(this.state);
  }

  /** Whether this initiator (and CHAP) could reach the LUN through some target; opens no session. */
  lunReachable(lunUuid: string, login: Omit<PortalLogin, 'targetIqn'>): boolean {
    return lunReachable(this.state, lunUuid, login);
  }

  /**
   * The sparse file holding a LUN's data (for the node side's loop device), or undefined when no
   * live LUN matches. The serial is the WWID publish answers (`serial_number`), case-insensitive.
   */
  backingFile(lookup: BackingLookup): string | undefined {
    const { state } = this;
    let uuid: string | undefined;
    if ('lunUuid' in lookup) {
      uuid = lookup.lunUuid;
    } else if ('serial' in lookup) {
      const serial = lookup.serial.toLowerCase().replace(/^(0x|naa\.)/, '');
      uuid = [...state.luns.keys()].find((u) => lunWwid(u) === serial);
    } else {
      const target = [...state.targets.values()].find((t) => t.iqn === lookup.target);
      uuid = target && [...target.mapped].find(([, index]) => index === lookup.lun)?.[0];
    }
    const lun = uuid === undefined ? undefined : state.luns.get(uuid);
    return lun && lun.deletingUntil === undefined ? state.backing.path(lun.backingKey) : undefined;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (this.#ownDataDir) {
      await rm(this.#ownDataDir, { recursive: true, force: true });
    }
  }

  #serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work, work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #listen(): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) {
          sendHtml(res, 500, 'Internal Server Error');
        }
      });
    };
    let scheme = 'http';
    if (this.#options.tls) {
      const material = await selfSignedCertificate('localhost');
      this.certificate = material.cert;
      this.#server = createHttps({ key: material.key, cert: material.cert }, handler);
      scheme = 'https';
    } else {
      this.#server = createHttp(handler);
    }
    const server = this.#server;
    const host = this.#options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port ?? 0, host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  #takeScripted(call: string): ScriptedFault | undefined {
    const index = this.#scripted.findIndex((f) => !f.methods || f.methods.test(call));
    if (index < 0) {
      return undefined;
    }
    const [fault] = this.#scripted.splice(index, 1);
    return fault?.kind;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dsm');
    if (url.pathname.startsWith('/_sim/') && this.#options.adminApi !== false) {
      if (await this.routes.serve(req, res, url)) {
        return;
      }
      await handleAdmin(this, req, res, url);
      return;
    }
    const match = /^\/webapi\/(query|auth|entry)\.cgi$/.exec(url.pathname);
    if (!match) {
      sendHtml(res, 404, 'Not Found');
      return;
    }
    this.concurrency.now++;
    this.concurrency.peak = Math.max(this.concurrency.peak, this.concurrency.now);
    try {
      await this.#answer(req, res, url, match[1] as string);
    } finally {
      this.concurrency.now--;
    }
  }

  async #answer(req: IncomingMessage, res: ServerResponse, url: URL, cgi: string): Promise<void> {
    const raw = await requestParams(req, url);
    const call = `${raw.get('api') ?? ''}.${raw.get('method') ?? ''}`;
    const scripted = this.#takeScripted(call);
    const fault = scripted ?? this.faults.pick(call);
    await this.faults.delay();
    if (typeof fault === 'object') {
      sendJson(res, { success: false, error: { code: fault.dsmError } }, {});
      return;
    }
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'busy') {
      sendHtml(res, 503, 'Service Unavailable');
      return;
    }
    if (fault === 'error') {
      sendHtml(res, 500, 'Internal Server Error');
      return;
    }
    this.#dispatcher ??= this.#makeDispatcher();
    const answer = await dispatch(this.#dispatcher, req, `${cgi}.cgi`, raw);
    if (fault === 'lose-answer') {
      req.socket.destroy();
      return;
    }
    sendJson(res, answer.body, answer.headers);
  }
}
