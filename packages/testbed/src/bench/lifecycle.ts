// One volume lifecycle as CSP phases, each timed over many volumes at a given concurrency:
// create → publish → snapshot → delete snapshot → unpublish → delete. Every operation touches a
// different volume, so a global lock anywhere would show as throughput that does not grow with
// concurrency.
import type { CspClient } from '@opencsp/csp-spec/client';
import type { ArrayStack } from './arrays/index.js';
import { GiB } from './arrays/index.js';
import { type PhaseStats, runPhase } from './runner.js';

export interface LifecycleOptions {
  stack: ArrayStack;
  client: CspClient;
  nodes: string[];
  count: number;
  concurrency: number;
  /** Makes volume names unique across runs on one array. */
  prefix: string;
  /** Include the snapshot phases (default true). */
  snapshots?: boolean;
}

export function counters(stack: ArrayStack): Record<string, (() => number) | undefined> {
  const out: Record<string, (() => number) | undefined> = {
    callsPerOp: stack.arrayCalls,
    cspPerOp: () => stack.cspRequests(),
  };
  for (const counter of stack.rowCounters) {
    out[counter.key] = counter.read;
  }
  return out;
}

export async function cspLifecycle(options: LifecycleOptions): Promise<PhaseStats[]> {
  const { client, nodes, count, concurrency, prefix } = options;
  const items = Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    node: nodes[i % nodes.length] as string,
    id: '',
    snapshotId: '',
  }));
  const phase = (op: string, work: (item: (typeof items)[number]) => Promise<void>) =>
    runPhase({ op, items, concurrency, work, counters: counters(options.stack) });
  const out: PhaseStats[] = [];
  out.push(
    await phase('create volume', async (item) => {
      item.id = (await client.createVolume({ name: item.name, size: GiB })).id;
    }),
  );
  out.push(
    await phase('publish', async (item) => {
      await client.publishVolume(item.id, { host_uuid: item.node });
    }),
  );
  if (options.snapshots !== false) {
    out.push(
      await phase('create snapshot', async (item) => {
        item.snapshotId = (await client.createSnapshot({ name: `${item.name}-snap`, volume_id: item.id })).id;
      }),
    );
    out.push(
      await phase('delete snapshot', async (item) => {
        await client.deleteSnapshot(item.snapshotId);
      }),
    );
  }
  out.push(
    await phase('unpublish', async (item) => {
      await client.unpublishVolume(item.id, { host_uuid: item.node });
    }),
  );
  out.push(
    await phase('delete volume', async (item) => {
      await client.deleteVolume(item.id);
    }),
  );
  return out;
}
