import { describe, expect, it } from 'vitest';
import type { DsmApi } from '../src/dsm/api.js';
import type { DsmLun } from '../src/dsm/types.js';
import { Naming } from '../src/ids.js';
import { SnapshotIndex, SnapshotIndexes } from '../src/snapshot-index.js';

const naming = new Naming('k8s-');

function lun(uuid: string, name: string, extra: Partial<DsmLun> = {}): DsmLun {
  return { uuid, name, type: 263, location: '/volume1', size: 1, ...extra };
}

/** A DsmApi whose LUN listing answers `luns` (after `gate`, when given) and counts the listings. */
function fakeApi(luns: DsmLun[], gate?: Promise<void>) {
  const state = { listings: 0, additional: [] as string[] };
  const api = {
    async luns(additional: string[]) {
      state.listings++;
      state.additional = additional;
      await gate;
      return luns;
    },
  } as unknown as DsmApi;
  return { api, state };
}

const snap = (uuid: string, name: string) => ({
  uuid,
  name,
  parent_uuid: '',
  status: 'Healthy',
  total_size: 1,
  create_time: 0,
});

describe('SnapshotIndex', () => {
  it('indexes our snapshots by name from one listing of snapshots and status', async () => {
    const { api, state } = fakeApi([
      lun('a', 'k8s-vol-a', { snapshots: [snap('s1', 'k8s-snap-1'), snap('s9', 'manual')] }),
      lun('b', 'k8s-vol-b', { family_config: clone('s1') }),
      lun('c', 'other-lun', { family_config: clone('s1'), snapshots: [snap('s2', 'k8s-snap-2')] }),
      lun('d', 'k8s-vol-d', { status: 'deleting', family_config: clone('s1') }),
    ]);
    const index = new SnapshotIndex(60_000);
    await index.ready(api, naming, 1000);
    await index.ready(api, naming, 2000);
    expect(state.listings).toBe(1);
    expect(index.named('k8s-snap-1')).toEqual([{ lunUuid: 'a', snapshotUuid: 's1' }]);
    expect(index.named('manual')).toEqual([]);
    expect(index.named('k8s-snap-2')).toEqual([]);
    expect(state.additional).toEqual(['snapshot_info', 'status']);
    await index.ready(api, naming, 70_000);
    expect(state.listings).toBe(2);
  });

  it('keeps its own changes, also those made while a rebuild lists the NAS', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { api } = fakeApi([lun('a', 'k8s-vol-a', { snapshots: [snap('s1', 'k8s-snap-1')] })], gate);
    const index = new SnapshotIndex(60_000);
    const building = index.ready(api, naming, 0);
    index.addSnapshot('k8s-snap-2', { lunUuid: 'a', snapshotUuid: 's2' });
    index.removeSnapshot('s1');
    open();
    await building;
    expect(index.named('k8s-snap-1')).toEqual([]);
    expect(index.named('k8s-snap-2')).toEqual([{ lunUuid: 'a', snapshotUuid: 's2' }]);
    index.removeLun('x');
    expect(index.named('k8s-snap-2')).toEqual([{ lunUuid: 'a', snapshotUuid: 's2' }]);
    index.removeLun('a');
    expect(index.named('k8s-snap-2')).toEqual([]);
  });

  it('holds nothing after snapshots are created and deleted, one by one or with their LUN', async () => {
    const { api } = fakeApi([lun('a', 'k8s-vol-a', { snapshots: [snap('s0', 'k8s-snap-0')] })]);
    const index = new SnapshotIndex(60_000);
    await index.ready(api, naming, 1000);
    expect(index.size).toBe(1);
    for (let i = 1; i <= 100; i++) {
      index.addSnapshot(`k8s-snap-${i}`, { lunUuid: i % 2 ? 'a' : `lun-${i}`, snapshotUuid: `s${i}` });
      if (i % 2) {
        index.removeSnapshot(`s${i}`);
      } else {
        index.removeLun(`lun-${i}`);
      }
    }
    expect(index.size).toBe(1);
    index.removeLun('a');
    expect(index.size).toBe(0);
  });

  it('is one index per NAS and prefix', () => {
    const indexes = new SnapshotIndexes(1000);
    expect(indexes.of('serial-1', 'k8s-')).toBe(indexes.of('serial-1', 'k8s-'));
    expect(indexes.of('serial-1', 'k8s-')).not.toBe(indexes.of('serial-2', 'k8s-'));
    expect(indexes.of('serial-1', 'k8s-')).not.toBe(indexes.of('serial-1', 'dev-'));
  });
});

function clone(snapshotUuid: string): NonNullable<DsmLun['family_config']> {
  return {
    parent_lun_uuid: 'a',
    parent_lun_name: 'k8s-vol-a',
    parent_snapshot_uuid: snapshotUuid,
    parent_snapshot_time: 0,
  };
}
