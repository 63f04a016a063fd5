// Publishing: one iSCSI target per host holds every LUN published to that host. The target is
// masked to the host's initiators (and only them), carries the host's CHAP settings and allows as
// many sessions as the host has initiators times portals. A NAS whose model allows only a few
// targets can so serve that many nodes with up to its LUN ceiling of volumes. A target is deleted
// with its last LUN, so nothing stays reachable once the last host goes.
import type { PublishInfo, PublishOptions, UnpublishOptions } from '@opencsp/csp-spec';
import { CspProblem, notFound } from '@opencsp/csp-spec/server';
import { problemContext, type SessionContext } from './context.js';
import type { TargetAuth } from './dsm/api.js';
import { DsmApiError } from './dsm/errors.js';
import { describing } from './dsm/problems.js';
import type { DsmTarget } from './dsm/types.js';
import { chapFingerprint, type HostChap, type RegisteredHost } from './hosts.js';
import { lunSerialNumber, parseVolumeId, targetIqn } from './ids.js';
import { unlockedLun } from './waits.js';

function authOf(chap: HostChap | undefined): TargetAuth {
  if (!chap) {
    return { auth_type: 0, user: '', password: '', mutual_user: '', mutual_password: '' };
  }
  return {
    auth_type: chap.mutualUser ? 2 : 1,
    user: chap.user,
    password: chap.password,
    mutual_user: chap.mutualUser,
    mutual_password: chap.mutualPassword,
  };
}

function aclsOf(host: RegisteredHost): { iqn: string; permission: string }[] {
  return (host.host.iqns ?? []).map((iqn) => ({ iqn, permission: 'rw' })).sort((a, b) => a.iqn.localeCompare(b.iqn));
}

function sameAcls(a: { iqn: string; permission: string }[] | undefined, b: { iqn: string; permission: string }[]) {
  const key = (list: { iqn: string; permission: string }[]) =>
    list
      .map((e) => `${e.iqn}=${e.permission}`)
      .sort()
      .join(',');
  return a !== undefined && key(a) === key(b);
}

