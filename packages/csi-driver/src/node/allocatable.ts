// NodeGetInfo's max_volumes_per_node: what the node can still hold for opencsp. The option
// --max-volumes-per-node is the node's budget of block volumes over iSCSI and NVMe over fabrics;
// volumes attached by something else (another driver, a hand-made login) use the same budget, so
// the count reported is the budget minus those foreign volumes, or minus
// --reserved-volume-attachments when that is more. A foreign volume is a LUN of an iSCSI session,
// or a namespace of a fabrics NVMe subsystem, whose target is not one a volume staged here uses
// (the node's state files name them). kubelet calls NodeGetInfo periodically
// (nodeAllocatableUpdatePeriodSeconds), so this reads only sysfs listings and the state files.
import { type FabricVolume, iscsiVolumes, nvmeFabricVolumes } from '../host/fabric-volumes.js';
import type { VolumeState } from '../state/volume-state.js';
import type { NodeContext } from './context.js';
import { recordFromJson as iscsiRecord } from './iscsi/record.js';
import { recordFromJson as nvmeRecord } from './nvme/spec.js';

/** The targets (IQNs, subsystem NQNs) of the volumes opencsp staged or is staging on this node. */
export function ownTargets(states: readonly VolumeState[]): Set<string> {
  const targets = new Set<string>();
  for (const state of states) {
    if (!state.attachment) {
      continue;
    }
    if (state.transport === 'iscsi') {
      for (const t of iscsiRecord(state.attachment).targets) {
        targets.add(t.iqn);
      }
    } else if (state.transport === 'nvmetcp') {
      targets.add(nvmeRecord(state.attachment).nqn);
    }
  }
  return targets;
}

/**
 * The count for a budget: 0 (no limit) without one, else the budget minus what others use, never
 * below 1, since 0 would mean "no limit" to the CO.
 */
export function allocatableCount(budget: number, reserved: number, foreign: number): number {
  return budget === 0 ? 0 : Math.max(1, budget - Math.max(reserved, foreign));
}

/** The foreign block volumes on this node. */
export async function foreignVolumes(ctx: NodeContext): Promise<FabricVolume[]> {
  const own = ownTargets(await ctx.store.list());
  const skip = (target: string) => own.has(target);
  return [...(await iscsiVolumes(ctx.files, skip)), ...(await nvmeFabricVolumes(ctx.files, skip))];
}

/** Reports the count, logging when it changes and (once while it lasts) when the node is full. */
export class AllocatableVolumes {
  private last: number | undefined;
  private full = false;

  async count(ctx: NodeContext): Promise<number> {
    const budget = ctx.options.maxVolumesPerNode;
    if (budget === 0) {
      return 0;
    }
    const reserved = ctx.options.reservedVolumeAttachments ?? 0;
    let foreign: FabricVolume[];
    try {
      foreign = await foreignVolumes(ctx);
    } catch (err) {
      ctx.logger.warn(
        { err: (err as Error).message, budget },
        'cannot count the block volumes others attached to this node; reporting the whole --max-volumes-per-node',
      );
      return Math.max(1, budget - reserved);
    }
    const count = allocatableCount(budget, reserved, foreign.length);
    this.note(ctx, { budget, reserved, foreign: foreign.length, count });
    return count;
  }

  private note(ctx: NodeContext, facts: { budget: number; reserved: number; foreign: number; count: number }): void {
    const full = facts.budget - Math.max(facts.reserved, facts.foreign) < 1;
    if (full && !this.full) {
      ctx.logger.warn(
        facts,
        'this node is full of block volumes opencsp did not attach: reporting 1 volume (0 would mean no limit); raise --max-volumes-per-node or detach them',
      );
    }
    this.full = full;
    if (facts.count !== this.last) {
      ctx.logger.info(facts, 'volumes this node can hold for opencsp (max_volumes_per_node)');
      this.last = facts.count;
    }
  }
}
