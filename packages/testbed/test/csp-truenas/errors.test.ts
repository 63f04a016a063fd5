import { CspHttpError } from '@opencsp/csp-spec/client';
import { describe, expect, it } from 'vitest';
import { failure, GiB, iqn, MiB, startStack } from './stack.js';

describe('csp-truenas errors', () => {
  it('refuses duplicate names, unknown ids and bad config with the contract codes', async () => {
    const { sim, client } = await startStack();
    const volume = await client.createVolume({ name: 'pvc-dup', size: 16 * MiB });
    expect(await failure(client.createVolume({ name: 'pvc-dup', size: 16 * MiB }))).toMatchObject({
      status: 409,
      reason: 'NAME_TAKEN',
    });
    expect(await failure(client.getVolume('tank~k8s~nope'))).toMatchObject({ status: 404, reason: 'NOT_FOUND' });
    expect(await failure(client.getVolume('tank~other~pvc-dup'))).toMatchObject({ status: 404 });
    expect(await failure(client.getVolume('tank~k8s'))).toMatchObject({ status: 404 });
    expect(await failure(client.deleteVolume('tank~k8s~nope'))).toMatchObject({ status: 404 });
    expect(await failure(client.createVolume({ name: 'x', size: MiB, config: { tier: 'gold' } }))).toMatchObject({
      status: 400,
      field: 'config.tier',
    });
    expect(await failure(client.createVolume({ name: 'x', size: MiB, config: { volblocksize: '3K' } }))).toMatchObject({
      status: 400,
      field: 'config.volblocksize',
    });
    expect(
      await failure(client.createVolume({ name: 'x', size: MiB, config: { parent_dataset: 'tank/other' } })),
    ).toMatchObject({
      status: 400,
      field: 'config.parent_dataset',
    });
    expect(await failure(client.createVolume({ name: 'x', size: MiB, config: { sparse: 'maybe' } }))).toMatchObject({
      status: 400,
      field: 'config.sparse',
    });
    // Found by the fuzz test: the largest contract size rounds up past 2^53 - 1, which no JSON
    // number holds exactly; refused before the array sees it.
    for (const attempt of [
      () => client.updateVolume(volume.id, { size: Number.MAX_SAFE_INTEGER }),
      () => client.createVolume({ name: 'huge', size: Number.MAX_SAFE_INTEGER, config: { sparse: true } }),
    ]) {
      expect(await failure(attempt())).toMatchObject({ status: 400, field: 'body.size' });
    }
    expect((await client.getVolume(volume.id)).size).toBe(16 * MiB);
    expect(await client.findVolumeByName('huge')).toBeUndefined();
    expect(await failure(client.updateVolume(volume.id, { config: { volblocksize: '64K' } }))).toMatchObject({
      status: 400,
      field: 'body.config.volblocksize',
    });
    const edited = await client.updateVolume(volume.id, {
      config: { compression: 'zstd', volblocksize: '16K' },
      description: 'edited',
    });
    expect(edited.config).toMatchObject({ compression: 'ZSTD', volblocksize: '16K' });
    expect(edited.description).toBe('edited');
    expect(
      await failure(client.createVolume({ name: 'c', clone: true, base_snapshot_id: `${volume.id}@none` })),
    ).toMatchObject({
      status: 404,
    });
    expect(await failure(client.publishVolume(volume.id, { host_uuid: 'ghost' }))).toMatchObject({ status: 404 });
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')] });
    await client.publishVolume(volume.id, { host_uuid: 'n1' });
    expect(await failure(client.publishVolume(volume.id, { host_uuid: 'n1', read_only: true }))).toMatchObject({
      status: 409,
      reason: 'ACCESS_MISMATCH',
    });
    expect(await failure(client.deleteHostByUuid('n1'))).toMatchObject({ status: 409, reason: 'HAS_DEPENDENTS' });
    await client.deleteVolume(volume.id, { force: true });
    await client.deleteHostByUuid('n1');
    expect(await failure(client.deleteHost('n1'))).toMatchObject({ status: 404 });
    await client.deleteHostByUuid('n1');
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('refuses a zvol name held by a dataset the CSP does not manage', async () => {
    const { sim, client } = await startStack();
    await sim.seedZvols([{ dataset: 'tank/k8s/foreign', volsize: 16 * MiB }]);
    expect(await failure(client.createVolume({ name: 'foreign', size: 16 * MiB }))).toMatchObject({
      status: 409,
      reason: 'NAME_TAKEN',
    });
    expect(await client.findVolumeByName('foreign')).toBeUndefined();
    expect(await failure(client.getVolume('tank~k8s~foreign'))).toMatchObject({ status: 404 });
  });

  it('answers 507 when a thick volume does not fit, and honours the 80% rule', async () => {
    const { client } = await startStack({ sim: { pool: { name: 'tank', capacity: 10 * GiB } } });
    const thick = { sparse: 'false' };
    expect(await failure(client.createVolume({ name: 'big', size: 11 * GiB, config: thick }))).toMatchObject({
      status: 507,
      reason: 'OUT_OF_SPACE',
    });
    const rule = await failure(client.createVolume({ name: 'big', size: 9 * GiB, config: thick }));
    expect(rule).toMatchObject({ status: 507 });
    expect(rule.message).toMatch(/80%/);
    const thin = await client.createVolume({ name: 'thin', size: 50 * GiB });
    expect(thin.size).toBe(50 * GiB);
    const ok = await client.createVolume({ name: 'thick', size: 4 * GiB, config: thick });
    expect(await failure(client.updateVolume(ok.id, { size: 9 * GiB }))).toMatchObject({ status: 507 });
  });

  it('validates hosts and CHAP secrets without echoing them', async () => {
    const { client } = await startStack();
    const short = await failure(
      client.upsertHost({ uuid: 'n', iqns: [iqn('n')], chap_user: 'u', chap_password: 'short-pw' }),
    );
    expect(short).toMatchObject({ status: 400, field: 'body.chap_password' });
    expect(short.message).not.toContain('short-pw');
    expect(await failure(client.upsertHost({ uuid: 'n', wwpns: ['10:00:00:00:c9:22:fc:01'] }))).toMatchObject({
      status: 400,
      field: 'body.iqns',
    });
    expect(
      await failure(
        client.upsertHost({
          uuid: 'n',
          iqns: [iqn('n')],
          chap_user: 'u',
          chap_password: 'secret-12345',
          chap_mutual_user: 'a',
          chap_mutual_password: 'secret-12345',
        }),
      ),
    ).toMatchObject({ status: 400, field: 'body.chap_mutual_password' });
  });

  it('refuses a plain API key over ws:// before sending it, so the key is not revoked', async () => {
    const { sim, anonymous } = await startStack({ sim: { apiKey: true } });
    const client = anonymous();
    const refused = await client
      .login({ username: sim.username, password: sim.apiKey as string })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CspHttpError);
    expect((refused as CspHttpError).status).toBe(400);
    expect((refused as CspHttpError).detail).toMatch(
      /could be an API key, and this array is reached over plain ws:\/\//,
    );
    expect(sim.core.apiKeys[0]?.revoked).toBe(false);
    expect(sim.calls.byMethod()['auth.login_ex']).toBe(1);
    const wrong = await client.login({ username: sim.username, password: 'not-the-password' }).catch((e: unknown) => e);
    expect((wrong as CspHttpError).status).toBe(401);
    const unknownArray = await client
      .login({ username: 'a', password: 'b', array_ip: 'bad host!' })
      .catch((e: unknown) => e);
    expect((unknownArray as CspHttpError).status).toBe(400);
  });
});
