// The node side of the TrueNAS simulator: which sparse file holds the LUN a publish context names
// (checked by serial and by target + LUN, as the real node checks the WWID of every path), and
// the iSCSI login the loop device stands in for, checked against the target's initiator group
// and CHAP exactly as SCST would apply the CSP's configuration.
import { DriverError, type JsonObject } from '@opencsp/csi-driver/node';
import type { LoopSessions, NodeSide } from '../../loop/index.js';
import { IscsiLoginError, type TrueNasSimulator } from '../../truenas/index.js';
import { contextField, contextTargets } from './publish-context.js';
import { truenasNvme } from './truenas-nvme.js';
import type { LunSource } from './types.js';

export function truenasLuns(sim: TrueNasSimulator, datasetOf: (volumeId: string) => string): LunSource {
  return {
    ...truenasNodeSide(sim),
    nvme: truenasNvme(sim),
    dataDir: sim.core.config.dataDir,
    loggedIn: () => sim.audit().sessions.map(({ target, initiator }) => ({ target, initiator })),
    backingFileOf: (volumeId) => sim.backingFile({ dataset: datasetOf(volumeId) }),
  };
}

/** What the node needs: the LUN's backing file and the login (also served by the node API). */
export function truenasNodeSide(sim: TrueNasSimulator): NodeSide {
  return {
    async resolve(publishContext) {
      const serial = contextField(publishContext, 'serialNumber');
      const lun = Number(contextField(publishContext, 'lunId'));
      const bySerial = sim.backingFile({ naa: serial });
      if (!bySerial) {
        throw new DriverError('NotFound', `no LUN with serial ${serial} on the array`);
      }
      for (const target of contextTargets(publishContext)) {
        const byTarget = sim.backingFile({ target, lun });
        if (byTarget !== bySerial) {
          throw new DriverError(
            'FailedPrecondition',
            `LUN ${lun} of ${target} is not the LUN with serial ${serial} (WWID mismatch)`,
          );
        }
      }
      return bySerial;
    },
    sessions(initiator): LoopSessions {
      return {
        async login(request) {
          const targets = contextTargets(request.publishContext);
          const portal = (request.publishContext.discoveryIps ?? '').split(',')[0]?.replace(/:\d+$/, '');
          for (const target of targets) {
            try {
              sim.iscsiLogin({
                target,
                initiator,
                ...(portal ? { portalIp: portal } : {}),
                ...(request.chap
                  ? {
                      chapUser: request.chap.user,
                      chapSecret: request.chap.password,
                      ...(request.chap.mutualUser
                        ? { mutualUser: request.chap.mutualUser, mutualSecret: request.chap.mutualPassword }
                        : {}),
                    }
                  : {}),
              });
            } catch (err) {
              if (err instanceof IscsiLoginError) {
                // iscsiadm exit 24 (CHAP) is Unauthenticated, 19 (refused) FailedPrecondition.
                const kind = /CHAP/.test(err.message) ? 'Unauthenticated' : 'FailedPrecondition';
                throw new DriverError(kind, `iSCSI login to ${target} refused: ${err.message}`);
              }
              throw err;
            }
          }
          return { initiator, targets };
        },
        async logout(session: JsonObject) {
          const targets = Array.isArray(session.targets) ? session.targets : [];
          for (const target of targets) {
            if (typeof target === 'string' && typeof session.initiator === 'string') {
              sim.iscsiLogout(target, session.initiator);
            }
          }
        },
      };
    },
  };
}
