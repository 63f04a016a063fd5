// The NVMe/TCP transport's view of a publish context and its persisted record. The contract's
// fields (HPE's): targetNames = the subsystem NQN, discoveryIps = the I/O ports (`ip`, `ip:port`,
// `[v6]:port`; 4420 by default), lunId = the namespace id, serialNumber = the namespace NGUID
// (32 hex digits); opencsp adds namespaceUuid and dhchap.
import { publishContext as keys } from '../../constants.js';
import { invalidArgument } from '../../errors.js';
import { parsePortal } from '../../host/portal.js';
import type { JsonObject } from '../../state/volume-state.js';
import type { StringMap } from '../messages.js';

export const defaultNvmePort = 4420;

export interface NvmePortal {
  readonly traddr: string;
  readonly trsvcid: number;
}

export type DhchapDemand = 'none' | 'host' | 'bidirectional';

export interface NvmeVolumeSpec {
  readonly nqn: string;
  readonly portals: readonly NvmePortal[];
  readonly nsid: number;
  /** The namespace NGUID, 32 lower-case hex digits. */
  readonly nguid: string;
  readonly uuid?: string;
  readonly dhchap: DhchapDemand;
}

export interface NvmeRecord {
  readonly nqn: string;
  readonly portals: readonly NvmePortal[];
  readonly nsid: number;
  readonly nguid: string;
  readonly uuid?: string;
  /** The host NQN the controllers were connected with. */
  readonly hostnqn?: string;
}

const nqnPattern = /^nqn\.\d{4}-\d{2}\.[^\s,;]+$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function csv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function portalKey(p: NvmePortal): string {
  return p.traddr.includes(':') ? `[${p.traddr}]:${p.trsvcid}` : `${p.traddr}:${p.trsvcid}`;
}

/** Reads and checks the NVMe/TCP keys of a publish context. */
export function parseNvmeSpec(pc: StringMap): NvmeVolumeSpec {
  const names = csv(pc[keys.targetNames]);
  if (names.length !== 1 || !nqnPattern.test(names[0] as string)) {
    throw invalidArgument(
      `publishContext.${keys.targetNames} must hold one subsystem NQN for nvmetcp, got ${JSON.stringify(pc[keys.targetNames] ?? '')}`,
    );
  }
  const raw = csv(pc[keys.discoveryIps]);
  if (raw.length === 0) {
    throw invalidArgument(`publishContext.${keys.discoveryIps} not provided`);
  }
  const portals = raw.map((text) => {
    const parsed = parsePortal(text, defaultNvmePort);
    if (!parsed) {
      throw invalidArgument(`publishContext.${keys.discoveryIps} holds an invalid address ${JSON.stringify(text)}`);
    }
    return { traddr: parsed.host, trsvcid: parsed.port };
  });
  const nsidText = (pc[keys.lunId] ?? '').trim();
  const nsid = Number(nsidText);
  if (!/^\d{1,10}$/.test(nsidText) || nsid < 1 || nsid > 0xfffffffe) {
    throw invalidArgument(
      `publishContext.${keys.lunId} must be an NVMe namespace id (1 or more), got ${JSON.stringify(nsidText)}`,
    );
  }
  const nguid = (pc[keys.serialNumber] ?? '').trim().toLowerCase().replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/.test(nguid)) {
    throw invalidArgument(
      `publishContext.${keys.serialNumber} must be the namespace NGUID (32 hex digits) for nvmetcp`,
    );
  }
  const uuid = pc[keys.namespaceUuid]?.trim().toLowerCase();
  if (uuid !== undefined && uuid !== '' && !uuidPattern.test(uuid)) {
    throw invalidArgument(`publishContext.${keys.namespaceUuid} is not a UUID`);
  }
  const dhchap = (pc[keys.dhchap] ?? 'none').trim() || 'none';
  if (dhchap !== 'none' && dhchap !== 'host' && dhchap !== 'bidirectional') {
    throw invalidArgument(`publishContext.${keys.dhchap} must be none, host or bidirectional`);
  }
  return { nqn: names[0] as string, portals, nsid, nguid, ...(uuid ? { uuid } : {}), dhchap };
}

export function recordToJson(record: NvmeRecord): JsonObject {
  return {
    nqn: record.nqn,
    portals: record.portals.map((p) => ({ traddr: p.traddr, trsvcid: p.trsvcid })),
    nsid: record.nsid,
    nguid: record.nguid,
    ...(record.uuid ? { uuid: record.uuid } : {}),
    ...(record.hostnqn ? { hostnqn: record.hostnqn } : {}),
  };
}

export function recordFromJson(json: JsonObject): NvmeRecord {
  const portals = Array.isArray(json.portals) ? json.portals : [];
  return {
    nqn: String(json.nqn ?? ''),
    portals: portals.map((p) => {
      const o = (p ?? {}) as JsonObject;
      return { traddr: String(o.traddr ?? ''), trsvcid: Number(o.trsvcid ?? defaultNvmePort) };
    }),
    nsid: Number(json.nsid ?? 0),
    nguid: String(json.nguid ?? ''),
    ...(typeof json.uuid === 'string' ? { uuid: json.uuid } : {}),
    ...(typeof json.hostnqn === 'string' ? { hostnqn: json.hostnqn } : {}),
  };
}
