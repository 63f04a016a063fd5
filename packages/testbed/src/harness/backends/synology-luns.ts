// The node side of the DSM simulator: which sparse file holds the LUN a publish context names
// (checked by serial and by target + LUN number, as the real node checks the WWID of every path),
// and the iSCSI login the loop device stands in for, played through the simulator's portal, which
// applies the target's CHAP and DSM 7 host permissions exactly as the CSP configured them.
//
// csp-synology puts every LUN of a node in one target (`target_scope: group`): the node keeps its
// session to that target while any of its LUNs there is staged and logs out with the last one, as
// the real node does. The session bookkeeping below plays that.
import { DriverError, type JsonObject } from '@opencsp/csi-driver/node';
import { type DsmSimulator, PortalError, type PortalLogin } from '../../dsm/index.js';
import type { LoopSessions, NodeSide } from '../../loop/index.js';
import { contextField, contextTargets } from './publish-context.js';
import type { LunSource } from './types.js';

function credentials(chap: { user: string; password: string; mutualUser?: string; mutualPassword?: string }) {
  const login: Pick<PortalLogin, 'chap' | 'mutualChap'> = { chap: { user: chap.user, password: chap.password } };
  if (chap.mutualUser) {
    login.mutualChap = { user: chap.mutualUser, password: chap.mutualPassword ?? '' };
  }
  return login;
}

/** The LUN uuid of a csp-synology volume id (`<NAS serial>~<LUN uuid>`) on this NAS. */
export function lunUuidOf(sim: DsmSimulator, volumeId: string): string | undefined {
  const [serial, uuid, extra] = volumeId.split('~');
  return serial === sim.serial && uuid && extra === undefined ? uuid : undefined;
}

export function synologyLuns(sim: DsmSimulator): LunSource {
  return {
    ...synologyNodeSide(sim),
    dataDir: sim.state.backing.dir,
    loggedIn: () => sim.portalSessions(),
    backingFileOf(volumeId) {
      const uuid = lunUuidOf(sim, volumeId);
      return uuid === undefined ? undefined : sim.backingFile({ lunUuid: uuid });
    },
  };
}

/** What the node needs: the LUN's backing file and the login (also served by the node API). */
export function synologyNodeSide(sim: DsmSimulator): NodeSide {
  /** `initiator target` → serials of the LUNs the node uses through that session. */
  const users = new Map<string, Set<string>>();

  const release = (initiator: string, target: string, serial: string) => {
    const key = `${initiator} ${target}`;
    const serials = users.get(key);
    serials?.delete(serial);
    if (serials && serials.size > 0) {
      return;
    }
    users.delete(key);
    try {
      sim.portalLogout(initiator, target);
    } catch (err) {
      // The target is gone already (deleted with the node's last LUN): nothing to log out of.
      if (!(err instanceof PortalError)) {
        throw err;
      }
    }
  };

  return {
    async resolve(publishContext) {
      const serial = contextField(publishContext, 'serialNumber');
      const lun = Number(contextField(publishContext, 'lunId'));
      const bySerial = sim.backingFile({ serial });
      if (!bySerial) {
        throw new DriverError('NotFound', `no LUN with serial ${serial} on the NAS`);
      }
      for (const target of contextTargets(publishContext)) {
        if (sim.backingFile({ target, lun }) !== bySerial) {
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
          const serial = contextField(request.publishContext, 'serialNumber').toLowerCase();
          const targets = contextTargets(request.publishContext);
          for (const target of targets) {
            let visible: ReturnType<DsmSimulator['portalLogin']>;
            try {
              visible = sim.portalLogin({
                initiatorIqn: initiator,
                targetIqn: target,
                ...(request.chap ? credentials(request.chap) : {}),
              });
            } catch (err) {
              if (err instanceof PortalError) {
                // iscsiadm exit 24 (CHAP) is Unauthenticated, 19 (refused) FailedPrecondition.
                const kind = /CHAP/.test(err.message) ? 'Unauthenticated' : 'FailedPrecondition';
                throw new DriverError(kind, `iSCSI login to ${target} refused: ${err.message}`);
              }
              throw err;
            }
            const key = `${initiator} ${target}`;
            if (!visible.some((l) => l.wwid === serial)) {
              // The session holds other LUNs of the node, or none: the node never finds this one.
              release(initiator, target, serial);
              throw new DriverError(
                'FailedPrecondition',
                `iSCSI login to ${target} refused: initiator ${initiator} does not see LUN ${serial} there`,
              );
            }
            users.set(key, (users.get(key) ?? new Set()).add(serial));
          }
          return { initiator, targets, serial };
        },
        async logout(session: JsonObject) {
          const targets = Array.isArray(session.targets) ? session.targets : [];
          const { serial } = session;
          for (const target of targets) {
            if (typeof target === 'string' && typeof session.initiator === 'string' && typeof serial === 'string') {
              release(session.initiator, target, serial);
            }
          }
        },
      };
    },
  };
}
