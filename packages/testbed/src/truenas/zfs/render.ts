// Turns simulated datasets and snapshots into `pool.dataset.query` / `pool.snapshot.query`
// entries: property objects `{parsed, rawvalue, value, source, source_info}`, ZFS-style human
// values ("1.50G"), `creation` as `{"$date": ms}`, and user properties with LOCAL/INHERITED sources.
import type { Dataset, Snapshot, ZfsNamespace } from './model.js';

export interface PropObject {
  parsed: unknown;
  rawvalue: string | null;
  value: string | null;
  source: string | null;
  source_info: string | null;
}

const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];

/** ZFS's nicenum: 16384 → "16K", 1610612736 → "1.50G". */
export function nicenum(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0 || Number.isInteger(value)) {
    return `${value}${units[unit]}`;
  }
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)}${units[unit]}`;
}

const prop = (
  parsed: unknown,
  raw: string | null,
  value: string | null,
  source: string | null,
  info: string | null = null,
): PropObject => ({ parsed, rawvalue: raw, value, source, source_info: info });

const sizeProp = (bytes: number, source = 'NONE'): PropObject => prop(bytes, String(bytes), nicenum(bytes), source);

function dateString(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toUTCString();
}

const creationProp = (epochSeconds: number): PropObject =>
  prop({ $date: epochSeconds * 1000 }, String(epochSeconds), dateString(epochSeconds), 'NONE');

/** API property name → how to render it for a dataset. */
function datasetProps(zfs: ZfsNamespace, ds: Dataset): Record<string, () => PropObject> {
  const native =
    (key: string, parse: (raw: string) => unknown = (raw) => raw) =>
    () => {
      const [raw, source, from] = zfs.resolve(ds, key);
      return prop(parse(raw), raw, raw.toUpperCase(), source, from);
    };
  const volume = ds.type === 'VOLUME';
  const props: Record<string, () => PropObject> = {
    compression: native('compression'),
    deduplication: native('dedup'),
    sync: native('sync'),
    readonly: native('readonly', (raw) => raw === 'on'),
    snapdev: native('snapdev'),
    checksum: native('checksum'),
    copies: native('copies', Number),
    comments: () => {
      const entry = zfs.userProperties(ds.name).get('org.freenas:description');
      return entry ? prop(entry.value, entry.value, entry.value, entry.source, entry.from) : prop('', '', '', 'NONE');
    },
    origin: () => prop(ds.origin, ds.origin ?? '', ds.origin ?? '', 'NONE'),
    used: () => sizeProp(zfs.used(ds)),
    usedbydataset: () => sizeProp(0),
    usedbychildren: () => sizeProp(volume ? 0 : zfs.used(ds)),
    usedbysnapshots: () => sizeProp(0),
    usedbyrefreservation: () => sizeProp(volume ? ds.refreservation : 0),
    available: () => sizeProp(zfs.poolFree(ds.pool)),
    reservation: () => prop(0, '0', 'none', 'DEFAULT'),
    creation: () => creationProp(ds.creation),
    managedby: () => prop('', '', '', 'DEFAULT'),
    quota: () => prop(0, '0', 'none', 'DEFAULT'),
    refquota: () => prop(0, '0', 'none', 'DEFAULT'),
  };
  if (volume) {
    props.volsize = () => sizeProp(ds.volsize, 'LOCAL');
    props.volblocksize = () => sizeProp(ds.volblocksize, 'NONE');
    props.refreservation = () =>
      ds.refreservation === 0 ? prop(0, '0', 'none', 'LOCAL') : sizeProp(ds.refreservation, 'LOCAL');
    props.sparse = () => {
      const sparse = ds.refreservation === 0;
      return prop(sparse, String(sparse), String(sparse), 'NONE');
    };
  } else {
    props.recordsize = () => sizeProp(128 * 1024, 'DEFAULT');
    props.atime = native('atime');
  }
  return props;
}

function userProps(zfs: ZfsNamespace, name: string): Record<string, PropObject> {
  const out: Record<string, PropObject> = {};
  for (const [key, entry] of zfs.userProperties(name)) {
    if (key !== 'org.freenas:description') {
      out[key] = prop(entry.value, entry.value, entry.value, entry.source, entry.from);
    }
  }
  return out;
}

export interface DatasetRenderOptions {
  /** `extra.properties`: null means every property, [] none. */
  properties: string[] | null;
  userProperties: boolean;
}

export function renderDataset(zfs: ZfsNamespace, ds: Dataset, options: DatasetRenderOptions): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: ds.name,
    type: ds.type,
    name: ds.name,
    pool: ds.pool,
    encrypted: false,
    encryption_root: null,
    key_loaded: false,
    children: [],
    user_properties: options.userProperties ? userProps(zfs, ds.name) : {},
    locked: false,
    mountpoint: ds.type === 'VOLUME' ? null : `/mnt/${ds.name}`,
  };
  const all = datasetProps(zfs, ds);
  const wanted = options.properties ?? Object.keys(all);
  for (const name of wanted) {
    const key = name === 'dedup' ? 'deduplication' : name;
    const render = all[key];
    if (render) {
      entry[key] = render();
    }
  }
  return entry;
}

export interface SnapshotRenderOptions {
  properties: string[] | null;
  holds: boolean;
}

const snapshotDefaults = ['creation', 'used', 'referenced', 'numclones', 'userrefs', 'defer_destroy', 'volsize'];

export function renderSnapshot(
  zfs: ZfsNamespace,
  snap: Snapshot,
  options: SnapshotRenderOptions,
): Record<string, unknown> {
  const ds = zfs.datasets.get(snap.dataset) as Dataset;
  const clones = zfs.clonesOf(snap.name);
  const native: Record<string, () => PropObject> = {
    creation: () => creationProp(snap.creation),
    used: () => sizeProp(0),
    referenced: () => sizeProp(0),
    numclones: () => prop(clones.length, String(clones.length), String(clones.length), 'NONE'),
    clones: () => prop(clones.join(','), clones.join(','), clones.join(','), 'NONE'),
    userrefs: () => prop(snap.holds.size, String(snap.holds.size), String(snap.holds.size), 'NONE'),
    defer_destroy: () =>
      prop(snap.deferDestroy, snap.deferDestroy ? 'on' : 'off', snap.deferDestroy ? 'on' : 'off', 'NONE'),
    name: () => prop(snap.name, snap.name, snap.name, 'NONE'),
    createtxg: () => prop(snap.createtxg, String(snap.createtxg), String(snap.createtxg), 'NONE'),
  };
  if (ds.type === 'VOLUME') {
    native.volsize = () => sizeProp(snap.volsize, 'NONE');
  }
  const user = new Map<string, { value: string; source: string; from: string | null }>();
  for (const [key, entry] of zfs.userProperties(snap.dataset)) {
    user.set(key, {
      value: entry.value,
      source: 'INHERITED',
      from: entry.source === 'LOCAL' ? snap.dataset : entry.from,
    });
  }
  for (const [key, value] of snap.user) {
    user.set(key, { value, source: 'LOCAL', from: null });
  }
  const properties: Record<string, unknown> = {};
  const wanted = options.properties ?? [...snapshotDefaults, ...user.keys()];
  for (const name of wanted) {
    const render = native[name];
    const u = user.get(name);
    if (render) {
      const p = render();
      properties[name] = {
        value: String(p.value ?? ''),
        rawvalue: p.rawvalue ?? '',
        source: p.source ?? 'NONE',
        parsed: p.parsed,
      };
    } else if (u) {
      properties[name] = { value: u.value, rawvalue: u.value, source: u.source, parsed: u.value };
    }
  }
  const entry: Record<string, unknown> = {
    id: snap.name,
    name: snap.name,
    pool: ds.pool,
    type: 'SNAPSHOT',
    snapshot_name: snap.snapshotName,
    dataset: snap.dataset,
    createtxg: String(snap.createtxg),
    properties,
  };
  if (options.holds) {
    entry.holds = snap.holds.has('truenas') ? { truenas: 1 } : {};
  }
  return entry;
}
