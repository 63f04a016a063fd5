// Names and ids. A volume id carries the NAS serial and the LUN uuid, a snapshot id adds the
// snapshot uuid, so every lookup is one DSM `get` and an id can never be used against another NAS.
// LUN and snapshot names are the CSI name behind a prefix, escaped reversibly into DSM's charset.
import { createHash } from 'node:crypto';
import { CspProblem } from '@opencsp/csp-spec/server';

/** DSM accepts up to 200 characters in LUN names (201-255 are refused but created anyway). */
export const maxDsmNameLength = 200;
export const dsmNamePattern = /^[A-Za-z0-9][A-Za-z0-9.:-]*$/;

/**
 * CSI names may hold `_`, DSM names may not. `_` becomes `:u` and `:` becomes `::`, which keeps
 * the mapping reversible (and so the CSI name recoverable from the LUN alone).
 */
export function escapeName(name: string): string {
  return name.replace(/:/g, '::').replace(/_/g, ':u');
}

export function unescapeName(escaped: string): string | undefined {
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    const char = escaped[i] as string;
    if (char !== ':') {
      out += char;
      continue;
    }
    const next = escaped[++i];
    if (next === ':') {
      out += ':';
    } else if (next === 'u') {
      out += '_';
    } else {
      return undefined;
    }
  }
  return out;
}

export function digest(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

export class Naming {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** The DSM name of a LUN or snapshot for a CSI name; INVALID_INPUT when it cannot fit. */
  dsmName(csiName: string, field = 'body.name'): string {
    const name = `${this.prefix}${escapeName(csiName)}`;
    if (name.length > maxDsmNameLength) {
      throw new CspProblem(
        'INVALID_INPUT',
        `${field}: too long for a DSM name once prefixed and escaped (${name.length} > ${maxDsmNameLength} characters)`,
        { field },
      );
    }
    return name;
  }

  /**
   * The name a cloned LUN carries until it is finished (grown, described), before it is renamed to
   * `dsmName`: `<dsmName>:creating`, or, when that would be longer than DSM allows, the prefix and a
   * digest of `dsmName` before `:creating`. `:c` is no escape sequence and no hashed volume name
   * ends so, so such a LUN is never listed or found as a volume, only by the next create of the
   * same name, which finishes it.
   */
  creatingName(dsmName: string): string {
    const name = `${dsmName}:creating`;
    return name.length <= maxDsmNameLength ? name : `${this.prefix}${digest(dsmName, 32)}:creating`;
  }

  /** The CSI name behind a DSM name, or undefined when the object is not this CSP's. */
  csiName(dsmName: string): string | undefined {
    if (!dsmName.startsWith(this.prefix)) {
      return undefined;
    }
    return unescapeName(dsmName.slice(this.prefix.length));
  }

  /** The target that serves one host: readable in DSM, unique by a digest of the host uuid. */
  hostTargetName(hostUuid: string): string {
    const readable = hostUuid
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '-')
      .slice(0, 40);
    return `${this.prefix}host-${readable}-${digest(hostUuid, 8)}`;
  }
}

/** Host ids are stable digests of the host uuid (they survive a CSP restart). */
export function hostId(hostUuid: string): string {
  return `host-${digest(hostUuid)}`;
}

export function volumeId(serial: string, lunUuid: string): string {
  return `${serial}~${lunUuid}`;
}

export function snapshotId(serial: string, lunUuid: string, snapshotUuid: string): string {
  return `${serial}~${lunUuid}~${snapshotUuid}`;
}

const uuidPattern = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

function parts(id: string, count: number, serial: string, what: string): string[] | undefined {
  const pieces = id.split('~');
  if (pieces.length !== count || !pieces.slice(1).every((p) => uuidPattern.test(p))) {
    return undefined;
  }
  if (pieces[0] !== serial) {
    throw new CspProblem(
      'INVALID_INPUT',
      `${what} ${id} belongs to the NAS with serial ${pieces[0]}, but this session is logged in to ${serial}`,
    );
  }
  return pieces.slice(1);
}

/** The LUN uuid of a volume id; undefined for ids this CSP never issues (so: not found). */
export function parseVolumeId(id: string, serial: string): string | undefined {
  return parts(id, 2, serial, 'volume')?.[0];
}

export function parseSnapshotId(id: string, serial: string): { lunUuid: string; snapshotUuid: string } | undefined {
  const pieces = parts(id, 3, serial, 'snapshot');
  return pieces ? { lunUuid: pieces[0] as string, snapshotUuid: pieces[1] as string } : undefined;
}

/**
 * The NAA-6 WWID Linux reports for a DSM LUN: `6001405` followed by the first 25 characters of the
 * LUN uuid (its VPD unit serial) with `-` written as `d` (research/synology.md, hardware notes).
 */
export function lunSerialNumber(lunUuid: string): string {
  return `6001405${lunUuid.toLowerCase().replace(/-/g, 'd').slice(0, 25)}`;
}

/** A target IQN in DSM's own form, within the 128 characters DSM's clients keep to. */
export function targetIqn(nasHostname: string, targetName: string): string {
  const host = nasHostname.toLowerCase().replace(/[^a-z0-9-]/g, '-') || 'nas';
  const iqn = `iqn.2000-01.com.synology:${host}.${targetName.toLowerCase().replace(/[^a-z0-9.:-]/g, '-')}`;
  return iqn.slice(0, 128);
}
