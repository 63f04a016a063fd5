// The TrueNAS simulator as a test fixture: start it on 127.0.0.1 (port 0 by default), talk to it
// over ws:// or wss://, flip knobs, seed objects, look up the backing file of a published LUN, run
// the leak audit, stop it. `main.ts` wraps the same class as the `truenas-sim` command.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FaultSettings, SimRoutes, selfSignedCertificate, type TlsMaterial } from '../common/index.js';
import { AuditBaseline, auditIsEmpty, type LeakAudit } from './audit.js';
import { tlsServerEndPoint } from './core/scram.js';
import { iscsiLogin, iscsiLogout, type LoginRequest } from './iscsi/login.js';
import { attachLioTarget, type LioTargetHandle, type LioTargetOptions } from './lio-target.js';
import { allMethods } from './methods.js';
import { addPort, type NvmeConnectRequest, nvmeConnect, nvmeDisconnect } from './nvmet/index.js';
import { callError, errno, validationErrors } from './rpc/errors.js';
import { type SeededZvol, type SeedZvol, seedZvols } from './seed.js';
import { createSimServer, type ListeningServer } from './server/http.js';
import { type Knobs, type RecordedCall, SimCore } from './state/core.js';

export interface TrueNasSimulatorOptions {
  host?: string;
  port?: number;
  /** Serve wss:// with a self-signed certificate generated at start (default false). */
  tls?: boolean;
  /** Where zvol backing files live (default: a fresh temp dir, removed on stop). */
  dataDir?: string;
  /**
   * TrueNAS release to play: `25.10` / `25.10.N` or `26` / `26.0.N` (default `25.10`, i.e. 25.10.6).
   * It picks the API directory, error shapes and auth methods of that release (`core.personality`).
   */
  version?: string;
  hostname?: string;
  pool?: { name: string; capacity: number };
  /** Filesystems created at start, e.g. `tank/k8s`. */
  datasets?: string[];
  username?: string;
  password?: string;
  /** Create an API key for `username` (returned as `apiKey`); a string registers that exact key. */
  apiKey?: boolean | string;
  /** Portals created at start: listen IPs and comment. */
  portals?: Array<{ ips: string[]; comment?: string }>;
  /** NVMe-oF TCP ports created at start (default 127.0.0.1:4420 and 127.0.0.2:4420; [] for none). */
  nvmePorts?: Array<{ ip: string; port?: number }>;
  /** `nvmet.global` basenqn (default `nqn.2011-06.com.truenas:uuid:<random uuid>`). */
  basenqn?: string;
  basename?: string;
  faults?: Partial<FaultSettings>;
  knobs?: Partial<Knobs>;
  /**
   * Serve the iSCSI configuration with this machine's kernel target (LIO through configfs; root):
   * initiators log in to real targets and read the zvols' data (the VM suite). `stop()` takes it down.
   */
  lioTarget?: boolean | LioTargetOptions;
}

/**
 * A failure planned for the next call of a method: a CallError with an errno (`EBUSY`, `ENOSPC`,
 * `EEXIST`, `EIO`...) or a validation error (-32602) on one attribute, exactly as middleware
 * sends them.
 */
export type PlannedFailure =
  | { errno: keyof typeof errno; message: string }
  | { attribute: string; message: string; errno?: keyof typeof errno };

export type BackingLookup =
  | { naa: string }
  | { serial: string }
  | { dataset: string }
  | { target: string; lun: number }
  | { nguid: string }
  | { subnqn: string; nsid: number };

const GiB = 1024 ** 3;

export class TrueNasSimulator {
  readonly core: SimCore;
  readonly tls: TlsMaterial | undefined;
  readonly apiKey: string | undefined;
  readonly username: string;
  readonly password: string;
  /** Test-only HTTP routes beside the API (the `truenas-sim` command registers the node API). */
  readonly routes: SimRoutes;
  readonly #net: ListeningServer;
  readonly #baseline: AuditBaseline;
  readonly #ownsDataDir: boolean;
  #address: AddressInfo | undefined;
  #lio: LioTargetHandle | undefined;

  private constructor(
    core: SimCore,
    net: ListeningServer,
    tls: TlsMaterial | undefined,
    routes: SimRoutes,
    opts: Required<Pick<TrueNasSimulatorOptions, 'username' | 'password'>> & {
      apiKey: string | undefined;
      ownsDataDir: boolean;
    },
  ) {
    this.core = core;
    this.#net = net;
    this.tls = tls;
    this.routes = routes;
    this.username = opts.username;
    this.password = opts.password;
    this.apiKey = opts.apiKey;
    this.#ownsDataDir = opts.ownsDataDir;
    this.#baseline = new AuditBaseline(core);
  }

