// Everything one simulated TrueNAS system holds: ZFS, iSCSI tables, accounts and API keys, jobs,
// backing files, and the test knobs (latency, faults, call counting).
import { randomBytes } from 'node:crypto';
import { CallCounter, FaultInjector } from '../../common/index.js';
import { JobStore } from '../core/jobs.js';
import type { ScramKeyData } from '../core/scram.js';
import { type IscsiSession, IscsiTables } from '../iscsi/types.js';
import { NvmetTables } from '../nvmet/types.js';
import type { RpcError } from '../rpc/errors.js';
import type { SessionState } from '../rpc/registry.js';
import { type Personality, personalityFor } from '../version/personality.js';
import { ZvolBacking } from '../zfs/backing.js';
import { ZfsNamespace } from '../zfs/model.js';
import { EventHub } from './events.js';

export interface ApiKey {
  id: number;
  name: string;
  username: string;
  key: string;
  revoked: boolean;
  revokedReason: string | null;
  /** SCRAM material (salt, iterations, StoredKey, ServerKey), made on first SCRAM use (26). */
  scram?: ScramKeyData;
}

export interface Knobs {
  /** `drop` faults close the connection before the call runs (`before`) or after it ran (`after`). */
  dropPhase: 'before' | 'after';
  /** A new zvol's /dev/zvol node appears this long after creation (extent create fails meanwhile). */
  zvolDeviceDelayMs: number;
  /** Extra methods that behave as `@job` methods (to exercise clients' job handling). */
  jobMethods: Set<string>;
  /**
   * Also answer every `force_sql_filters` iSCSI query the Python way (uncounted) and record each
   * difference in `sqlMismatches`: proves a client's SQL-filtered lookups return what the plain
   * ones would.
   */
  compareSqlFilters: boolean;
  /**
   * Treat every client as arriving from another host through the web front end (nginx passes
   * the real address): a plain API key then needs TLS. Off, a loopback client counts as a secure
   * transport, as on a real NAS.
   */
  remoteClients: boolean;
  /** PBKDF2 rounds of new SCRAM key material (middleware: 500,000; clients accept 50,000+). */
  scramIterations: number;
}

/** A `force_sql_filters` query whose answer differs from the Python-filtered one. */
export interface SqlMismatch {
  method: string;
  filters: unknown[];
  sql: unknown;
  python: unknown;
}

export interface ScanStats {
  /** Datasets the simulated middleware had to open to answer pool.dataset.query. */
  datasetRows: number;
  /** Snapshots it had to open to answer pool.snapshot.query. */
  snapshotRows: number;
  /**
   * Rows of the iSCSI tables read to answer `iscsi.*.query` / `get_instance` calls: the whole
   * table for a service with an extend step, only the matches with `force_sql_filters`.
   */
  iscsiQueryRows: number;
  /** The same for `nvmet.*.query` (the NVMe-oF target tables). */
  nvmetQueryRows: number;
  /** Rows the middleware sent back in answers (elements of list results, one per object answered). */
  returnedRows: number;
}

export interface RecordedCall {
  method: string;
  /** The params as sent; those of `auth.*` methods are replaced by `["<redacted>"]`. */
  params: unknown[];
}

/**
 * A real iSCSI target that serves what the iSCSI tables configure (the VM suite's LIO bridge,
 * truenas/lio-target.ts), as SCST serves them on a real TrueNAS.
 */
export interface KernelTarget {
  /** The NAA (`0x…`) the target presents for a LUN with this serial (VPD page 0x83). */
  naaFor(serial: string): string;
  /** Applies the tables to the target (the middleware's iscsitarget reload), before the call answers. */
  apply(): Promise<void>;
  /** The initiators logged in now, as the target reports them. */
  sessions(): Promise<IscsiSession[]>;
}

export interface SimConfig {
  /** Full release version, e.g. `25.10.6` (what system.version reports after `TrueNAS-`). */
  version: string;
  hostname: string;
  dataDir: string;
}

