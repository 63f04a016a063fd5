// iscsi.extent.* and iscsi.targetextent.* (plugins/iscsi_/extents.py, target_to_extent.py):
// names ≤64 and unique also after flattening, serials ≤20 and unique (15 random hex chars when
// omitted), an auto NAA (or, with a real target behind the simulator, the NAA that target derives
// from the serial), DISK extents only on an existing zvol not already used by an extent.
//
// The rows a create, update or delete reads inside the middleware (25.10.0–25.10.7 and stable/26
// alike; `get_instance` starts every update and delete and ends every create and update) count in
// `Table.rowsRead` as the middleware reads them: a `datastore.query` with filters, or a query with
// `force_sql_filters`, reads only its matches (`where`); a service query without it reads and
// extends the whole table before filtering in Python (service/crud_service.py `query`), and so
// does `get_instance` (`query([["id", "=", id]])`), so each of those reads every row (`all`).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { namespaceUsingDisk } from '../nvmet/index.js';
import { callError, type FieldError, unexpectedException, validationErrors } from '../rpc/errors.js';
import type { MethodTable } from '../rpc/registry.js';
import { arg, check, s } from '../rpc/schema.js';
import type { CallContext, SimCore } from '../state/core.js';
import { extentTable, targetExtentTable } from './columns.js';
import { crudReads, instanceOf, readBack } from './crud.js';
import type { ExtentRow, TargetExtentRow } from './types.js';

const verbose = 'iSCSITargetExtent';

const fields = {
  name: s.req(s.nonEmpty(64)),
  type: s.opt(s.str({ enum: ['DISK', 'FILE'] }), 'DISK'),
  disk: s.opt(s.nullable(s.str()), null),
  serial: s.opt(s.nullable(s.str()), null),
  path: s.opt(s.nullable(s.str()), null),
  filesize: s.opt(s.union(s.str(), s.int()), '0'),
  blocksize: s.opt(s.int({ enum: [512, 1024, 2048, 4096] }), 512),
  pblocksize: s.opt(s.bool(), false),
  avail_threshold: s.opt(s.nullable(s.int({ min: 1, max: 99 })), null),
  comment: s.opt(s.str(), ''),
  insecure_tpc: s.opt(s.bool(), true),
  xen: s.opt(s.bool(), false),
  rpm: s.opt(s.str({ enum: ['UNKNOWN', 'SSD', '5400', '7200', '10000', '15000'] }), 'SSD'),
  ro: s.opt(s.bool(), false),
  enabled: s.opt(s.bool(), true),
  defer: s.opt(s.bool(), false),
};
const createSchema = s.obj(fields);
const updateSchema = s.obj(
  Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, { schema: f.schema, required: false }])),
);

/** SCST flattens names: `.` → `_`, `/` → `-`. */
export const sanitizeExtent = (name: string): string =>
  /^\d:\d:\d:\d$/.test(name) ? name : name.replaceAll('.', '_').replaceAll('/', '-');

function parse(value: unknown, schema: ReturnType<typeof s.obj>, argName: string): Record<string, unknown> {
  const problems: FieldError[] = [];
  const out = check(value, schema, argName, problems) as Record<string, unknown>;
  if (problems.length > 0) {
    throw validationErrors(problems);
  }
  return out;
}

/**
 * extent_serial: without a serial the middleware lists every extent's serial
 * (`iscsi.extent.query([], {select: ["serial"]})`, a whole-table read) and draws
 * `secrets.token_hex()[:15]` until one is not among them, at most 5 times.
 */
function autoSerial(sim: SimCore): string {
  const used = new Set(sim.iscsi.extents.all().map((e) => e.serial));
  for (let i = 0; i < 5; i++) {
    const serial = randomBytes(32).toString('hex').slice(0, 15);
    if (!used.has(serial)) {
      return serial;
    }
  }
  throw callError('Failed to generate a random extent serial');
}