  static async start(options: TrueNasSimulatorOptions = {}): Promise<TrueNasSimulator> {
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'truenas-sim-')));
    const core = new SimCore({
      version: options.version ?? '25.10',
      hostname: options.hostname ?? 'truenas-sim',
      dataDir,
    });
    await core.backing.init();
    const pool = options.pool ?? { name: 'tank', capacity: 1024 * GiB };
    core.zfs.addPool(pool.name, pool.capacity, core.now());
    for (const ds of options.datasets ?? [`${pool.name}/k8s`]) {
      const parts = ds.split('/');
      if (parts[0] !== pool.name) {
        throw new Error(`dataset ${ds} is not in pool ${pool.name}`);
      }
      for (let i = 2; i <= parts.length; i++) {
        const name = parts.slice(0, i).join('/');
        if (!core.zfs.datasets.has(name)) {
          core.zfs.createDataset(name, 'FILESYSTEM', core.now());
        }
      }
    }
    const username = options.username ?? 'truenas_admin';
    const password = options.password ?? 'testbed-password';
    core.addUser(username, password);
    const apiKey = options.apiKey
      ? core.addApiKey(username, 'opencsp', typeof options.apiKey === 'string' ? options.apiKey : undefined).key
      : undefined;
    for (const [i, portal] of (options.portals ?? [{ ips: ['127.0.0.1'], comment: 'opencsp' }]).entries()) {
      core.iscsi.portals.insert({
        listen: portal.ips.map((ip) => ({ ip, port: 3260 })),
        tag: i + 1,
        comment: portal.comment ?? '',
      });
    }
    if (options.basename) {
      core.iscsi.global.basename = options.basename;
    }
    for (const port of options.nvmePorts ?? [{ ip: '127.0.0.1' }, { ip: '127.0.0.2' }]) {
      addPort(core, port.ip, port.port);
    }
    if (options.basenqn) {
      core.nvmet.global.basenqn = options.basenqn;
    }
    core.faults.set(options.faults ?? {});
    Object.assign(core.knobs, options.knobs ?? {});
    const tls = options.tls ? await selfSignedCertificate('localhost') : undefined;
    core.tlsBinding = tls ? tlsServerEndPoint(tls.cert) : undefined;
    const routes = new SimRoutes();
    const net = createSimServer(core, allMethods(), tls, routes);
    const sim = new TrueNasSimulator(core, net, tls, routes, {
      username,
      password,
      apiKey,
      ownsDataDir: options.dataDir === undefined,
    });
    if (options.lioTarget) {
      try {
        sim.#lio = await attachLioTarget(core, options.lioTarget === true ? {} : options.lioTarget);
      } catch (err) {
        await sim.stop();
        throw err;
      }
    }
    await new Promise<void>((resolve, reject) => {
      net.server.once('error', reject);
      net.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    sim.#address = net.server.address() as AddressInfo;
    return sim;
  }

  get port(): number {
    return (this.#address as AddressInfo).port;
  }

  /** `host:port` as a CSP's array address. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** WebSocket URL of an API version (default `current`). */
  url(version = 'current'): string {
    return `${this.tls ? 'wss' : 'ws'}://127.0.0.1:${this.port}/api/${version}`;
  }

  get calls() {
    return this.core.calls;
  }

  /**
   * Starts keeping the method and params of every call received (auth params redacted), for tests
   * that check what a client sent; returns the live log. Off unless asked for.
   */
  recordCalls(): RecordedCall[] {
    this.core.callLog ??= [];
    return this.core.callLog;
  }

  /** WebSocket client connections open now (a CSP holds one per array session). */
  get connectionCount(): number {
    return this.#net.wss.clients.size;
  }

  /** Of those, the ones that negotiated permessage-deflate (every frame the middleware sends is deflated). */
  get deflateConnectionCount(): number {
    return [...this.#net.wss.clients].filter((ws) => ws.extensions.includes('permessage-deflate')).length;
  }

  setFaults(settings: Partial<FaultSettings>): void {
    this.core.faults.set(settings);
  }

  setKnobs(knobs: Partial<Knobs>): void {
    Object.assign(this.core.knobs, knobs);
  }

  /** The next call of `method` (after authentication) fails with `failure`; queued calls fail in turn. */
  failNext(method: string, failure: PlannedFailure): void {
    const error =
      'attribute' in failure
        ? validationErrors([[failure.attribute, failure.message, errno[failure.errno ?? 'EINVAL']]])
        : callError(failure.message, errno[failure.errno]);
    const queue = this.core.plannedErrors.get(method) ?? [];
    queue.push(error);
    this.core.plannedErrors.set(method, queue);
  }

  /**
   * Runs `action` just before the next call of `method` (after authentication): another client
   * changing the array between a CSP's check and its act, for race tests.
   */
  beforeNext(method: string, action: () => Promise<void> | void): void {
    const queue = this.core.beforeHooks.get(method) ?? [];
    queue.push(action);
    this.core.beforeHooks.set(method, queue);
  }

  /** Closes every client connection (as a middleware restart would); sessions are forgotten. */
  dropConnections(): void {
    for (const client of this.#net.wss.clients) {
      client.terminate();
    }
  }

  /** Every object created since start (or since the last `acceptCurrentState`). */
  audit(): LeakAudit {
    return this.#baseline.audit(this.core);
  }

  auditIsEmpty(): boolean {
    return auditIsEmpty(this.audit());
  }

  /** Treats everything that exists now as pre-existing (e.g. after seeding). */
  acceptCurrentState(): void {
    this.#baseline.capture(this.core);
  }

  seedZvols(specs: SeedZvol[]): Promise<SeededZvol[]> {
    return seedZvols(this.core, specs);
  }

  iscsiLogin(request: LoginRequest): void {
    iscsiLogin(this.core, request);
  }

  iscsiLogout(target: string, initiator: string): void {
    iscsiLogout(this.core, target, initiator);
  }

  /** Simulated `nvme connect` of a host, checked against the subsystem's ports, hosts and DH-CHAP. */
  nvmeConnect(request: NvmeConnectRequest): number {
    return nvmeConnect(this.core, request);
  }

  nvmeDisconnect(subnqn: string, hostnqn: string): void {
    nvmeDisconnect(this.core, subnqn, hostnqn);
  }

  /**
   * The sparse file holding a LUN's data, found by the extent's NAA (with or without `0x`), its
   * serial, the zvol's dataset name, or a target IQN and LUN number. Undefined when unknown.
   */
  backingFile(lookup: BackingLookup): string | undefined {
    const { iscsi, zfs } = this.core;
    let dataset: string | undefined;
    if ('dataset' in lookup) {
      dataset = lookup.dataset;
    } else if ('nguid' in lookup || 'subnqn' in lookup) {
      dataset = this.#namespaceDataset(lookup);
    } else {
      let extent = undefined as ReturnType<typeof iscsi.extents.get>;
      if ('naa' in lookup) {
        const naa = lookup.naa.toLowerCase().replace(/^0x/, '');
        extent = iscsi.extents.find((e) => e.naa.toLowerCase().replace(/^0x/, '') === naa);
      } else if ('serial' in lookup) {
        extent = iscsi.extents.find((e) => e.serial === lookup.serial);
      } else {
        const target = iscsi.targets.find((t) => iscsi.iqn(t.name) === lookup.target);
        const te = target && iscsi.targetextents.find((m) => m.target === target.id && m.lunid === lookup.lun);
        extent = te && iscsi.extents.get(te.extent);
      }
      dataset = extent?.path?.replace(/^zvol\//, '');
    }
    const key = dataset ? zfs.datasets.get(dataset)?.backing : undefined;
    return key ? this.core.backing.path(key) : undefined;
  }

  /** The zvol behind an NVMe namespace, by NGUID (with or without dashes) or subsystem NQN and NSID. */
  #namespaceDataset(lookup: { nguid: string } | { subnqn: string; nsid: number }): string | undefined {
    const { nvmet } = this.core;
    const flat = (text: string) => text.toLowerCase().replaceAll('-', '');
    const ns =
      'nguid' in lookup
        ? nvmet.namespaces.find((n) => flat(n.device_nguid) === flat(lookup.nguid))
        : nvmet.namespaces.find((n) => n.nsid === lookup.nsid && n.subsys_id === nvmet.subsysByNqn(lookup.subnqn)?.id);
    return ns?.device_path.replace(/^zvol\//, '');
  }

  async stop(): Promise<void> {
    for (const client of this.#net.wss.clients) {
      client.terminate();
    }
    this.#net.wss.close();
    await new Promise<void>((resolve) => this.#net.server.close(() => resolve()));
    // The kernel target lets go of the zvols' files before they are removed.
    await this.#lio?.close();
    this.#lio = undefined;
    if (this.#ownsDataDir) {
      await rm(this.core.config.dataDir, { recursive: true, force: true });
    }
  }
}