export class PublishService {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  #lockKey(targetName: string): string {
    return `${this.#ctx.nas.serial}|${targetName}`;
  }

  #locked<T>(targetName: string, work: () => Promise<T>): Promise<T> {
    return this.#ctx.shared.targetLocks.run(this.#lockKey(targetName), work);
  }

  #sessions(host: RegisteredHost): number {
    return (host.host.iqns?.length ?? 1) * Math.max(1, this.#ctx.nas.portals.length);
  }

  async publish(volumeId: string, options: PublishOptions): Promise<PublishInfo> {
    const { api, nas, naming, shared, settings } = this.#ctx;
    const host = shared.hosts.get(nas.serial, options.host_uuid);
    if (!host) {
      throw new CspProblem(
        'NOT_FOUND',
        `host ${options.host_uuid} is not registered with this CSP (POST /hosts first)`,
      );
    }
    if (!host.host.iqns?.length) {
      throw new CspProblem('INVALID_INPUT', `host ${options.host_uuid} has no iSCSI initiator names`);
    }
    return describing(problemContext(this.#ctx, `publishing volume ${volumeId} to ${options.host_uuid}`), async () => {
      const uuid = parseVolumeId(volumeId, nas.serial);
      const lun = uuid === undefined ? undefined : await api.lun(uuid, ['is_action_locked', 'status']);
      if (!lun || naming.csiName(lun.name) === undefined || lun.status === 'deleting') {
        throw notFound(`volume ${volumeId}`);
      }
      const name = naming.hostTargetName(host.host.uuid);
      return this.#locked(name, async () => {
        let target = (await api.target(name)) ?? (await this.#createTarget(name, host));
        target = await this.#reconcile(target, host);
        let mapping = target.mapped_luns?.find((m) => m.lun_uuid === lun.uuid);
        if (!mapping) {
          await unlockedLun(api, lun.uuid, settings, lun);
          await api.mapTarget(lun.uuid, target.target_id);
          target = (await api.target(String(target.target_id), ['mapped_lun'])) ?? target;
          mapping = target.mapped_luns?.find((m) => m.lun_uuid === lun.uuid);
          if (!mapping) {
            throw new CspProblem('INTERNAL', `DSM did not map LUN ${lun.name} to target ${name}`);
          }
        }
        const info: PublishInfo = {
          serial_number: lunSerialNumber(lun.uuid),
          access_protocol: 'iscsi',
          lun_id: mapping.mapping_index,
          target_names: [target.iqn],
          discovery_ips: nas.portals,
          target_scope: 'group',
        };
        if (host.chap) {
          info.chap_user = host.chap.user;
        }
        return info;
      });
    });
  }

  /** A new, empty target for the host, masked before any LUN is mapped; removed again on failure. */
  async #createTarget(name: string, host: RegisteredHost): Promise<DsmTarget> {
    const { api, nas, shared } = this.#ctx;
    let id: number;
    try {
      id = await api.createTarget({
        name,
        iqn: targetIqn(nas.hostname, name),
        max_sessions: this.#sessions(host),
        ...authOf(host.chap),
      });
    } catch (err) {
      // Another CSP replica created it meanwhile: use theirs.
      const theirs = err instanceof DsmApiError && err.code === 18990744 ? await api.target(name) : undefined;
      if (theirs) {
        return theirs;
      }
      throw err;
    }
    try {
      await api.setTarget(id, { acls: aclsOf(host) });
      const target = await api.target(String(id));
      if (!target) {
        throw new CspProblem('INTERNAL', `target ${name} vanished right after it was created`);
      }
      this.#checkMasking(target, host);
      shared.appliedChap.set(this.#lockKey(name), chapFingerprint(host.chap));
      return target;
    } catch (err) {
      await api
        .deleteTarget(id)
        .catch((e: unknown) => this.#ctx.logger.error({ err: e, target: name }, 'could not remove a target'));
      throw err;
    }
  }

  /** Brings masking, session limit and CHAP of an existing host target in line with the host. */
  async #reconcile(target: DsmTarget, host: RegisteredHost): Promise<DsmTarget> {
    const { api, shared } = this.#ctx;
    const key = this.#lockKey(target.name);
    const changes: Record<string, string | number | unknown[]> = {};
    const acls = aclsOf(host);
    if (!sameAcls(target.acls, acls)) {
      changes.acls = acls;
    }
    if (target.max_sessions !== this.#sessions(host)) {
      changes.max_sessions = this.#sessions(host);
    }
    const auth = authOf(host.chap);
    const fingerprint = chapFingerprint(host.chap);
    if (shared.appliedChap.get(key) !== fingerprint || target.auth_type !== auth.auth_type) {
      Object.assign(changes, auth);
    }
    if (Object.keys(changes).length === 0) {
      this.#checkMasking(target, host);
      return target;
    }
    await api.setTarget(target.target_id, changes);
    const updated = await api.target(String(target.target_id));
    if (!updated) {
      throw new CspProblem('INTERNAL', `target ${target.name} vanished while it was being updated`);
    }
    this.#checkMasking(updated, host);
    shared.appliedChap.set(key, fingerprint);
    return updated;
  }

  /** Refuses to expose LUNs through a target DSM did not mask to exactly the host's initiators. */
  #checkMasking(target: DsmTarget, host: RegisteredHost): void {
    if (!sameAcls(target.acls, aclsOf(host))) {
      throw new CspProblem(
        'INTERNAL',
        `DSM did not apply initiator masking to target ${target.name}; refusing to map LUNs to a target other initiators could reach`,
      );
    }
  }

  async unpublish(volumeId: string, options: UnpublishOptions): Promise<void> {
    const { api, nas, naming } = this.#ctx;
    await describing(
      problemContext(this.#ctx, `unpublishing volume ${volumeId} from ${options.host_uuid}`),
      async () => {
        const uuid = parseVolumeId(volumeId, nas.serial);
        const lun = uuid === undefined ? undefined : await api.lun(uuid, ['status']);
        if (!lun || naming.csiName(lun.name) === undefined) {
          throw notFound(`volume ${volumeId}`);
        }
        const name = naming.hostTargetName(options.host_uuid);
        await this.#locked(name, () => this.#detach(name, lun.uuid));
      },
    );
  }

  /** Unmaps the LUN from a target (by name or id) and deletes this CSP's targets left empty. */
  async #detach(targetName: string, lunUuid: string): Promise<void> {
    const { api, naming, shared } = this.#ctx;
    const target = await api.target(targetName, ['mapped_lun']);
    if (!target) {
      return;
    }
    const mapped = target.mapped_luns ?? [];
    if (mapped.some((m) => m.lun_uuid === lunUuid)) {
      await api.unmapTarget(lunUuid, target.target_id);
    }
    const ours = target.name.startsWith(`${naming.prefix}host-`);
    if (ours && mapped.every((m) => m.lun_uuid === lunUuid)) {
      await api.deleteTarget(target.target_id);
      shared.appliedChap.delete(this.#lockKey(target.name));
    }
  }

  /** Unmaps a LUN from every target (forced delete), removing this CSP's targets left empty. */
  async detachEverywhere(lunUuid: string): Promise<void> {
    for (const target of await this.#ctx.api.targetsOfLun(lunUuid)) {
      await this.#locked(target.name, () => this.#detach(String(target.target_id), lunUuid));
    }
  }

  /** Forgets a host: refused while it has volumes published; removes its (empty) target. */
  async removeHost(uuid: string): Promise<void> {
    const { api, nas, naming, shared } = this.#ctx;
    const name = naming.hostTargetName(uuid);
    await describing(problemContext(this.#ctx, `removing host ${uuid}`), () =>
      this.#locked(name, async () => {
        const target = await api.target(name, ['mapped_lun']);
        const count = target?.mapped_luns?.length ?? 0;
        if (count > 0) {
          throw new CspProblem('HAS_DEPENDENTS', `host ${uuid} still has ${count} volume(s) published`);
        }
        if (target) {
          await api.deleteTarget(target.target_id);
          shared.appliedChap.delete(this.#lockKey(name));
        }
        shared.hosts.remove(nas.serial, uuid);
      }),
    );
  }
}