const autoNaa = () => `0x6589cfc000000${createHash('sha256').update(randomUUID()).digest('hex').slice(0, 19)}`;

/** The NAA a LUN shows initiators: chosen at random, or the one a real target derives from the serial. */
const naaOf = (sim: SimCore, serial: string) => sim.kernelTarget?.naaFor(serial) ?? autoNaa();

/** clean_name: an exact-name lookup (SQL), then, only if it finds none, every other extent's flattened name. */
function cleanName(sim: SimCore, name: string, schema: string, verrors: FieldError[], old?: ExtentRow): void {
  if (name.includes('"')) {
    verrors.push([`${schema}.name`, 'Double quotes are not allowed', 22]);
  }
  if (name === old?.name) {
    return;
  }
  const { extents } = sim.iscsi;
  if (extents.where((e) => e.name === name).length > 0) {
    verrors.push([`${schema}.name`, 'Extent name must be unique', 22]);
    return;
  }
  // `datastore.query` of every extent (but the one updated): a whole-table read on create.
  const byFlatName = new Map(extents.where((e) => e.id !== old?.id).map((e) => [sanitizeExtent(e.name), e.name]));
  const clash = byFlatName.get(sanitizeExtent(name));
  if (clash !== undefined) {
    verrors.push([`${schema}.name`, `Extent name must be unique when flattened (${clash})`, 22]);
  }
}

/** clean_serial: ≤20 characters (SCST), unique by an SQL lookup of that serial. */
function cleanSerial(sim: SimCore, serial: string, schema: string, verrors: FieldError[], old?: ExtentRow): void {
  if (serial.includes('"')) {
    verrors.push([`${schema}.serial`, 'Double quotes are not allowed', 22]);
  }
  if (serial.length > 20) {
    verrors.push([`${schema}.serial`, 'Extent serial can not exceed 20 characters', 22]);
  }
  if (serial !== old?.serial && sim.iscsi.extents.where((e) => e.serial === serial).length > 0) {
    verrors.push([`${schema}.serial`, 'Serial number must be unique', 22]);
  }
}

/** clean_type_and_path for DISK extents; its early exits (`raise verrors`) carry what name and serial found. */
function cleanDisk(
  sim: SimCore,
  data: Record<string, unknown>,
  schema: string,
  verrors: FieldError[],
  old?: ExtentRow,
) {
  const fail = (attribute: string, message: string) => validationErrors([...verrors, [attribute, message, 22]]);
  if (data.type === 'FILE') {
    throw fail(`${schema}.type`, 'FILE extents are not modelled by the simulator');
  }
  const disk = data.disk as string | null;
  if (!disk) {
    throw fail(`${schema}.disk`, 'This field is required');
  }
  if (!disk.startsWith('zvol/')) {
    throw fail(`${schema}.disk`, 'Disk name must start with "zvol/"');
  }
  const namespace = namespaceUsingDisk(sim, disk);
  if (namespace) {
    throw fail(`${schema}.disk`, namespace);
  }
  const zvol = disk.slice('zvol/'.length);
  const ds = sim.zfs.datasets.get(zvol);
  const ready = (sim.zvolDeviceReadyAt.get(zvol) ?? 0) <= Date.now();
  if (ds?.type !== 'VOLUME' || !ready) {
    verrors.push([`${schema}.disk`, `Device '/dev/${disk}' for volume '${zvol}' does not exist`, 22]);
  }
  if (zvol.includes('@') && data.ro !== true) {
    verrors.push([`${schema}.ro`, 'Must be set when disk is a ZFS Snapshot', 22]);
  }
  // iscsi.extent.query([["disk", "=", disk]]) without force_sql_filters: `disk` is computed by
  // extend, so the middleware reads and extends the whole table for this check.
  const user = sim.iscsi.extents.filter((e) => e.path === disk && e.id !== old?.id)[0];
  if (user) {
    verrors.push([`${schema}.disk`, `Disk currently in use by extent ${user.name}`, 22]);
  }
}

