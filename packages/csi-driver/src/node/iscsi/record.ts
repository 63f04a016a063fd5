// The iSCSI transport's publish-context view and its persisted record.
import { publishContext as keys } from '../../constants.js';
import { invalidArgument } from '../../errors.js';
import { formatPortal, parsePortal } from '../../host/portal.js';
import type { JsonObject } from '../../state/volume-state.js';
import type { StringMap } from '../messages.js';

export interface IscsiTargetPortal {
  readonly iqn: string;
  readonly portal: string;
}

export interface IscsiVolumeSpec {
  readonly iqns: readonly string[];
  readonly portals: readonly string[];
  readonly lun: number;
  /** Expected serial/WWN (suffix), when the controller sent one. */
  readonly serial?: string;
  readonly scope: 'volume' | 'group';
}

export interface IscsiRecord {
  readonly targets: readonly IscsiTargetPortal[];
  readonly lun: number;
  readonly serial?: string;
  readonly scope: 'volume' | 'group';
  /** Kernel WWID of the LUN (device/wwid), when read. */
  readonly wwid?: string;
  /** dm uuid suffix (multipath's WWID) of the map, when there is one. */
  readonly mpathWwid?: string;
}

const iqnPattern = /^(iqn\.\d{4}-\d{2}\.[^\s,;]+|eui\.[0-9A-Fa-f]{16}|naa\.[0-9A-Fa-f]{16,32})$/;

function csv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Reads and checks the iSCSI keys of a publish context. */
export function parseIscsiSpec(pc: StringMap): IscsiVolumeSpec {
  const iqns = csv(pc[keys.targetNames]);
  if (iqns.length === 0) {
    throw invalidArgument(`publishContext.${keys.targetNames} not provided`);
  }
  for (const iqn of iqns) {
    if (!iqnPattern.test(iqn)) {
      throw invalidArgument(`publishContext.${keys.targetNames} holds an invalid target name ${JSON.stringify(iqn)}`);
    }
  }
  const rawPortals = csv(pc[keys.discoveryIps]);
  if (rawPortals.length === 0) {
    throw invalidArgument(`publishContext.${keys.discoveryIps} not provided`);
  }
  const portals = rawPortals.map((p) => {
    const parsed = parsePortal(p);
    if (!parsed) {
      throw invalidArgument(`publishContext.${keys.discoveryIps} holds an invalid portal ${JSON.stringify(p)}`);
    }
    return formatPortal(parsed);
  });
  const lunText = (pc[keys.lunId] ?? '').trim();
  if (!/^\d{1,5}$/.test(lunText) || Number(lunText) > 16383) {
    throw invalidArgument(`publishContext.${keys.lunId} must be a LUN number 0-16383, got ${JSON.stringify(lunText)}`);
  }
  const scope = (pc[keys.targetScope] ?? 'volume').trim() || 'volume';
  if (scope !== 'volume' && scope !== 'group') {
    throw invalidArgument(`publishContext.${keys.targetScope} must be volume or group, got ${JSON.stringify(scope)}`);
  }
  const serial = (pc[keys.serialNumber] ?? '').trim() || undefined;
  return { iqns: [...new Set(iqns)], portals: [...new Set(portals)], lun: Number(lunText), serial, scope };
}

export function recordToJson(record: IscsiRecord): JsonObject {
  const out: JsonObject = {
    targets: record.targets.map((t) => ({ iqn: t.iqn, portal: t.portal })),
    lun: record.lun,
    scope: record.scope,
  };
  for (const key of ['serial', 'wwid', 'mpathWwid'] as const) {
    const value = record[key];
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

export function recordFromJson(json: JsonObject): IscsiRecord {
  const targets = Array.isArray(json.targets) ? json.targets : [];
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    targets: targets.flatMap((t) => {
      const o = t as JsonObject;
      return typeof o?.iqn === 'string' && typeof o?.portal === 'string' ? [{ iqn: o.iqn, portal: o.portal }] : [];
    }),
    lun: typeof json.lun === 'number' ? json.lun : -1,
    scope: json.scope === 'group' ? 'group' : 'volume',
    serial: str(json.serial),
    wwid: str(json.wwid),
    mpathWwid: str(json.mpathWwid),
  };
}

/**
 * udev's by-path name for a LUN reached through a session's (address) portal. path_id writes the
 * connection's address as sysfs holds it: IPv6 without brackets.
 */
export function byPathLink(sessionPortal: string, iqn: string, lun: number): string {
  const portal = parsePortal(sessionPortal);
  const address = portal ? `${portal.host}:${portal.port}` : sessionPortal;
  return `/dev/disk/by-path/ip-${address}-iscsi-${iqn}-lun-${lun}`;
}

/**
 * Does a disk's identity match the serial the controller sent? The serial is the NAA/WWN hex (or a
 * suffix of it) or the VPD 0x80 unit serial; comparisons ignore case, `0x` and the naa./eui./t10.
 * type prefix.
 */
export function identityMatches(expected: string, id: { wwid?: string; serial?: string }): boolean {
  const norm = (s: string) =>
    s
      .trim()
      .toLowerCase()
      .replace(/^0x/, '')
      .replace(/^(naa|eui|t10)\./, '');
  const want = norm(expected);
  if (want === '') {
    return false;
  }
  const wwid = id.wwid ? norm(id.wwid) : '';
  const serial = id.serial ? id.serial.trim().toLowerCase() : '';
  return wwid === want || (want.length >= 8 && wwid.endsWith(want)) || serial === want;
}
