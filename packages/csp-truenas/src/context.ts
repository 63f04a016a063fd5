// What every operation module works with: the array client, names, configuration, the facts
// learned at login (version, IQN basename, portal), and locks shared by all sessions of an array.
import { CspProblem, type KeyedMutex } from '@opencsp/csp-spec/server';
import type { Logger } from 'pino';
import type { Names } from './naming.js';
import { discoverNvme, type NvmeFacts } from './nvme-facts.js';
import type { TrueNasCspConfig } from './options.js';
import type { CallOptions, TrueNasClient } from './truenas/client.js';

export interface ArrayFacts {
  /** `TrueNAS-25.10.1`. */
  version: string;
  /** IQN prefix of targets (`iscsi.global.config().basename`). */
  basename: string;
  portal: { id: number; tag: number; discoveryIps: string[] };
  /** NVMe/TCP: the subsystem NQN prefix and the ports to publish on, or why it is not served. */
  nvme: NvmeFacts;
}

export interface SessionContext {
  client: TrueNasClient;
  names: Names;
  config: TrueNasCspConfig;
  facts: ArrayFacts;
  /** Locks shared by every session of this array (CHAP credential upserts). */
  locks: KeyedMutex;
  logger: Logger;
  address: string;
}

export function call<T>(
  ctx: SessionContext,
  method: string,
  params: unknown[] = [],
  options: CallOptions = {},
): Promise<T> {
  return ctx.client.call<T>(method, params, options);
}

/** A read (query/get/config): safe to retry. */
export function read<T>(ctx: SessionContext, method: string, params: unknown[] = []): Promise<T> {
  return ctx.client.call<T>(method, params, { idempotent: true });
}

interface PortalRow {
  id: number;
  tag: number;
  comment: string;
  listen: Array<{ ip: string; port: number }>;
}

function choosePortal(portals: PortalRow[], wanted: string | undefined): PortalRow {
  if (wanted !== undefined) {
    const byId = /^\d+$/.test(wanted) ? portals.find((p) => p.id === Number(wanted)) : undefined;
    const byComment = portals.filter((p) => p.comment === wanted);
    if (byId) {
      return byId;
    }
    if (byComment.length === 1) {
      return byComment[0] as PortalRow;
    }
    throw new CspProblem(
      'INTERNAL',
      byComment.length > 1
        ? `several iSCSI portals have the comment "${wanted}"; set TRUENAS_PORTAL to a portal id`
        : `no iSCSI portal has the id or comment "${wanted}" (TRUENAS_PORTAL)`,
    );
  }
  if (portals.length !== 1) {
    throw new CspProblem(
      'INTERNAL',
      `the array has ${portals.length} iSCSI portals; set TRUENAS_PORTAL to the id or comment of the one to use`,
    );
  }
  return portals[0] as PortalRow;
}

/** Learns the array's version, IQN basename, portal and NVMe ports (5 calls, once per session). */
export async function discoverArray(
  client: TrueNasClient,
  portal: string | undefined,
  nvmePorts: readonly string[] = [],
): Promise<ArrayFacts> {
  const [version, global, portals, nvme] = await Promise.all([
    client.call<string>('system.version', [], { idempotent: true }),
    client.call<{ basename: string }>('iscsi.global.config', [], { idempotent: true }),
    client.call<PortalRow[]>('iscsi.portal.query', [], { idempotent: true }),
    discoverNvme(client, nvmePorts),
  ]);
  const chosen = choosePortal(portals, portal);
  const ips = chosen.listen.filter((l) => l.ip !== '0.0.0.0' && l.ip !== '::');
  if (ips.length === 0) {
    throw new CspProblem(
      'INTERNAL',
      `iSCSI portal ${chosen.id} listens on wildcard addresses only; give it the IPs initiators should use`,
    );
  }
  return {
    version,
    nvme,
    basename: global.basename,
    portal: {
      id: chosen.id,
      tag: chosen.tag,
      discoveryIps: ips.map((l) => {
        const host = l.ip.includes(':') ? `[${l.ip}]` : l.ip;
        return l.port && l.port !== 3260 ? `${host}:${l.port}` : l.ip;
      }),
    },
  };
}
