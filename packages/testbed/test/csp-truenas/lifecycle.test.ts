import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GiB, iqn, MiB, startStack, failure as status } from './stack.js';

describe('csp-truenas volume lifecycle against the simulator', () => {
  it('creates, publishes, expands, snapshots, clones and deletes, leaving nothing behind', async () => {
    const { sim, client } = await startStack();
    const basename = sim.core.iscsi.global.basename;
    await client.upsertHost({ uuid: 'node-1', name: 'node-1', iqns: [iqn('node-1')] });
    await client.upsertHost({ uuid: 'node-2', iqns: [iqn('node-2')] });

    const volume = await client.createVolume({ name: 'pvc-0001', size: 100 * MiB + 1, description: 'first' });
    expect(volume).toMatchObject({ name: 'pvc-0001', size: 100 * MiB + 16 * 1024, published: false });
    expect(volume.id).toBe('tank~k8s~pvc-0001');
    expect(volume.serial_number).toMatch(/^6589cfc000000[0-9a-f]{19}$/);
    expect(volume.description).toBe('first');
    expect(volume.config).toMatchObject({ parent_dataset: 'tank/k8s', volblocksize: '16K', sparse: 'true' });
    expect(await client.findVolumeByName('pvc-0001')).toEqual(volume);
    expect(await client.getVolume(volume.id)).toEqual(volume);

    const info = await client.publishVolume(volume.id, { host_uuid: 'node-1' });
    expect(info).toEqual({
      serial_number: volume.serial_number,
      access_protocol: 'iscsi',
      lun_id: 0,
      target_names: [`${basename}:pvc-0001`],
      discovery_ips: ['127.0.0.1'],
      target_scope: 'volume',
    });
    const again = await sim.calls.measure(() => client.publishVolume(volume.id, { host_uuid: 'node-1' }));
    expect(again.result).toEqual(info);
    expect(Object.keys(again.calls).every((method) => method.endsWith('.query'))).toBe(true);
    expect((await client.getVolume(volume.id)).published).toBe(true);
    const target = `${basename}:pvc-0001`;
    sim.iscsiLogin({ target, initiator: iqn('node-1') });
    expect(() => sim.iscsiLogin({ target, initiator: iqn('node-2') })).toThrow(/not allowed/);
    expect(sim.backingFile({ naa: info.serial_number })).toBe(sim.backingFile({ dataset: 'tank/k8s/pvc-0001' }));

    await client.publishVolume(volume.id, { host_uuid: 'node-2' });
    sim.iscsiLogin({ target, initiator: iqn('node-2') });
    await client.unpublishVolume(volume.id, { host_uuid: 'node-2' });
    sim.iscsiLogout(target, iqn('node-2'));
    expect(() => sim.iscsiLogin({ target, initiator: iqn('node-2') })).toThrow(/not allowed/);
    await client.unpublishVolume(volume.id, { host_uuid: 'node-2' });
    await client.unpublishVolume(volume.id, { host_uuid: 'never-registered' });

    const grown = await client.updateVolume(volume.id, { size: 200 * MiB });
    expect(grown.size).toBe(200 * MiB);
    expect(await status(client.updateVolume(volume.id, { size: 10 * MiB }))).toMatchObject({
      status: 400,
      field: 'body.size',
    });

    await writeFile(sim.backingFile({ dataset: 'tank/k8s/pvc-0001' }) as string, 'hello from node-1', { flag: 'r+' });
    const snap = await client.createSnapshot({ name: 'snapshot-1', volume_id: volume.id, description: 'daily' });
    expect(snap).toMatchObject({
      id: 'tank~k8s~pvc-0001@snapshot-1',
      name: 'snapshot-1',
      volume_id: volume.id,
      size: 200 * MiB,
      ready_to_use: true,
    });
    expect(await client.getSnapshot(snap.id)).toMatchObject({
      name: 'snapshot-1',
      description: 'daily',
      in_use: false,
      volume_name: 'pvc-0001',
    });
    expect((await client.listSnapshots({ volumeId: volume.id })).items.map((s) => s.id)).toEqual([snap.id]);
    expect(await client.findSnapshot(volume.id, 'snapshot-1')).toMatchObject({ id: snap.id });
    expect(await client.hasSnapshots(volume.id)).toBe(true);

    const clone = await client.createVolume({
      name: 'pvc-clone',
      clone: true,
      base_snapshot_id: snap.id,
      size: 300 * MiB,
    });
    expect(clone).toMatchObject({ name: 'pvc-clone', size: 300 * MiB, clone: true, base_snapshot_id: snap.id });
    const cloneData = await readFile(sim.backingFile({ dataset: 'tank/k8s/pvc-clone' }) as string);
    expect(cloneData.subarray(0, 17).toString()).toBe('hello from node-1');
    expect((await client.getSnapshot(snap.id)).in_use).toBe(true);

    expect(await status(client.deleteVolume(volume.id))).toMatchObject({ status: 400, reason: 'PUBLISHED' });
    await client.unpublishVolume(volume.id, { host_uuid: 'node-1' });
    sim.iscsiLogout(target, iqn('node-1'));
    expect(await status(client.deleteVolume(volume.id))).toMatchObject({ status: 409, reason: 'HAS_DEPENDENTS' });
    // snapshot_delete_with_clones: the snapshot goes for every reader; ZFS keeps it for the clone,
    // unheld and temporary, and the clone's delete destroys it.
    await client.deleteSnapshot(snap.id);
    expect(await status(client.getSnapshot(snap.id))).toMatchObject({ status: 404 });
    expect(await status(client.deleteSnapshot(snap.id))).toMatchObject({ status: 404 });
    expect((await client.listSnapshots({ volumeId: volume.id })).items).toEqual([]);
    expect(await client.findSnapshot(volume.id, 'snapshot-1')).toBeUndefined();
    const kept = sim.core.zfs.snapshots.get('tank/k8s/pvc-0001@snapshot-1');
    expect(kept?.holds.size).toBe(0);
    expect(kept?.user.get('opencsp:temporary')).toBe('true');
    expect(await readFile(sim.backingFile({ dataset: 'tank/k8s/pvc-clone' }) as string)).toSatisfy((data: Buffer) =>
      data.subarray(0, 17).equals(Buffer.from('hello from node-1')),
    );
    expect(await status(client.deleteVolume(volume.id))).toMatchObject({ status: 409, reason: 'HAS_DEPENDENTS' });
    await client.deleteVolume(clone.id);
    expect(sim.core.zfs.snapshots.has('tank/k8s/pvc-0001@snapshot-1')).toBe(false);
    await client.deleteVolume(volume.id);
    expect(await status(client.getVolume(volume.id))).toMatchObject({ status: 404 });
    expect(await client.findVolumeByName('pvc-0001')).toBeUndefined();
    await client.deleteHostByUuid('node-1');
    await client.deleteHostByUuid('node-2');
    expect(sim.audit()).toEqual({
      datasets: [],
      snapshots: [],
      targets: [],
      extents: [],
      targetextents: [],
      initiators: [],
      auth: [],
      sessions: [],
      nvmetHosts: [],
      nvmetSubsystems: [],
      nvmetNamespaces: [],
      nvmetHostLinks: [],
      nvmetPortLinks: [],
      nvmeSessions: [],
    });
  });

  it('lists volumes and snapshots with pagination', async () => {
    const { client } = await startStack();
    const names = ['pvc-a', 'pvc-b', 'pvc-c', 'pvc-d', 'pvc-e'];
    for (const name of names) {
      await client.createVolume({ name, size: 16 * MiB });
    }
    const first = await client.listVolumes({ limit: 2 });
    expect(first.items.map((v) => v.name)).toEqual(['pvc-a', 'pvc-b']);
    const second = await client.listVolumes({ limit: 2, startingToken: first.nextToken as string });
    expect(second.items.map((v) => v.name)).toEqual(['pvc-c', 'pvc-d']);
    const last = await client.listVolumes({ limit: 2, startingToken: second.nextToken as string });
    expect(last.items.map((v) => v.name)).toEqual(['pvc-e']);
    expect(last.nextToken).toBeUndefined();
    expect((await client.listVolumes()).items).toHaveLength(5);
    const a = (await client.findVolumeByName('pvc-a'))?.id as string;
    await client.createSnapshot({ name: 's1', volume_id: a });
    await client.createSnapshot({ name: 's2', volume_id: a });
    const all = await client.listSnapshots();
    expect(all.items.map((s) => s.name)).toEqual(['s1', 's2']);
    const byName = await client.listSnapshots({ name: 's2' });
    expect(byName.items.map((s) => s.volume_id)).toEqual([a]);
    const paged = await client.listSnapshots({ volumeId: a }, { limit: 1 });
    expect(paged.items).toHaveLength(1);
    expect(paged.nextToken).toBe('1');
  });

  it('reports capabilities and capacity', async () => {
    const { client } = await startStack({ sim: { pool: { name: 'tank', capacity: 10 * GiB } } });
    const caps = await client.capabilities();
    expect(caps?.provider).toMatchObject({ name: 'truenas', array_version: 'TrueNAS-25.10.6' });
    expect(caps?.features).toMatchObject({
      capacity: true,
      chap: true,
      list_pagination: true,
      volume_groups: true,
      snapshot_groups: true,
    });
    expect(caps?.config_keys).toContain('volblocksize');
    expect(await client.queryCapacity({})).toMatchObject({ available_bytes: 10 * GiB, total_bytes: 10 * GiB });
    await client.createVolume({ name: 'thick', size: 2 * GiB, config: { sparse: 'false' } });
    const capacity = await client.queryCapacity({ sparse: false });
    expect(capacity.available_bytes).toBe(8 * GiB);
    expect(capacity.maximum_volume_size).toBe(Math.floor((8 * GiB * 0.8) / 16384) * 16384);
  });

  it('works against TrueNAS 26 on the current API endpoint', async () => {
    const { sim, client } = await startStack({ sim: { version: '26.0.0' }, args: ['--api-version', 'current'] });
    expect((await client.capabilities())?.provider?.array_version).toBe('TrueNAS-26.0.0');
    await client.upsertHost({ uuid: 'n26', iqns: [iqn('n26')] });
    const volume = await client.createVolume({ name: 'pvc-26', size: 16 * MiB });
    const info = await client.publishVolume(volume.id, { host_uuid: 'n26' });
    sim.iscsiLogin({ target: info.target_names[0] as string, initiator: iqn('n26') });
    sim.iscsiLogout(info.target_names[0] as string, iqn('n26'));
    await client.unpublishVolume(volume.id, { host_uuid: 'n26' });
    await client.deleteVolume(volume.id);
    await client.deleteHostByUuid('n26');
    expect(sim.auditIsEmpty()).toBe(true);
  });
});
