import { afterEach, describe, expect, it } from 'vitest';
import { failure } from './errors.js';
import { GiB, type Stack, startStack } from './stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('csp-synology names, config and concurrency', () => {
  it('keeps any CSI name: underscores and colons are escaped into DSM names, longer ones hashed, and all come back unchanged', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    const name = 'Data_Set:2024.x';
    const volume = await client.createVolume({ name, size: GiB });
    expect(volume.name).toBe(name);
    expect((await sim.audit()).luns[0]?.name).toBe('k8s-Data:uSet::2024.x');
    expect((await client.findVolumeByName(name))?.id).toBe(volume.id);
    const longest = 'a'.repeat(128);
    const long = await client.createVolume({ name: longest, size: GiB });
    expect(long.name).toBe(longest);
    // Escaped, 100 underscores exceed DSM's 200 characters: the LUN name is hashed, the name kept.
    const underscores = '_'.repeat(100);
    const hashed = await client.createVolume({ name: underscores, size: GiB });
    expect(hashed.name).toBe(underscores);
    expect((await client.findVolumeByName(underscores))?.id).toBe(hashed.id);
    const tooLong = await failure(client.createVolume({ name: 'a'.repeat(129), size: GiB }));
    expect(tooLong).toMatchObject({ status: 400, field: 'body.name' });
    await client.deleteVolume(volume.id);
    await client.deleteVolume(long.id);
    await client.deleteVolume(hashed.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('refuses unknown or unsuitable config with the key named, and honours thick provisioning', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    expect(await failure(client.createVolume({ name: 'v', size: GiB, config: { volblocksize: '16K' } }))).toMatchObject(
      { status: 400, field: 'config.volblocksize' },
    );
    expect(await failure(client.createVolume({ name: 'v', size: GiB, config: { lun_type: 'ADV' } }))).toMatchObject({
      status: 400,
      field: 'config.lun_type',
    });
    expect(await failure(client.createVolume({ name: 'v', size: GiB, config: { location: 'volume9' } }))).toMatchObject(
      { status: 400, field: 'config.location' },
    );
    expect(await failure(client.createVolume({ name: 'v', size: GiB, config: { provisioning: 'fat' } }))).toMatchObject(
      { field: 'config.provisioning' },
    );
    const thick = await client.createVolume({
      name: 'thick',
      size: GiB,
      config: { provisioning: 'thick', location: '/volume2' },
    });
    expect(thick.config).toMatchObject({ lun_type: 'FILE', location: '/volume2' });
    expect(await failure(client.updateVolume(thick.id, { config: { location: 'volume1' } }))).toMatchObject({
      field: 'body.config.location',
    });
    expect(await failure(client.updateVolume(thick.id, { config: { no_such: '1' } }))).toMatchObject({
      field: 'body.config.no_such',
    });
    // Same value: a no-op; the refusal of a changed immutable key leaves the valid edits undone.
    const same = await client.updateVolume(thick.id, { config: { location: '/volume2', provisioning: 'thick' } });
    expect(same.config).toMatchObject({ location: '/volume2', provisioning: 'thick', space_reclamation: 'false' });
    expect(
      await failure(client.updateVolume(thick.id, { config: { space_reclamation: 'true', lun_type: 'BLUN' } })),
    ).toMatchObject({ field: 'body.config.lun_type' });
    expect((await client.getVolume(thick.id)).config?.space_reclamation).toBe('false');
    const reclaiming = await client.updateVolume(thick.id, { config: { space_reclamation: 'true' } });
    expect(reclaiming.config?.space_reclamation).toBe('true');
    const lun = [...sim.state.luns.values()].find((l) => thick.id.endsWith(l.uuid));
    expect(lun?.devAttribs.emulate_tpu).toBe(1);
    await client.deleteVolume(thick.id);
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('makes a LUN that honours FUA and SYNCHRONIZE CACHE on request, and changes both on a live LUN', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    const attribs = (id: string) => {
      const lun = [...sim.state.luns.values()].find((l) => id.endsWith(l.uuid));
      return [lun?.devAttribs.emulate_fua_write, lun?.devAttribs.emulate_sync_cache];
    };
    const plain = await client.createVolume({ name: 'plain', size: GiB });
    expect(plain.config?.fua_sync_cache).toBe('false');
    expect(attribs(plain.id)).toEqual([0, 0]);
    const durable = await client.createVolume({ name: 'durable', size: GiB, config: { fua_sync_cache: 'true' } });
    expect(durable.config?.fua_sync_cache).toBe('true');
    expect(attribs(durable.id)).toEqual([1, 1]);
    expect(await failure(client.updateVolume(plain.id, { config: { fua_sync_cache: 'often' } }))).toMatchObject({
      status: 400,
      field: 'body.config.fua_sync_cache',
    });
    const changed = await client.updateVolume(plain.id, { config: { fua_sync_cache: 'true' } });
    expect(changed.config).toMatchObject({ fua_sync_cache: 'true', space_reclamation: 'true' });
    expect(attribs(plain.id)).toEqual([1, 1]);
    expect(
      (await client.updateVolume(durable.id, { config: { fua_sync_cache: 'false' } })).config?.fua_sync_cache,
    ).toBe('false');
    expect(attribs(durable.id)).toEqual([0, 0]);
    // A clone starts with its source's attributes; the ones its config names are set on it.
    const clone = await client.createVolume({
      name: 'clone',
      size: GiB,
      config: { clone_of: durable.id, fua_sync_cache: 'true' },
    });
    expect(clone.config?.fua_sync_cache).toBe('true');
    expect(attribs(clone.id)).toEqual([1, 1]);
    const sameAsSource = await client.createVolume({ name: 'copy', size: GiB, config: { clone_of: plain.id } });
    expect(sameAsSource.config?.fua_sync_cache).toBe('true');
    for (const volume of [clone, sameAsSource, plain, durable]) {
      await client.deleteVolume(volume.id);
    }
    expect((await sim.audit()).leaks).toEqual([]);
  });

  it('treats ids it never issued as not found and ids of another NAS as an error, and ignores foreign LUNs', async () => {
    stack = await startStack({ sim: { ownerObjects: true } });
    const { client, sim } = stack;
    expect((await failure(client.getVolume('no-such-volume')))?.status).toBe(404);
    expect((await failure(client.deleteVolume('X~00000000-0000-0000-0000-000000000000')))?.status).toBe(400);
    const foreign = [...sim.state.luns.values()][0];
    expect((await failure(client.getVolume(`${sim.serial}~${foreign?.uuid}`)))?.status).toBe(404);
    expect((await client.listVolumes()).items).toEqual([]);
    expect((await failure(client.getSnapshot(`${sim.serial}~${foreign?.uuid}~${foreign?.uuid}`)))?.status).toBe(404);
  });

  it('pages volume lists and serialises concurrent duplicate creates: one wins, nothing leaks', async () => {
    stack = await startStack();
    const { client, sim } = stack;
    const results = await Promise.allSettled([1, 2, 3].map(() => client.createVolume({ name: 'pvc-race', size: GiB })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const name of ['pvc-b', 'pvc-c']) {
      await client.createVolume({ name, size: GiB });
    }
    const first = await client.listVolumes({ limit: 2 });
    expect(first.items.map((v) => v.name)).toEqual(['pvc-b', 'pvc-c']);
    const second = await client.listVolumes({ limit: 2, startingToken: first.nextToken as string });
    expect(second.items.map((v) => v.name)).toEqual(['pvc-race']);
    expect(second.nextToken).toBeUndefined();
    for (const v of [...first.items, ...second.items]) {
      await client.deleteVolume(v.id);
    }
    expect((await sim.audit()).leaks).toEqual([]);
  });
});
