// The nodes a volume is published to (`published_nodes`, CSI ListVolumes' published node ids).
// DSM keeps which targets a LUN is mapped to, but no field of a target or a DSM 7 host object
// can hold a CSI node id (up to 256 bytes of any characters; target and host names take 200 of
// [A-Za-z0-9.:-]), so the LUN keeps them: an `opencsp-nodes:` line in its description (the one
// free-text field DSM stores and returns for a LUN, volume-names.ts) maps each node target's name
// to the node id its publish named. The line gains the node before the LUN is mapped to the
// node's target and loses it after the LUN is unmapped, so it names every node that has the LUN.
// Volume reads and lists keep the nodes whose target DSM reports the LUN mapped to (one target
// listing per read or list, none when no LUN is mapped), so a mapping removed in DSM behind the
// CSP's back drops its node. Other answers (create, update) take the record of a LUN DSM reports
// mapped (`is_mapped`) as it is.
import type { Volume } from '@opencsp/csp-spec';
import type { SessionContext } from './context.js';
import type { DsmLun, DsmTarget } from './dsm/types.js';
import { composeDescription, readDescription } from './volume-names.js';
import { unlockedLun } from './waits.js';

/**
 * The node ids a LUN is published to, from the LUN as DSM lists it: every recorded node when DSM
 * reports it mapped, or, given the names of the targets it is mapped to, the nodes of those.
 */
export function publishedNodesOf(lun: DsmLun, mappedTo?: ReadonlySet<string>): string[] {
  if (lun.is_mapped !== true) {
    return [];
  }
  const entries = Object.entries(readDescription(lun.description).nodes);
  const kept = mappedTo ? entries.filter(([target]) => mappedTo.has(target)) : entries;
  return [...new Set(kept.map(([, node]) => node))];
}

/** LUN uuid -> names of the targets it is mapped to. */
export function targetsByLun(targets: DsmTarget[]): Map<string, Set<string>> {
  const byLun = new Map<string, Set<string>>();
  for (const target of targets) {
    for (const { lun_uuid: uuid } of target.mapped_luns ?? []) {
      const names = byLun.get(uuid) ?? new Set<string>();
      names.add(target.name);
      byLun.set(uuid, names);
    }
  }
  return byLun;
}

/**
 * Sets each volume's `published_nodes` from its LUN's record and the targets DSM maps it to, in
 * one target listing (none when no LUN is mapped). `volumes` and `luns` are in the same order.
 */
export async function withPublishedNodes(ctx: SessionContext, luns: DsmLun[], volumes: Volume[]): Promise<void> {
  if (!luns.some((l) => l.is_mapped === true)) {
    return;
  }
  const [only] = luns;
  const targets = luns.length === 1 && only ? await ctx.api.targetsOfLun(only.uuid) : await ctx.api.targets();
  const byLun = targetsByLun(targets);
  luns.forEach((lun, i) => {
    const volume = volumes[i];
    if (volume) {
      volume.published_nodes = publishedNodesOf(lun, byLun.get(lun.uuid) ?? new Set());
    }
  });
}

/**
 * Runs `work` while no other change to the LUN's description runs in this process (the record
 * here, a volume update's new description).
 */
export function withLunRecord<T>(ctx: SessionContext, lunUuid: string, work: () => Promise<T>): Promise<T> {
  return ctx.shared.targetLocks.run(`${ctx.nas.serial}|lun:${lunUuid}`, work);
}

export class PublishedNodes {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Records that the node behind `targetName` (node id `nodeId`) has the LUN. */
  async record(lunUuid: string, targetName: string, nodeId: string): Promise<void> {
    await this.#change(lunUuid, (nodes) => {
      if (nodes[targetName] === nodeId) {
        return false;
      }
      nodes[targetName] = nodeId;
      return true;
    });
  }

  /** Forgets the node behind `targetName`; a LUN that is gone has nothing to forget. */
  async forget(lunUuid: string, targetName: string): Promise<void> {
    await this.#change(lunUuid, (nodes) => {
      if (!(targetName in nodes)) {
        return false;
      }
      delete nodes[targetName];
      return true;
    });
  }

  /** Reads the LUN's record, edits it (`edit` says whether it changed) and writes it back, one LUN at a time. */
  async #change(lunUuid: string, edit: (nodes: Record<string, string>) => boolean): Promise<void> {
    const { api, settings } = this.#ctx;
    await withLunRecord(this.#ctx, lunUuid, async () => {
      const lun = await api.lun(lunUuid, ['is_action_locked', 'status']);
      if (!lun || lun.status === 'deleting') {
        return;
      }
      const parts = readDescription(lun.description);
      if (!edit(parts.nodes)) {
        return;
      }
      await unlockedLun(api, lunUuid, settings, lun);
      await api.setLun(lunUuid, { description: composeDescription(parts) });
    });
  }
}
