import { CspHttpError } from '@opencsp/csp-spec/client';
import { describe, expect, it } from 'vitest';
import { iqn, MiB, startStack } from './stack.js';

describe('csp-truenas against a misbehaving array', () => {
  it('reconnects and logs in again after the array drops every connection', async () => {
    const { sim, client } = await startStack();
    const volume = await client.createVolume({ name: 'pvc-r', size: 16 * MiB });
    const logins = sim.calls.byMethod()['auth.login_ex'] ?? 0;
    sim.dropConnections();
    expect(await client.getVolume(volume.id)).toMatchObject({ name: 'pvc-r' });
    expect(sim.calls.byMethod()['auth.login_ex']).toBeGreaterThan(logins);
    await client.deleteVolume(volume.id);
  });

  it('retries reads the array refuses as busy, and reports busy writes as 503', async () => {
    const { sim, client } = await startStack();
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')] });
    sim.setFaults({ busyRate: 0.3, methods: /\.query$/ });
    const volume = await client.createVolume({ name: 'pvc-busy', size: 16 * MiB });
    await client.publishVolume(volume.id, { host_uuid: 'n1' });
    await client.unpublishVolume(volume.id, { host_uuid: 'n1' });
    sim.setFaults({ busyRate: 1, methods: /^pool\.dataset\.delete$/ });
    const busy = await client.deleteVolume(volume.id).catch((e: unknown) => e);
    expect((busy as CspHttpError).status).toBe(503);
    sim.setFaults({ busyRate: 0, methods: undefined });
    await client.deleteVolume(volume.id);
    await client.deleteHostByUuid('n1');
    expect(sim.audit().datasets).toEqual([]);
  });

  it('resumes a create whose answer was lost after the array ran it', async () => {
    const { sim, client } = await startStack();
    sim.setKnobs({ dropPhase: 'after' });
    sim.setFaults({ dropRate: 1, methods: /^iscsi\.targetextent\.create$/ });
    const lost = await client.createVolume({ name: 'pvc-lost', size: 16 * MiB }).catch((e: unknown) => e);
    expect((lost as CspHttpError).status).toBe(503);
    sim.setFaults({ dropRate: 0, methods: undefined });
    expect(await client.findVolumeByName('pvc-lost')).toBeUndefined();
    const volume = await client.createVolume({ name: 'pvc-lost', size: 16 * MiB });
    expect(volume.health).toEqual({ abnormal: false, message: 'ok' });
    expect(sim.audit().targetextents).toHaveLength(1);
    await client.deleteVolume(volume.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('deletes a published volume whose target was removed on the array', async () => {
    const { sim, client } = await startStack();
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')] });
    const volume = await client.createVolume({ name: 'pvc-orphan', size: 16 * MiB });
    await client.publishVolume(volume.id, { host_uuid: 'n1' });
    const target = sim.core.iscsi.targets.find((t) => t.name === 'pvc-orphan');
    sim.core.iscsi.targets.delete(target?.id as number);
    await client.deleteVolume(volume.id, { force: true });
    await client.deleteHostByUuid('n1');
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('undoes a failed create completely', async () => {
    const { sim, client } = await startStack();
    sim.setFaults({ errorRate: 1, methods: /^iscsi\.target\.create$/ });
    const failed = await client.createVolume({ name: 'pvc-undo', size: 16 * MiB }).catch((e: unknown) => e);
    expect((failed as CspHttpError).status).toBe(500);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('times out slow calls with 503 and keeps at most 10 calls in flight per connection', async () => {
    const { sim, client } = await startStack({ args: ['--call-timeout', '300ms', '--connections', '1'] });
    const volume = await client.createVolume({ name: 'pvc-slow', size: 16 * MiB });
    sim.setFaults({ latencyMs: 60 });
    await Promise.all(Array.from({ length: 30 }, () => client.getVolume(volume.id)));
    expect(sim.core.peaks.inflight).toBeLessThanOrEqual(10);
    sim.setFaults({ latencyMs: 1000, methods: /^pool\.dataset\.update$/ });
    const slow = await client.updateVolume(volume.id, { size: 32 * MiB }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(CspHttpError);
    expect((slow as CspHttpError).status).toBe(503);
    expect((slow as CspHttpError).reason).toBe('TIMEOUT');
    sim.setFaults({ latencyMs: 0, methods: undefined });
    await client.deleteVolume(volume.id);
  });
});