/** `clean` (extents.py): name, serial, then type and path, all problems in one ValidationErrors. */
function validate(sim: SimCore, data: Record<string, unknown>, schema: string, old?: ExtentRow): void {
  const verrors: FieldError[] = [];
  cleanName(sim, data.name as string, schema, verrors, old);
  cleanSerial(sim, data.serial as string, schema, verrors, old);
  cleanDisk(sim, data, schema, verrors, old);
  if (verrors.length > 0) {
    throw validationErrors(verrors);
  }
}

function show(_sim: SimCore, row: ExtentRow): Record<string, unknown> {
  return { ...row, disk: row.type === 'DISK' ? row.path : null };
}

function toRow(data: Record<string, unknown>): Omit<ExtentRow, 'id' | 'naa' | 'vendor' | 'locked'> {
  return {
    name: data.name as string,
    type: data.type as ExtentRow['type'],
    disk: data.disk as string,
    serial: data.serial as string,
    path: data.disk as string,
    filesize: data.filesize as string | number,
    blocksize: data.blocksize as number,
    pblocksize: data.pblocksize as boolean,
    avail_threshold: data.avail_threshold as number | null,
    comment: data.comment as string,
    insecure_tpc: data.insecure_tpc as boolean,
    xen: data.xen as boolean,
    rpm: data.rpm as string,
    ro: data.ro as boolean,
    enabled: data.enabled as boolean,
  };
}

function targetextentValidate(sim: SimCore, data: Record<string, unknown>, schema: string, oldId?: number): void {
  const { targetextents } = sim.iscsi;
  // The middleware runs these three lookups with force_sql_filters: only matches are read.
  const verrors: FieldError[] = [];
  const other = (te: TargetExtentRow) => te.id !== oldId;
  if (data.lunid === null || data.lunid === undefined) {
    const used = new Set(targetextents.where((te) => other(te) && te.target === data.target).map((te) => te.lunid));
    let lun = 0;
    while (used.has(lun)) {
      lun++;
    }
    data.lunid = lun;
  }
  const lunid = data.lunid as number;
  if (lunid < 0 || lunid > 16382) {
    verrors.push([`${schema}.lunid`, 'LUN ID must be a positive integer and lower than 16382', 22]);
  }
  if (targetextents.where((te) => other(te) && te.target === data.target && te.lunid === lunid).length > 0) {
    verrors.push([`${schema}.lunid`, 'LUN ID is already being used for this target.', 22]);
  }
  if (targetextents.where((te) => other(te) && te.extent === data.extent).length > 0) {
    verrors.push([`${schema}.extent`, 'Extent is already in use.', 22]);
  }
  if (verrors.length > 0) {
    throw validationErrors(verrors);
  }
}

/**
 * The audit summary (`_mapping_summary`) of a LUN map's create, update and delete names the
 * target and the extent with `iscsi.target.query` / `iscsi.extent.query` by id without
 * force_sql_filters: two whole-table reads, whose errors it swallows.
 */
function mappingSummary(sim: SimCore): void {
  sim.iscsi.targets.all();
  sim.iscsi.extents.all();
}

/**
 * `iscsi.targetextent.delete(id, force)`, also as target and extent deletes call it for each of
 * their mappings: get_instance (the whole mapping table), the session check, the audit summary.
 */
export function deleteMapping(sim: SimCore, id: number, force: boolean): void {
  const { iscsi } = sim;
  const te = instanceOf(iscsi.targetextents, id, 'iSCSITargetToExtent');
  const active = iscsi.activeTargets([te.target]);
  if (active.length > 0 && !force) {
    throw callError(`Associated target ${active[0]} is in use.`);
  }
  mappingSummary(sim);
  iscsi.targetextents.delete(te.id);
}

const teFields = {
  target: s.req(s.int()),
  lunid: s.opt(s.nullable(s.int()), null),
  extent: s.req(s.int()),
  defer: s.opt(s.bool(), false),
};

