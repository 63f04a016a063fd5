// The process-wide cache of DSM host object ids (SharedState.hostIds) stays bounded as nodes come
// and go: each node's host object is deleted with its last unpublish and leaves a "deleted here"
// mark, and only the newest maxDeletedMarks of those are kept.
import { KeyedMutex } from '@opencsp/csp-spec/server';
import { describe, expect, it } from 'vitest';
import type { SessionContext, SharedState } from '../src/context.js';
import type { DsmApi } from '../src/dsm/api.js';
import { HostMasking, maxDeletedMarks } from '../src/host-masking.js';
import { HostRegistry } from '../src/hosts.js';
import { SnapshotIndexes } from '../src/snapshot-index.js';

/** A NAS whose host objects are `hosts` (name → id); counts listings. */
function fakeContext(hosts: Map<string, number>) {
  const calls = { listings: 0, deletes: 0 };
  const api = {
    client: { catalog: { has: () => true } },
    async hosts() {
      calls.listings++;
      return [...hosts].map(([name, host_id]) => ({ host_id, name }));
    },
    async host(id: number) {
      return [...hosts.values()].includes(id) ? { host_id: id, acls: [] } : undefined;
    },
    async deleteHost(id: number) {
      calls.deletes++;
      for (const [name, hostId] of hosts) {
        if (hostId === id) {
          hosts.delete(name);
        }
      }
    },
  } as unknown as DsmApi;
  const shared: SharedState = {
    hosts: new HostRegistry(),
    targetLocks: new KeyedMutex(),
    appliedChap: new Map(),
    hostIds: new Map(),
    snapshotIndexes: new SnapshotIndexes(60_000),
  };
  const ctx = { api, nas: { serial: 'S1' }, shared } as unknown as SessionContext;
  return { masking: new HostMasking(ctx), shared, calls };
}

describe('host masking id cache', () => {
  it('keeps at most maxDeletedMarks marks of host objects it deleted, newest first', async () => {
    const nodes = maxDeletedMarks + 20;
    const hosts = new Map(Array.from({ length: nodes }, (_, i) => [`k8s-host-${i}`, i + 1] as const));
    const { masking, shared, calls } = fakeContext(hosts);
    for (let i = 0; i < nodes; i++) {
      await masking.forget(`k8s-host-${i}`);
    }
    expect(calls.deletes).toBe(nodes);
    expect(shared.hostIds.size).toBe(maxDeletedMarks);
    expect(shared.hostIds.has('S1|k8s-host-0')).toBe(false);
    expect(shared.hostIds.get(`S1|k8s-host-${nodes - 1}`)).toBe(-1);

    // A node whose mark was dropped costs one listing (and finds nothing); a marked one none.
    const listings = calls.listings;
    expect(await masking.readOnlyAccess(`k8s-host-${nodes - 1}`, 'lun')).toBeUndefined();
    expect(calls.listings).toBe(listings);
    expect(await masking.readOnlyAccess('k8s-host-0', 'lun')).toBeUndefined();
    expect(calls.listings).toBe(listings + 1);
  });

  it('drops only marks, never the id of a live host object', async () => {
    const gone = Array.from({ length: maxDeletedMarks + 10 }, (_, i) => [`k8s-host-${i}`, i + 1] as const);
    const hosts = new Map([['k8s-host-live', 9999] as const, ...gone]);
    const { masking, shared } = fakeContext(hosts);
    expect(await masking.readOnlyAccess('k8s-host-live', 'lun')).toBeUndefined();
    for (const [name] of gone) {
      await masking.forget(name);
    }
    expect(shared.hostIds.get('S1|k8s-host-live')).toBe(9999);
    expect(shared.hostIds.size).toBe(maxDeletedMarks + 1);
  });
});
