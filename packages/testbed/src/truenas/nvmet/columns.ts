// The SQLite columns behind the nvmet services (the sqlalchemy models in plugins/nvmet/*.py). SQL
// filtering (`force_sql_filters`, or host_subsys/port_subsys, which have no extend step) sees these
// raw columns: enums are stored as integers (DHCHAP_HASH, PORT_TRTYPE, NAMESPACE_DEVICE_TYPE), a
// port's trsvcid is text, booleans are 0/1, DH-CHAP keys are encrypted text.
import { createHash } from 'node:crypto';
import type { SqlColumn, SqlTable } from '../query/sql.js';
import type {
  HostSubsysRow,
  NvmetHostRow,
  NvmetNamespaceRow,
  NvmetPortRow,
  NvmetSubsysRow,
  PortSubsysRow,
} from './types.js';

const plain = <T>(read: (row: T) => unknown): SqlColumn<T> => ({ value: (row) => read(row) ?? null });
const flag = <T>(read: (row: T) => boolean | null): SqlColumn<T> => ({
  value: (row) => {
    const v = read(row);
    return v === null ? null : v ? 1 : 0;
  },
});
const encrypted = <T>(read: (row: T) => string | null): SqlColumn<T> => ({
  value: (row) => {
    const v = read(row);
    return v === null ? null : `gAAAAA${createHash('sha256').update(`sim-pwenc:${v}`).digest('base64url')}`;
  },
});
const id = plain<{ id: number }>((row) => row.id);

const hashDb = { 'SHA-256': 1, 'SHA-384': 2, 'SHA-512': 3 } as const;
const groupDb = { '2048-BIT': 1, '3072-BIT': 2, '4096-BIT': 3, '6144-BIT': 4, '8192-BIT': 5 } as const;
const trtypeDb = { RDMA: 1, FC: 2, TCP: 3 } as const;
const adrfamDb = { IPV4: 1, IPV6: 2, FC: 4 } as const;

export const hostTable: SqlTable<NvmetHostRow> = {
  name: 'services_nvmet_host',
  prefix: 'nvmet_host_',
  columns: {
    id,
    nvmet_host_hostnqn: plain((r) => r.hostnqn),
    nvmet_host_dhchap_key: encrypted((r) => r.dhchap_key),
    nvmet_host_dhchap_ctrl_key: encrypted((r) => r.dhchap_ctrl_key),
    nvmet_host_dhchap_dhgroup: plain((r) => (r.dhchap_dhgroup === null ? 0 : groupDb[r.dhchap_dhgroup])),
    nvmet_host_dhchap_hash: plain((r) => hashDb[r.dhchap_hash]),
  },
};

export const subsysTable: SqlTable<NvmetSubsysRow> = {
  name: 'services_nvmet_subsys',
  prefix: 'nvmet_subsys_',
  columns: {
    id,
    nvmet_subsys_name: plain((r) => r.name),
    nvmet_subsys_subnqn: plain((r) => r.subnqn),
    nvmet_subsys_serial: plain((r) => r.serial),
    nvmet_subsys_allow_any_host: flag((r) => r.allow_any_host),
    nvmet_subsys_pi_enable: flag((r) => r.pi_enable),
    nvmet_subsys_qid_max: plain((r) => r.qid_max),
    nvmet_subsys_ieee_oui: plain((r) => r.ieee_oui),
    nvmet_subsys_ana: flag((r) => r.ana),
  },
};

export const portTable: SqlTable<NvmetPortRow> = {
  name: 'services_nvmet_port',
  prefix: 'nvmet_port_',
  columns: {
    id,
    nvmet_port_index: plain((r) => r.index),
    nvmet_port_addr_trtype: plain((r) => trtypeDb[r.addr_trtype]),
    nvmet_port_addr_trsvcid: plain((r) => (r.addr_trsvcid === null ? null : String(r.addr_trsvcid))),
    nvmet_port_addr_traddr: plain((r) => r.addr_traddr),
    nvmet_port_addr_adrfam: plain((r) => adrfamDb[r.addr_adrfam]),
    nvmet_port_inline_data_size: plain((r) => r.inline_data_size),
    nvmet_port_max_queue_size: plain((r) => r.max_queue_size),
    nvmet_port_pi_enable: flag((r) => r.pi_enable),
    nvmet_port_enabled: flag((r) => r.enabled),
  },
};

export const namespaceTable: SqlTable<NvmetNamespaceRow> = {
  name: 'services_nvmet_namespace',
  prefix: 'nvmet_namespace_',
  columns: {
    id,
    nvmet_namespace_nsid: plain((r) => r.nsid),
    nvmet_namespace_subsys_id: {
      value: (r) => r.subsys_id,
      references: { table: subsysTable as SqlTable<never>, rows: (sim) => sim.nvmet.subsys },
    },
    nvmet_namespace_device_type: plain((r) => (r.device_type === 'ZVOL' ? 1 : 2)),
    nvmet_namespace_device_path: plain((r) => r.device_path),
    nvmet_namespace_filesize: plain((r) => r.filesize),
    nvmet_namespace_device_uuid: plain((r) => r.device_uuid),
    nvmet_namespace_device_nguid: plain((r) => r.device_nguid),
    nvmet_namespace_enabled: flag((r) => r.enabled),
  },
};

export const hostSubsysTable: SqlTable<HostSubsysRow> = {
  name: 'services_nvmet_host_subsys',
  prefix: 'nvmet_host_subsys_',
  columns: {
    id,
    nvmet_host_subsys_host_id: {
      value: (r) => r.host_id,
      references: { table: hostTable as SqlTable<never>, rows: (sim) => sim.nvmet.hosts },
    },
    nvmet_host_subsys_subsys_id: {
      value: (r) => r.subsys_id,
      references: { table: subsysTable as SqlTable<never>, rows: (sim) => sim.nvmet.subsys },
    },
  },
};

export const portSubsysTable: SqlTable<PortSubsysRow> = {
  name: 'services_nvmet_port_subsys',
  prefix: 'nvmet_port_subsys_',
  columns: {
    id,
    nvmet_port_subsys_port_id: {
      value: (r) => r.port_id,
      references: { table: portTable as SqlTable<never>, rows: (sim) => sim.nvmet.ports },
    },
    nvmet_port_subsys_subsys_id: {
      value: (r) => r.subsys_id,
      references: { table: subsysTable as SqlTable<never>, rows: (sim) => sim.nvmet.subsys },
    },
  },
};
