// Rows of the NVMe-oF target tables (plugins/nvmet/*.py, docs/research/truenas-nvmet.md) as the
// 25.10/26 API returns them, the global config, and the hosts connected to subsystems.
import { randomUUID } from 'node:crypto';
import { Table } from '../state/table.js';

export type DhchapHash = 'SHA-256' | 'SHA-384' | 'SHA-512';
export type DhchapGroup = '2048-BIT' | '3072-BIT' | '4096-BIT' | '6144-BIT' | '8192-BIT';
export type Trtype = 'TCP' | 'RDMA' | 'FC';

export interface NvmetHostRow {
  id: number;
  hostnqn: string;
  dhchap_key: string | null;
  dhchap_ctrl_key: string | null;
  dhchap_dhgroup: DhchapGroup | null;
  dhchap_hash: DhchapHash;
  /** 26 only (`description` column added after 25.10). */
  description: string;
}

export interface NvmetSubsysRow {
  id: number;
  name: string;
  subnqn: string;
  serial: string;
  allow_any_host: boolean;
  pi_enable: boolean | null;
  qid_max: number | null;
  ieee_oui: string | null;
  ana: boolean | null;
}

export interface NvmetPortRow {
  id: number;
  index: number;
  addr_trtype: Trtype;
  /** A port number for TCP and RDMA (the column holds text; extend makes it an int again). */
  addr_trsvcid: number | string | null;
  addr_traddr: string;
  addr_adrfam: 'IPV4' | 'IPV6' | 'FC';
  inline_data_size: number | null;
  max_queue_size: number | null;
  pi_enable: boolean | null;
  enabled: boolean;
}

export interface NvmetNamespaceRow {
  id: number;
  nsid: number;
  subsys_id: number;
  device_type: 'ZVOL' | 'FILE';
  device_path: string;
  filesize: number | null;
  device_uuid: string;
  device_nguid: string;
  enabled: boolean;
}

export interface HostSubsysRow {
  id: number;
  host_id: number;
  subsys_id: number;
}

export interface PortSubsysRow {
  id: number;
  port_id: number;
  subsys_id: number;
}

export interface NvmetGlobal {
  id: number;
  basenqn: string;
  kernel: boolean;
  ana: boolean;
  rdma: boolean;
  xport_referral: boolean;
}

/** A host controller connected to a subsystem through a port (what `nvmet.global.sessions` lists). */
export interface NvmetSession {
  hostnqn: string;
  host_traddr: string;
  subsys_id: number;
  port_id: number;
  ctrl: number;
}

export class NvmetTables {
  readonly hosts = new Table<NvmetHostRow>();
  readonly subsys = new Table<NvmetSubsysRow>();
  readonly ports = new Table<NvmetPortRow>();
  readonly namespaces = new Table<NvmetNamespaceRow>();
  readonly hostSubsys = new Table<HostSubsysRow>();
  readonly portSubsys = new Table<PortSubsysRow>();
  readonly sessions: NvmetSession[] = [];
  readonly global: NvmetGlobal = {
    id: 1,
    basenqn: `nqn.2011-06.com.truenas:uuid:${randomUUID()}`,
    kernel: true,
    ana: false,
    rdma: false,
    xport_referral: true,
  };
  #ctrl = 0;

  nextCtrl(): number {
    this.#ctrl += 1;
    return this.#ctrl;
  }

  subsysByNqn(subnqn: string): NvmetSubsysRow | undefined {
    return this.subsys.find((s) => s.subnqn === subnqn);
  }

  /** Drops the sessions of a subsystem (its controllers go when the subsystem or its ports go). */
  dropSessions(subsysId: number, portId?: number): void {
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const session = this.sessions[i] as NvmetSession;
      if (session.subsys_id === subsysId && (portId === undefined || session.port_id === portId)) {
        this.sessions.splice(i, 1);
      }
    }
  }
}
