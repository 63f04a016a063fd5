// The SQLite columns behind the iSCSI services (the sqlalchemy models in plugins/iscsi_/*.py) and
// which services run an `extend` step. SQL filtering (`force_sql_filters`, or a service without
// extend) sees these raw columns, not the API fields: an initiator group's `initiators` is one
// text ("ALL" or IQNs joined by newlines), booleans are 0/1, JSON columns hold `json.dumps` text,
// CHAP secrets are stored encrypted, and computed fields (a target's `groups`, an extent's
// `disk` and `locked`, a portal's `listen`) have no column at all.
import { createHash } from 'node:crypto';
import { pyJsonDumps } from '../query/python.js';
import type { SqlColumn, SqlTable } from '../query/sql.js';
import type { AuthRow, ExtentRow, InitiatorRow, PortalRow, TargetExtentRow, TargetRow } from './types.js';

const plain = <T>(read: (row: T) => unknown): SqlColumn<T> => ({ value: (row) => read(row) ?? null });
const flag = <T>(read: (row: T) => boolean): SqlColumn<T> => ({ value: (row) => (read(row) ? 1 : 0) });
const json = <T>(read: (row: T) => unknown): SqlColumn<T> => ({
  value: (row) => {
    const v = read(row);
    return v === null || v === undefined ? null : pyJsonDumps(v);
  },
});
/** `EncryptedText`: the database holds ciphertext, so SQL never matches the plain secret. */
const encrypted = <T>(read: (row: T) => string): SqlColumn<T> => ({
  value: (row) =>
    `gAAAAA${createHash('sha256')
      .update(`sim-pwenc:${read(row)}`)
      .digest('base64url')}`,
});

const id = plain<{ id: number }>((row) => row.id);

export const targetTable: SqlTable<TargetRow> = {
  name: 'services_iscsitarget',
  prefix: 'iscsi_target_',
  columns: {
    id,
    iscsi_target_name: plain((r) => r.name),
    iscsi_target_alias: plain((r) => r.alias),
    iscsi_target_mode: plain((r) => r.mode),
    iscsi_target_auth_networks: json((r) => r.auth_networks),
    iscsi_target_rel_tgt_id: plain((r) => r.rel_tgt_id),
    iscsi_target_iscsi_parameters: json((r) => r.iscsi_parameters),
  },
};

export const extentTable: SqlTable<ExtentRow> = {
  name: 'services_iscsitargetextent',
  prefix: 'iscsi_target_extent_',
  columns: {
    id,
    iscsi_target_extent_name: plain((r) => r.name),
    iscsi_target_extent_serial: plain((r) => r.serial),
    iscsi_target_extent_type: plain((r) => r.type),
    iscsi_target_extent_path: plain((r) => r.path),
    iscsi_target_extent_filesize: plain((r) => String(r.filesize)),
    iscsi_target_extent_blocksize: plain((r) => r.blocksize),
    iscsi_target_extent_pblocksize: flag((r) => r.pblocksize),
    iscsi_target_extent_avail_threshold: plain((r) => r.avail_threshold),
    iscsi_target_extent_comment: plain((r) => r.comment),
    iscsi_target_extent_naa: plain((r) => r.naa),
    iscsi_target_extent_insecure_tpc: flag((r) => r.insecure_tpc),
    iscsi_target_extent_xen: flag((r) => r.xen),
    iscsi_target_extent_rpm: plain((r) => r.rpm),
    iscsi_target_extent_ro: flag((r) => r.ro),
    iscsi_target_extent_enabled: flag((r) => r.enabled),
    iscsi_target_extent_vendor: plain((r) => r.vendor),
  },
};

export const targetExtentTable: SqlTable<TargetExtentRow> = {
  name: 'services_iscsitargettoextent',
  prefix: 'iscsi_',
  columns: {
    id,
    iscsi_extent_id: {
      value: (r) => r.extent,
      references: { table: extentTable as SqlTable<never>, rows: (sim) => sim.iscsi.extents },
    },
    iscsi_target_id: {
      value: (r) => r.target,
      references: { table: targetTable as SqlTable<never>, rows: (sim) => sim.iscsi.targets },
    },
    iscsi_lunid: plain((r) => r.lunid),
  },
};

export const initiatorTable: SqlTable<InitiatorRow> = {
  name: 'services_iscsitargetauthorizedinitiator',
  prefix: 'iscsi_target_initiator_',
  columns: {
    id,
    iscsi_target_initiator_initiators: plain((r) => (r.initiators.length === 0 ? 'ALL' : r.initiators.join('\n'))),
    iscsi_target_initiator_comment: plain((r) => r.comment),
  },
};

export const authTable: SqlTable<AuthRow> = {
  name: 'services_iscsitargetauthcredential',
  prefix: 'iscsi_target_auth_',
  columns: {
    id,
    iscsi_target_auth_tag: plain((r) => r.tag),
    iscsi_target_auth_user: plain((r) => r.user),
    iscsi_target_auth_secret: encrypted((r) => r.secret),
    iscsi_target_auth_peeruser: plain((r) => r.peeruser),
    iscsi_target_auth_peersecret: encrypted((r) => r.peersecret),
    iscsi_target_auth_discovery_auth: plain((r) => r.discovery_auth),
  },
};

export const portalTable: SqlTable<PortalRow> = {
  name: 'services_iscsitargetportal',
  prefix: 'iscsi_target_portal_',
  columns: {
    id,
    iscsi_target_portal_tag: plain((r) => r.tag),
    iscsi_target_portal_comment: plain((r) => r.comment),
  },
};
