// A simulated `nvme connect` / `nvme disconnect`, checked the way the kernel target applies the
// TrueNAS configuration: the subsystem must be offered on the port the host connects to, the host
// NQN must be linked to it (unless allow_any_host), and DH-CHAP must match what the host row holds.
// A connected controller is a session (nvmet.global.sessions) until the host disconnects, its port
// link or the subsystem goes. Node-side tests use it to prove access control.
import type { SimCore } from '../state/core.js';

export interface NvmeConnectRequest {
  subnqn: string;
  hostnqn: string;
  /** Port address and service id the host connects to. */
  traddr: string;
  trsvcid?: number;
  /** The host's own address, as the session reports it. */
  hostTraddr?: string;
  /** The secret the host presents (`--dhchap-secret`). */
  dhchapKey?: string;
  /** The secret it expects the controller to present (`--dhchap-ctrl-secret`, bidirectional). */
  dhchapCtrlKey?: string;
}

export class NvmeConnectError extends Error {
  override readonly name = 'NvmeConnectError';
  /** `auth`: DH-CHAP refused; `access`: not allowed or not offered; `missing`: no such subsystem. */
  readonly kind: 'auth' | 'access' | 'missing';
  constructor(kind: 'auth' | 'access' | 'missing', message: string) {
    super(message);
    this.kind = kind;
  }
}

function authenticate(sim: SimCore, request: NvmeConnectRequest): void {
  const host = sim.nvmet.hosts.find((h) => h.hostnqn === request.hostnqn);
  if (host?.dhchap_key && host.dhchap_key !== request.dhchapKey) {
    throw new NvmeConnectError('auth', `DH-CHAP authentication of ${request.hostnqn} failed`);
  }
  if (request.dhchapCtrlKey !== undefined && host?.dhchap_ctrl_key !== request.dhchapCtrlKey) {
    throw new NvmeConnectError('auth', `the controller failed bidirectional DH-CHAP for ${request.hostnqn}`);
  }
}

/** Connects (records a controller) or throws NvmeConnectError saying why the target refuses. */
export function nvmeConnect(sim: SimCore, request: NvmeConnectRequest): number {
  const { nvmet } = sim;
  const subsys = nvmet.subsysByNqn(request.subnqn);
  if (!subsys) {
    throw new NvmeConnectError('missing', `subsystem ${request.subnqn} does not exist`);
  }
  const trsvcid = request.trsvcid ?? 4420;
  const port = nvmet.ports.find(
    (p) =>
      p.enabled &&
      p.addr_trtype === 'TCP' &&
      (p.addr_traddr === request.traddr || p.addr_traddr === '0.0.0.0') &&
      Number(p.addr_trsvcid) === trsvcid,
  );
  if (!port || !nvmet.portSubsys.find((l) => l.port_id === port.id && l.subsys_id === subsys.id)) {
    throw new NvmeConnectError('access', `${request.subnqn} is not offered on ${request.traddr}:${trsvcid}`);
  }
  const host = nvmet.hosts.find((h) => h.hostnqn === request.hostnqn);
  const linked = host !== undefined && nvmet.hostSubsys.find((l) => l.host_id === host.id && l.subsys_id === subsys.id);
  if (!subsys.allow_any_host && !linked) {
    throw new NvmeConnectError('access', `host ${request.hostnqn} is not allowed to access ${request.subnqn}`);
  }
  authenticate(sim, request);
  const existing = nvmet.sessions.find(
    (s) => s.subsys_id === subsys.id && s.port_id === port.id && s.hostnqn === request.hostnqn,
  );
  if (existing) {
    return existing.ctrl;
  }
  const ctrl = nvmet.nextCtrl();
  nvmet.sessions.push({
    hostnqn: request.hostnqn,
    host_traddr: request.hostTraddr ?? '127.0.0.1',
    subsys_id: subsys.id,
    port_id: port.id,
    ctrl,
  });
  return ctrl;
}

/** `nvme disconnect -n <subnqn>` of one host: every controller it has to that subsystem goes. */
export function nvmeDisconnect(sim: SimCore, subnqn: string, hostnqn: string): void {
  const subsys = sim.nvmet.subsysByNqn(subnqn);
  const { sessions } = sim.nvmet;
  for (let i = sessions.length - 1; i >= 0; i--) {
    const s = sessions[i];
    if (s && s.subsys_id === subsys?.id && s.hostnqn === hostnqn) {
      sessions.splice(i, 1);
    }
  }
}
