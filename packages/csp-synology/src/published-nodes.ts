// The nodes a volume is published to (`published_nodes`, CSI ListVolumes' published node ids).
// DSM keeps which targets a LUN is mapped to, but no field of a target or a DSM 7 host object
// can hold a CSI node id (up to 256 bytes of any characters; target and host names take 200 of
// [A-Za-z0-9.:-]), so the LUN keeps them: an `opencsp-nodes:` line in its description (the one
// free-text field DSM stores and returns for a LUN, volume-names.ts) maps each node target's name
// to the node id its publish named. The line gains the node before the LUN is mapped to the
// node's target and loses it after the LUN is unmapped, so it names every node that has the LUN.
// Reads take the nodes from the description of a LUN DSM reports mapped (`is_mapped`), with no
// call of their own.
import type { SessionContext } from './context.js';
import type { DsmLun } from './dsm/types.js';
import { composeDescription, readDescription } from './volume-names.js';
import { unlockedLun } from './waits.js';

/** The node ids a LUN is published to, from the LUN as DSM lists it. */
export function publishedNodesOf(lun: DsmLun): string[] {
  if (lun.is_mapped !== true) {
    return [];
  }
  return [...new Set(Object.values(readDescription(lun.description).nodes))];
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
    const { api, nas, settings, shared } = this.#ctx;
    await shared.targetLocks.run(`${nas.serial}|lun:${lunUuid}`, async () => {
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
