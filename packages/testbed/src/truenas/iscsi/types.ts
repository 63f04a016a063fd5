// Rows of the iSCSI configuration tables as the 25.10/26 API returns them.
import { Table } from '../state/table.js';

export type AuthMethod = 'NONE' | 'CHAP' | 'CHAP_MUTUAL';

export interface TargetGroup {
  portal: number;
  initiator: number | null;
  authmethod: AuthMethod;
  auth: number | null;
}

export interface TargetRow {
  id: number;
  name: string;
  alias: string | null;
  mode: 'ISCSI' | 'FC' | 'BOTH';
  groups: TargetGroup[];
  auth_networks: string[];
  rel_tgt_id: number;
  iscsi_parameters: { QueuedCommands: number | null } | null;
}

export interface ExtentRow {
  id: number;
  name: string;
  type: 'DISK' | 'FILE';
  disk: string | null;
  serial: string;
  path: string | null;
  filesize: string | number;
  blocksize: number;
  pblocksize: boolean;
  avail_threshold: number | null;
  comment: string;
  naa: string;
  insecure_tpc: boolean;
  xen: boolean;
  rpm: string;
  ro: boolean;
  enabled: boolean;
  vendor: string;
  locked: boolean | null;
}

export interface TargetExtentRow {
  id: number;
  target: number;
  lunid: number;
  extent: number;
}

export interface InitiatorRow {
  id: number;
  initiators: string[];
  comment: string;
}

export interface AuthRow {
  id: number;
  tag: number;
  user: string;
  secret: string;
  peeruser: string;
  peersecret: string;
  discovery_auth: AuthMethod;
}

export interface PortalRow {
  id: number;
  listen: Array<{ ip: string; port: number }>;
  tag: number;
  comment: string;
}

export interface GlobalConfig {
  id: number;
  basename: string;
  isns_servers: string[];
  listen_port: number;
  pool_avail_threshold: number | null;
  alua: boolean;
  iser: boolean;
}

/** A logged-in initiator (simulated), so that "in use" errors and access control can be tested. */
export interface IscsiSession {
  initiator: string;
  initiator_addr: string;
  target: string;
}

export class IscsiTables {
  readonly targets = new Table<TargetRow>();
  readonly extents = new Table<ExtentRow>();
  readonly targetextents = new Table<TargetExtentRow>();
  readonly initiators = new Table<InitiatorRow>();
  readonly auth = new Table<AuthRow>();
  readonly portals = new Table<PortalRow>();
  readonly sessions: IscsiSession[] = [];
  global: GlobalConfig = {
    id: 1,
    basename: 'iqn.2005-10.org.freenas.ctl',
    isns_servers: [],
    listen_port: 3260,
    pool_avail_threshold: null,
    alua: false,
    iser: false,
  };
  #relTgtId = 0;

  /** A rel_tgt_id above every one in use (bulk seeding, which reads no table). */
  nextRelTgtId(): number {
    this.#relTgtId += 1;
    return this.#relTgtId;
  }

  /** Records `id` as taken by a created target, so that seeding continues above it. */
  claimRelTgtId(id: number): number {
    this.#relTgtId = Math.max(this.#relTgtId, id);
    return id;
  }

  iqn(targetName: string): string {
    return `${this.global.basename}:${targetName}`;
  }

  /** Names of targets (by id) that have a logged-in initiator. */
  activeTargets(ids: number[]): string[] {
    return ids
      .map((id) => this.targets.get(id))
      .filter((t): t is TargetRow => t !== undefined && this.sessions.some((s) => s.target === this.iqn(t.name)))
      .map((t) => t.name);
  }
}