export class SimCore {
  readonly config: SimConfig;
  /** Everything that differs between TrueNAS 25.10 and 26 (`--version`). */
  readonly personality: Personality;
  readonly zfs = new ZfsNamespace();
  readonly iscsi = new IscsiTables();
  readonly nvmet = new NvmetTables();
  readonly events = new EventHub();
  readonly jobs = new JobStore(this.events);
  readonly backing: ZvolBacking;
  readonly calls = new CallCounter();
  readonly faults = new FaultInjector();
  readonly knobs: Knobs = {
    dropPhase: 'before',
    zvolDeviceDelayMs: 0,
    jobMethods: new Set(),
    compareSqlFilters: false,
    remoteClients: false,
    scramIterations: 500_000,
  };
  /** Reconnect tokens (26) not used yet, and the account each logs in. */
  readonly tokens = new Map<string, string>();
  /** RFC 5929 tls-server-end-point of the served certificate, for SCRAM channel binding. */
  tlsBinding: Buffer | undefined;
  /** Differences found while `knobs.compareSqlFilters` is on. */
  readonly sqlMismatches: SqlMismatch[] = [];
  readonly scans: ScanStats = {
    datasetRows: 0,
    snapshotRows: 0,
    iscsiQueryRows: 0,
    nvmetQueryRows: 0,
    returnedRows: 0,
  };
  /** Highest number of calls one connection had executing and in flight at the same time. */
  readonly peaks = { executing: 0, inflight: 0 };
  readonly users = new Map<string, string>();
  readonly apiKeys: ApiKey[] = [];
  /** When each zvol's device node appears (epoch ms), for the fresh-zvol race. */
  readonly zvolDeviceReadyAt = new Map<string, number>();
  readonly bootTime = Date.now();
  /** Method and params of every call received while a test records them (`recordCalls`). */
  callLog: RecordedCall[] | undefined;
  /** When set, the iSCSI tables are served by this real target and sessions come from it. */
  kernelTarget: KernelTarget | undefined;
  /** Errors planned for the next calls of a method (`failNext`), answered once each, in order. */
  readonly plannedErrors = new Map<string, RpcError[]>();
  /** Work to do just before the next call of a method runs (`beforeNext`), for race tests. */
  readonly beforeHooks = new Map<string, Array<() => Promise<void> | void>>();

  /** `version` is `25.10`, `25.10.N`, `26.0` or `26.0.N`; the config holds the full release. */
  constructor(config: SimConfig) {
    this.personality = personalityFor(config.version);
    this.config = { ...config, version: this.personality.release.version };
    this.backing = new ZvolBacking(`${config.dataDir}/zvols`);
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  addUser(username: string, password: string): void {
    this.users.set(username, password);
  }

  /** Creates an API key for a user; returns the plain key (`<id>-<64 chars>`), as the UI shows it once. */
  addApiKey(username: string, name = 'opencsp', explicit?: string): ApiKey {
    const id = this.apiKeys.length + 1;
    const key =
      explicit ??
      `${id}-${randomBytes(48)
        .toString('base64url')
        .replace(/[^A-Za-z0-9]/g, 'x')
        .slice(0, 64)}`;
    const entry: ApiKey = { id, name, username, key, revoked: false, revokedReason: null };
    this.apiKeys.push(entry);
    return entry;
  }

  findApiKey(key: string): ApiKey | undefined {
    return this.apiKeys.find((k) => k.key === key);
  }

  /** The error planned for this call of `method`, if any (consumed). */
  takePlannedError(method: string): RpcError | undefined {
    const queue = this.plannedErrors.get(method);
    const next = queue?.shift();
    if (queue && queue.length === 0) {
      this.plannedErrors.delete(method);
    }
    return next;
  }

  /** The hook planned for this call of `method`, if any (consumed). */
  takeBeforeHook(method: string): (() => Promise<void> | void) | undefined {
    const queue = this.beforeHooks.get(method);
    const next = queue?.shift();
    if (queue && queue.length === 0) {
      this.beforeHooks.delete(method);
    }
    return next;
  }

  isJob(method: string, declared: boolean): boolean {
    return declared || this.knobs.jobMethods.has(method);
  }
}

export interface CallContext {
  sim: SimCore;
  session: SessionState;
}