export const extentMethods: MethodTable<CallContext> = {
  ...crudReads({
    namespace: 'iscsi.extent',
    verboseName: verbose,
    table: (sim) => sim.iscsi.extents,
    columns: extentTable,
    extend: show,
  }),
  'iscsi.extent.create': {
    args: [arg('iscsi_extent_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, createSchema, 'iscsi_extent_create');
      data.serial = data.serial ? data.serial : autoSerial(ctx.sim);
      validate(ctx.sim, data, 'iscsi_extent_create');
      const row = ctx.sim.iscsi.extents.insert({
        ...toRow(data),
        naa: naaOf(ctx.sim, data.serial as string),
        vendor: 'TrueNAS',
        locked: false,
      });
      return show(ctx.sim, readBack(ctx.sim.iscsi.extents, row));
    },
  },
  'iscsi.extent.update': {
    args: [arg('id', s.int()), arg('iscsi_extent_update', s.any())],
    handler: (ctx, [id, input]) => {
      const old = instanceOf(ctx.sim.iscsi.extents, id as number, verbose);
      const merged = { ...show(ctx.sim, old), ...parse(input, updateSchema, 'iscsi_extent_update') };
      validate(ctx.sim, merged, 'iscsi_extent_update', old);
      if (ctx.sim.kernelTarget && merged.serial !== old.serial) {
        old.naa = naaOf(ctx.sim, merged.serial as string);
      }
      Object.assign(old, toRow(merged));
      return show(ctx.sim, readBack(ctx.sim.iscsi.extents, old));
    },
  },
  'iscsi.extent.delete': {
    args: [
      arg('id', s.int()),
      arg('remove', s.bool(), false),
      arg('force', s.bool(), false),
      arg('defer', s.bool(), false),
    ],
    handler: (ctx, [id, _remove, force]) => {
      const { iscsi } = ctx.sim;
      const extent = instanceOf(iscsi.extents, id as number, verbose);
      const mappings = iscsi.targetextents.filter((te) => te.extent === extent.id);
      const active = iscsi.activeTargets(mappings.map((te) => te.target));
      if (active.length > 0 && force !== true) {
        throw callError(`Associated target(s) ${active.join(',')} ${active.length === 1 ? 'is' : 'are'} in use.`);
      }
      for (const te of mappings) {
        deleteMapping(ctx.sim, te.id, force === true);
      }
      iscsi.extents.delete(extent.id);
      return true;
    },
  },
  ...crudReads({
    namespace: 'iscsi.targetextent',
    verboseName: 'iSCSITargetToExtent',
    table: (sim) => sim.iscsi.targetextents,
    columns: targetExtentTable,
    extend: (_sim, row) => ({ ...row }),
  }),
  'iscsi.targetextent.create': {
    args: [arg('iscsi_target_to_extent_create', s.any())],
    handler: (ctx, [input]) => {
      const data = parse(input, s.obj(teFields) as ReturnType<typeof s.obj>, 'iscsi_target_to_extent_create');
      const { targets, extents, targetextents } = ctx.sim.iscsi;
      mappingSummary(ctx.sim);
      targetextentValidate(ctx.sim, data, 'iscsi_targetextent_create');
      // Nothing checks the ids before the insert: SQLite's foreign keys refuse it.
      if (!targets.get(data.target as number) || !extents.get(data.extent as number)) {
        throw unexpectedException('(sqlite3.IntegrityError) FOREIGN KEY constraint failed');
      }
      const row = targetextents.insert({
        target: data.target as number,
        lunid: data.lunid as number,
        extent: data.extent as number,
      });
      return { ...readBack(targetextents, row) };
    },
  },
  'iscsi.targetextent.delete': {
    args: [arg('id', s.int()), arg('force', s.bool(), false), arg('defer', s.bool(), false)],
    handler: (ctx, [id, force]) => {
      deleteMapping(ctx.sim, id as number, force === true);
      return true;
    },
  },
};
