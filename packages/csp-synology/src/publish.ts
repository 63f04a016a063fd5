// Publishing: one iSCSI target per node holds every LUN published to that node (targets.ts), and
// the masking mode keeps other initiators away from it (masking.ts). The order is what keeps a
// LUN private at every step: grant the node, then map; unmap, then revoke; a target and the
// node's masking objects are removed with the node's last LUN.
import type { PublishInfo, PublishOptions, UnpublishOptions } from '@opencsp/csp-spec';
import { CspProblem, notFound } from '@opencsp/csp-spec/server';
import { problemContext, type SessionContext } from './context.js';
import { describing } from './dsm/problems.js';
import type { DsmLun, DsmTarget } from './dsm/types.js';
import type { RegisteredHost } from './hosts.js';
import { lunSerialNumber, parseVolumeId } from './ids.js';
import { createMasking, type Masking } from './masking.js';
import { PublishedNodes } from './published-nodes.js';
import { NodeTargets } from './targets.js';
import { isVolumeLun } from './volume-names.js';
import { unlockedLun } from './waits.js';

const mappingOf = (target: DsmTarget, lunUuid: string) => target.mapped_luns?.find((m) => m.lun_uuid === lunUuid);

export class PublishService {
  readonly #ctx: SessionContext;
  readonly #targets: NodeTargets;
  readonly #masking: Masking;
  readonly #nodes: PublishedNodes;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
    this.#targets = new NodeTargets(ctx);
    this.#masking = createMasking(ctx);
    this.#nodes = new PublishedNodes(ctx);
  }

  /** Whether a read-only publish is enforced on the NAS (per node and LUN, in masking mode hosts). */
  get enforcesReadOnly(): boolean {
    return this.#masking.enforcesReadOnly;
  }

  #locked<T>(targetName: string, work: () => Promise<T>): Promise<T> {
    return this.#ctx.shared.targetLocks.run(this.#targets.key(targetName), work);
  }

  #host(uuid: string): RegisteredHost {
    const host = this.#ctx.shared.hosts.get(this.#ctx.nas.serial, uuid);
    if (!host) {
      throw new CspProblem('NOT_FOUND', `host ${uuid} is not registered with this CSP (POST /hosts first)`);
    }
    if (!host.host.iqns?.length) {
      throw new CspProblem('INVALID_INPUT', `host ${uuid} has no iSCSI initiator names`);
    }
    return host;
  }

  async #lun(volumeId: string): Promise<DsmLun> {
    const { api, nas, naming } = this.#ctx;
    const uuid = parseVolumeId(volumeId, nas.serial);
    const lun = uuid === undefined ? undefined : await api.lun(uuid, ['is_action_locked', 'status']);
    if (!lun || !isVolumeLun(naming, lun.name) || lun.status === 'deleting') {
      throw notFound(`volume ${volumeId}`);
    }
    return lun;
  }

  async publish(volumeId: string, options: PublishOptions): Promise<PublishInfo> {
    const host = this.#host(options.host_uuid);
    this.#masking.admit(host);
    return describing(problemContext(this.#ctx, `publishing volume ${volumeId} to ${options.host_uuid}`), async () => {
      const lun = await this.#lun(volumeId);
      const name = this.#ctx.naming.hostTargetName(host.host.uuid);
      return this.#locked(name, async () => {
        const target = await this.#targets.ensure(name, host);
        await this.#check(name, target, lun, options);
        const nodeId = options.node_id ?? options.host_uuid;
        const mapped = await this.#attach(name, target, host, lun, { readOnly: options.read_only === true, nodeId });
        const info: PublishInfo = {
          serial_number: lunSerialNumber(lun.uuid),
          access_protocol: 'iscsi',
          lun_id: mapped.mapping_index,
          target_names: [target.iqn],
          discovery_ips: this.#ctx.nas.portals,
          target_scope: 'group',
        };
        if (host.chap) {
          info.chap_user = host.chap.user;
        }
        return info;
      });
    });
  }

  /**
   * Refuses, changing nothing, a publish that would change the node's access to a LUN it has
   * (ACCESS_MISMATCH; the masking mode's record on the NAS says which) or give the node more LUNs
   * than `host_volume_limit` (its target holds them all).
   */
  async #check(name: string, target: DsmTarget, lun: DsmLun, options: PublishOptions): Promise<void> {
    const readOnly = options.read_only === true;
    if (mappingOf(target, lun.uuid)) {
      const current = await this.#masking.readOnlyAccess(name, lun.uuid);
      if (current !== undefined && current !== readOnly) {
        throw new CspProblem(
          'ACCESS_MISMATCH',
          `LUN ${lun.name} is published to host ${options.host_uuid} ${current ? 'read-only' : 'read-write'} already`,
        );
      }
      return;
    }
    const limit = options.host_volume_limit;
    const count = target.mapped_luns?.length ?? 0;
    if (limit !== undefined && count >= limit) {
      throw new CspProblem(
        'LIMIT_EXCEEDED',
        `host ${options.host_uuid} has ${count} volume(s) published, its limit is ${limit}`,
      );
    }
  }

  /**
   * Grants the LUN, records the node id on it (published-nodes.ts) and maps it; on failure, undoes
   * what this call exposed and drops an empty target.
   */
  async #attach(
    name: string,
    target: DsmTarget,
    host: RegisteredHost,
    lun: DsmLun,
    access: { readOnly: boolean; nodeId: string },
  ) {
    const { api, settings, logger } = this.#ctx;
    const before = mappingOf(target, lun.uuid);
    try {
      this.#masking.checkTarget(target, host);
      await this.#masking.grant(name, host, lun.uuid, access.readOnly);
      await this.#nodes.record(lun.uuid, name, access.nodeId);
      if (before) {
        return before;
      }
      await unlockedLun(api, lun.uuid, settings, lun);
      await api.mapTarget(lun.uuid, target.target_id);
      const after = await api.target(String(target.target_id), ['mapped_lun']);
      const mapping = after && mappingOf(after, lun.uuid);
      if (!mapping) {
        throw new CspProblem('INTERNAL', `DSM did not map LUN ${lun.name} to target ${name}`);
      }
      return mapping;
    } catch (err) {
      if (!before) {
        await this.#detach(name, lun.uuid).catch((e: unknown) =>
          logger.error({ err: e, target: name }, 'could not undo a failed publish; check the target in DSM'),
        );
      }
      throw err;
    }
  }

  async unpublish(volumeId: string, options: UnpublishOptions): Promise<void> {
    await describing(
      problemContext(this.#ctx, `unpublishing volume ${volumeId} from ${options.host_uuid}`),
      async () => {
        const name = this.#ctx.naming.hostTargetName(options.host_uuid);
        const lun = await this.#lun(volumeId).catch(async (err: unknown) => {
          // The LUN is gone (deleted on the NAS): what it left with this node, found by the node's
          // target name and the LUN uuid in the id (its masking, an emptied target), goes too.
          const uuid = parseVolumeId(volumeId, this.#ctx.nas.serial);
          if (uuid !== undefined) {
            await this.#locked(name, () => this.#detach(name, uuid));
          }
          throw err;
        });
        await this.#locked(name, () => this.#detach(name, lun.uuid));
      },
    );
  }

  /**
   * Takes a LUN away from a node (target given by name or id): unmap, revoke, forget the node on
   * the LUN, and when the node's target is left empty, delete it and the node's masking objects.
   */
  async #detach(targetRef: string, lunUuid: string): Promise<void> {
    const { api } = this.#ctx;
    const target = await api.target(targetRef, ['mapped_lun']);
    const name = target?.name ?? targetRef;
    const mapped = target?.mapped_luns ?? [];
    if (target && mapped.some((m) => m.lun_uuid === lunUuid)) {
      await api.unmapTarget(lunUuid, target.target_id);
    }
    if (target && !this.#targets.ours(target)) {
      return;
    }
    await this.#masking.revoke(name, lunUuid);
    await this.#nodes.forget(lunUuid, name);
    if (!target || mapped.every((m) => m.lun_uuid === lunUuid)) {
      // The node's last LUN, or no target at all any more (a retry after a removal that failed
      // half-way): the node's masking objects go with its target.
      if (target) {
        await this.#targets.remove(target);
      }
      await this.#masking.forget(name);
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
          await this.#targets.remove(target);
        }
        await this.#masking.forget(name);
        shared.hosts.remove(nas.serial, uuid);
      }),
    );
  }
}
