// What NVMe/TCP publishing needs to know about an array, learned once per session: the subsystem
// NQN prefix (`nvmet.global.config().basenqn`) and the TCP ports volumes are offered on. An array
// without the nvmet API (before 25.10) or without a usable port simply does not serve `nvmetcp`;
// a TRUENAS_NVME_PORTS entry that matches no port is a configuration error at login.
import { CspProblem } from '@opencsp/csp-spec/server';
import type { TrueNasClient } from './truenas/client.js';
import { RpcFailure, rpc } from './truenas/errors.js';

export interface NvmePort {
  id: number;
  /** What the node connects to: `ip`, `ip:port`, `[v6]:port` (4420 is left out, as HPE expects). */
  address: string;
}

export type NvmeFacts = { available: true; basenqn: string; ports: NvmePort[] } | { available: false; reason: string };

interface PortRow {
  id: number;
  addr_trtype: string;
  addr_traddr: string;
  addr_trsvcid: number | string | null;
  enabled: boolean;
}

const wildcard = new Set(['0.0.0.0', '::', '[::]']);

function address(port: PortRow): string {
  const ip = port.addr_traddr.includes(':') ? `[${port.addr_traddr}]` : port.addr_traddr;
  const svc = Number(port.addr_trsvcid ?? 4420);
  return svc === 4420 && !port.addr_traddr.includes(':') ? port.addr_traddr : `${ip}:${svc}`;
}

function matches(port: PortRow, wanted: string): boolean {
  if (/^\d+$/.test(wanted)) {
    return port.id === Number(wanted);
  }
  const svc = Number(port.addr_trsvcid ?? 4420);
  const bare = wanted.replace(/^\[(.*)\]$/, '$1');
  return (
    [`${port.addr_traddr}:${svc}`, `[${port.addr_traddr}]:${svc}`].includes(wanted) ||
    (bare === port.addr_traddr && svc === 4420)
  );
}

function choosePorts(rows: PortRow[], wanted: readonly string[]): PortRow[] {
  if (wanted.length === 0) {
    return rows.filter((p) => p.enabled && !wildcard.has(p.addr_traddr));
  }
  return wanted.map((entry) => {
    const port = rows.find((p) => matches(p, entry));
    if (!port) {
      throw new CspProblem(
        'INTERNAL',
        `TRUENAS_NVME_PORTS names "${entry}", which is no NVMe-oF TCP port of the array`,
      );
    }
    if (!port.enabled || wildcard.has(port.addr_traddr)) {
      throw new CspProblem(
        'INTERNAL',
        `NVMe-oF port ${entry} (TRUENAS_NVME_PORTS) is ${port.enabled ? 'bound to a wildcard address' : 'disabled'}: hosts cannot connect to it`,
      );
    }
    return port;
  });
}

/** Two calls: the global config and the TCP ports. */
export async function discoverNvme(client: TrueNasClient, wanted: readonly string[]): Promise<NvmeFacts> {
  try {
    const [global, rows] = await Promise.all([
      client.call<{ basenqn: string }>('nvmet.global.config', [], { idempotent: true }),
      client.call<PortRow[]>('nvmet.port.query', [[['addr_trtype', '=', 'TCP']]], { idempotent: true }),
    ]);
    const ports = choosePorts(rows, wanted);
    if (ports.length === 0) {
      return {
        available: false,
        reason:
          'the array has no enabled NVMe-oF TCP port on a concrete address (add one under Shares → NVMe-oF, or name ports in TRUENAS_NVME_PORTS)',
      };
    }
    return { available: true, basenqn: global.basenqn, ports: ports.map((p) => ({ id: p.id, address: address(p) })) };
  } catch (err) {
    if (err instanceof RpcFailure && err.code === rpc.methodNotFound) {
      return { available: false, reason: 'this TrueNAS has no NVMe-oF target API (nvmet.*, TrueNAS 25.10 or later)' };
    }
    throw err;
  }
}
