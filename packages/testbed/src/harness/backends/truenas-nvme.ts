// The node side of the TrueNAS simulator over NVMe/TCP: which sparse file holds the namespace a
// publish context names (by subsystem NQN + NSID, checked against the NGUID as the real node
// checks the device), and the `nvme connect` the loop device stands in for, checked against the
// subsystem's ports, host links and DH-CHAP exactly as the kernel target would apply the CSP's
// configuration.
import { DriverError, dhchapFromSecrets, type JsonObject } from '@opencsp/csi-driver/node';
import type { LoopSessions } from '../../loop/index.js';
import { NvmeConnectError, type TrueNasSimulator } from '../../truenas/index.js';
import { contextField, contextTargets } from './publish-context.js';
import type { NvmeSource } from './types.js';

function portals(publishContext: Record<string, string>): Array<{ traddr: string; trsvcid: number }> {
  return contextField(publishContext, 'discoveryIps')
    .split(',')
    .map((p) => {
      const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(p.trim());
      return { traddr: m?.[1] ?? p, trsvcid: m?.[2] ? Number(m[2]) : 4420 };
    });
}

export function truenasNvme(sim: TrueNasSimulator): NvmeSource {
  return {
    connected: () => {
      const { nvmet } = sim.core;
      return nvmet.sessions.map((s) => ({ subnqn: nvmet.subsys.get(s.subsys_id)?.subnqn ?? '', hostnqn: s.hostnqn }));
    },
    async resolve(publishContext) {
      const [subnqn] = contextTargets(publishContext);
      const nsid = Number(contextField(publishContext, 'lunId'));
      const nguid = contextField(publishContext, 'serialNumber');
      const byNguid = sim.backingFile({ nguid });
      if (!byNguid) {
        throw new DriverError('NotFound', `no namespace with NGUID ${nguid} on the array`);
      }
      if (sim.backingFile({ subnqn: subnqn as string, nsid }) !== byNguid) {
        throw new DriverError(
          'FailedPrecondition',
          `namespace ${nsid} of ${subnqn} is not the namespace with NGUID ${nguid} (refusing to use it)`,
        );
      }
      return byNguid;
    },
    sessions(hostnqn): LoopSessions {
      return {
        async login(request) {
          const [subnqn] = contextTargets(request.publishContext);
          const dhchap = dhchapFromSecrets(request.secrets);
          for (const portal of portals(request.publishContext)) {
            try {
              sim.nvmeConnect({
                subnqn: subnqn as string,
                hostnqn,
                ...portal,
                ...(dhchap ? { dhchapKey: dhchap.key } : {}),
                ...(dhchap?.ctrlKey ? { dhchapCtrlKey: dhchap.ctrlKey } : {}),
              });
            } catch (err) {
              if (err instanceof NvmeConnectError) {
                const kind = err.kind === 'auth' ? 'Unauthenticated' : 'FailedPrecondition';
                throw new DriverError(kind, `nvme connect to ${subnqn} refused: ${err.message}`);
              }
              throw err;
            }
          }
          return { hostnqn, subnqn: subnqn as string };
        },
        async logout(session: JsonObject) {
          if (typeof session.subnqn === 'string' && typeof session.hostnqn === 'string') {
            sim.nvmeDisconnect(session.subnqn, session.hostnqn);
          }
        },
      };
    },
  };
}
