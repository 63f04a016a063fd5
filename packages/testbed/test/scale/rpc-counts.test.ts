// Every controller RPC through the driver (gRPC → CSP → simulator) costs the same array calls and
// rows whether the array holds 10 or 10,000 volumes, each with a snapshot. The large array is
// seeded straight into the simulator's state (no API calls), so the test stays fast. Counts only:
// times belong to `pnpm bench`.
import { afterAll, describe, expect, it } from 'vitest';
import { type ArrayKind, startArray } from '../../src/bench/arrays/index.js';
import { countedRpcs, countRpcs, type RpcCount } from '../../src/bench/rpc-counts.js';
import { Scope } from '../../src/bench/scope.js';

const small = 10;
const large = 10_000;
/** The most rows one RPC may make the array return (or read, for the CSP's queries). */
const maxRows = 10;

/**
 * Listing a page of volumes is the one RPC the arrays cannot bound: ZFS iterates a parent's
 * children from the first (no cursor), so TrueNAS reads every zvol before it applies offset and
 * limit (it returns only the page); DSM's LUN list has no paging or filter, so it returns every
 * LUN. Both are checked for exactly that, and that the driver makes one call per page (on DSM
 * two: the LUN list and, because a LUN on the page is mapped, one target list for its published
 * nodes; neither grows with the number of volumes).
 */
const unbounded = 'ListVolumes page';

const scope = new Scope();
afterAll(async () => {
  expect(await scope.close()).toEqual([]);
});

async function measure(kind: ArrayKind, existing: number): Promise<RpcCount[]> {
  const child = scope.child(`${kind} with ${existing}`);
  const stack = await child.adopt(`${kind} stack`, startArray(kind));
  await stack.seed(existing, { snapshots: true });
  const counts = await countRpcs(stack, child, `n${existing}`);
  expect(await stack.leftovers()).toEqual([]);
  expect(await child.close()).toEqual([]);
  return counts;
}

function byRpc(counts: RpcCount[]): Map<string, RpcCount> {
  return new Map(counts.map((c) => [c.rpc, c]));
}

describe.each(['truenas', 'dsm'] as const)('%s: array work per RPC at 10 and 10,000 volumes', (kind) => {
  it('is the same at both sizes, and at most 10 rows per RPC', { timeout: 180_000 }, async () => {
    const few = byRpc(await measure(kind, small));
    const many = byRpc(await measure(kind, large));
    expect([...few.keys()]).toEqual([...countedRpcs]);
    for (const rpc of countedRpcs) {
      const a = few.get(rpc) as RpcCount;
      const b = many.get(rpc) as RpcCount;
      expect(b.calls, `${rpc}: array calls`).toBe(a.calls);
      expect(b.cspRequests, `${rpc}: CSP requests`).toBe(a.cspRequests);
      expect(a.calls, `${rpc}: array calls`).toBeGreaterThan(0);
      if (rpc === unbounded) {
        continue;
      }
      expect(b.returned, `${rpc}: rows returned`).toBe(a.returned);
      expect(b.read, `${rpc}: rows read`).toBe(a.read);
      expect(b.returned, `${rpc}: rows returned`).toBeLessThanOrEqual(maxRows);
      expect(b.read, `${rpc}: rows read`).toBeLessThanOrEqual(maxRows);
    }
    // Inside its iSCSI creates, updates and deletes TrueNAS reads whole tables itself, which no
    // client can spare it (docs/truenas.md, "What a volume create costs the middleware" and "What
    // updates and deletes cost the middleware"):
    // the extent create reads every extent to compare flattened names, to check the disk and to
    // hand the new one back; the target create every target for a free rel_tgt_id and to hand it
    // back; the LUN map every target and extent for its audit summary and every mapping to hand it
    // back. Eight tables, so eight more rows per existing volume, and not one more: the serial
    // listing the CSP can spare (by sending a serial) is gone. A publish updates the target (its
    // table before and after) and creates the volume's initiator group (read back: one group per
    // two seeded volumes); an unpublish updates the target and deletes the group. A delete reads
    // the target, its mappings, the mapping (delete and summary: mappings, targets, extents), the
    // extent and its mappings, and the dataset delete's attachment lookups (extents, mappings).
    const perVolume: Partial<Record<(typeof countedRpcs)[number], number>> =
      kind === 'truenas'
        ? {
            CreateVolume: 8,
            'CreateVolume from snapshot': 8,
            'CreateVolume clone': 8,
            ControllerPublishVolume: 2.5,
            ControllerUnpublishVolume: 2.5,
            DeleteVolume: 9,
          }
        : {};
    for (const rpc of countedRpcs) {
      const growth = (many.get(rpc) as RpcCount).internal - (few.get(rpc) as RpcCount).internal;
      expect(growth, `${rpc}: rows the array read inside its own creates, updates and deletes`).toBe(
        (perVolume[rpc] ?? 0) * (large - small),
      );
    }
    // A plain CreateVolume is one CSP request (POST /volumes): the driver looks the name up only
    // when the CSP answers that it is taken (a retried create).
    expect(few.get('CreateVolume')?.cspRequests).toBe(1);
    const pageFew = few.get(unbounded) as RpcCount;
    const pageMany = many.get(unbounded) as RpcCount;
    expect(pageMany.calls).toBe(kind === 'truenas' ? 1 : 2);
    if (kind === 'truenas') {
      expect(pageMany.returned, 'a page of 10 (and one more to know there are more)').toBe(11);
      expect(pageFew.returned).toBe(11);
      expect(pageMany.read).toBeGreaterThanOrEqual(large);
    } else {
      expect(pageMany.returned).toBeGreaterThanOrEqual(large);
    }
  });
});
