import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { head } from '../dsm-sim/helpers.js';
import { failure } from './errors.js';
import { GiB, hostRequest, type Stack, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** The backing file of the LUN behind a volume id (simulator side). */
function backingFile(s: Stack, volumeId: string): string {
  return s.sim.state.backing.path(`lun-${volumeId.split('~')[1]}`);
}

describe('csp-synology snapshots and clones', () => {
  it('snapshots a volume, clones the snapshot with its data, and guards dependencies', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    const volume = await client.createVolume({ name: 'pvc-src', size: 2 * GiB });
    await writeFile(backingFile(stack, volume.id), 'generation-1', { flag: 'r+' });
    const snapshot = await client.createSnapshot({ name: 'snap-1', volume_id: volume.id, description: 'nightly' });
    expect(snapshot).toMatchObject({
      name: 'snap-1',
      volume_id: volume.id,
      volume_name: 'pvc-src',
      size: 2 * GiB,
      ready_to_use: true,
      description: 'nightly',
    });
    await writeFile(backingFile(stack, volume.id), 'generation-2', { flag: 'r+' });
    expect((await failure(client.createSnapshot({ name: 'snap-1', volume_id: volume.id })))?.status).toBe(409);
    expect((await client.getSnapshot(snapshot.id)).name).toBe('snap-1');
    expect((await client.findSnapshot(volume.id, 'snap-1'))?.id).toBe(snapshot.id);
    expect(await client.findSnapshot(volume.id, 'nope')).toBeUndefined();
    expect((await client.listSnapshots()).items.map((s) => s.id)).toEqual([snapshot.id]);
    expect(await client.hasSnapshots(volume.id)).toBe(true);

    const clone = await client.createVolume({
      name: 'pvc-restored',
      clone: true,
      base_snapshot_id: snapshot.id,
      size: 3 * GiB,
    });
    expect(clone).toMatchObject({ size: 3 * GiB, clone: true, base_snapshot_id: snapshot.id });
    expect(await head(backingFile(stack, clone.id), 12)).toBe('generation-1');
    expect(
      (await failure(client.createVolume({ name: 'pvc-small', clone: true, base_snapshot_id: snapshot.id, size: GiB })))
        ?.field,
    ).toBe('body.size');

    // snapshot_delete_with_clones: a DSM clone is a LUN of its own, so the snapshot goes while the
    // clone lives, and the clone keeps its data.
    await client.deleteSnapshot(snapshot.id);
    expect((await failure(client.getSnapshot(snapshot.id)))?.status).toBe(404);
    expect((await failure(client.deleteSnapshot(snapshot.id)))?.status).toBe(404);
    expect(await client.findSnapshot(volume.id, 'snap-1')).toBeUndefined();
    expect(await head(backingFile(stack, clone.id), 12)).toBe('generation-1');
    await client.deleteVolume(clone.id);
    await client.deleteVolume(volume.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('clones a volume (config clone_of) and refuses snapshots of ext4 LUNs with a clear error', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    const source = await client.createVolume({ name: 'pvc-a', size: GiB });
    await writeFile(backingFile(stack, source.id), 'source-data', { flag: 'r+' });
    const copy = await client.createVolume({ name: 'pvc-copy', size: 2 * GiB, config: { clone_of: source.id } });
    expect(copy).toMatchObject({ size: 2 * GiB, clone: true });
    expect(await head(backingFile(stack, copy.id), 11)).toBe('source-data');
    expect(
      (
        await failure(
          client.createVolume({
            name: 'pvc-x',
            size: GiB,
            config: { clone_of: `${sim.serial}~00000000-0000-0000-0000-000000000000` },
          }),
        )
      )?.status,
    ).toBe(404);

    const ext4 = await client.createVolume({ name: 'pvc-ext4', size: GiB, config: { location: 'volume2' } });
    expect(ext4.config).toMatchObject({ lun_type: 'ADV', location: '/volume2' });
    const refused = await failure(client.createSnapshot({ name: 's', volume_id: ext4.id }));
    expect(refused).toMatchObject({ status: 400, field: 'body.volume_id' });
    expect(refused?.message).toMatch(/Btrfs/);
    for (const v of [source, copy, ext4]) {
      await client.deleteVolume(v.id);
    }
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('force-deletes a published volume: unmapped everywhere, its targets removed', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    await client.upsertHost(hostRequest('node-a'));
    await client.upsertHost(hostRequest('node-b'));
    const volume = await client.createVolume({ name: 'pvc-shared', size: GiB, multi_initiator: true });
    await client.publishVolume(volume.id, { host_uuid: 'node-a' });
    await client.publishVolume(volume.id, { host_uuid: 'node-b' });
    expect((await sim.audit()).targets).toHaveLength(2);
    await client.deleteVolume(volume.id, { force: true });
    expect((await sim.audit()).leaks).toEqual([]);
  });
});
