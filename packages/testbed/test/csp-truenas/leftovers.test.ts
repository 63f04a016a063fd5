// Issue 12, item 8: objects a failed or interrupted request leaves under a volume's name. A create
// adopts them (no name answers 409 forever) and a delete removes every object of the volume found
// by name, also when the zvol itself is gone. Each case would strand objects with the rollback
// that trusted the ids it had in hand.
import { describe, expect, it } from 'vitest';
import { failure as fail, iqn, MiB, startStack } from './stack.js';

describe('csp-truenas objects left under a volume name', () => {
  it('resumes a create whose rollback failed half-way, instead of answering 409 for ever', async () => {
    const { sim, client } = await startStack();
    sim.failNext('iscsi.targetextent.create', { errno: 'EIO', message: 'I/O error' });
    sim.failNext('iscsi.target.delete', { errno: 'EIO', message: 'I/O error' });
    const failed = await fail(client.createVolume({ name: 'pvc-half', size: 16 * MiB }));
    expect(failed.status).toBe(500);
    expect(sim.audit().targets.map((t) => t.name)).toEqual(['pvc-half']);
    expect(await client.findVolumeByName('pvc-half')).toBeUndefined();

    const volume = await client.createVolume({ name: 'pvc-half', size: 16 * MiB });
    expect(volume.health).toEqual({ abnormal: false, message: 'ok' });
    const audit = sim.audit();
    expect([audit.datasets.length, audit.targets.length, audit.extents.length, audit.targetextents.length]).toEqual([
      1, 1, 1, 1,
    ]);
    await client.deleteVolume(volume.id);
    expect(sim.audit()).toMatchObject({ datasets: [], targets: [], extents: [], targetextents: [] });
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('never takes a zvol whose undo failed for a complete volume, even when its record was written', async () => {
    const { sim, client } = await startStack();
    // The record of the iSCSI ids is written, but its answer is lost with the connection...
    sim.setKnobs({ dropPhase: 'after' });
    let dropped = false;
    const pick = sim.core.faults.pick.bind(sim.core.faults);
    sim.core.faults.pick = (method: string) => {
      if (method === 'pool.dataset.update' && !dropped) {
        dropped = true;
        return 'drop';
      }
      return pick(method);
    };
    // ...and the undo's last step, the zvol's removal, fails.
    sim.failNext('pool.dataset.delete', { errno: 'EIO', message: 'I/O error' });
    expect((await fail(client.createVolume({ name: 'pvc-record', size: 16 * MiB }))).status).toBe(503);
    expect(dropped).toBe(true);
    expect(await client.findVolumeByName('pvc-record')).toBeUndefined();
    const volume = await client.createVolume({ name: 'pvc-record', size: 16 * MiB });
    expect(volume.health).toEqual({ abnormal: false, message: 'ok' });
    expect(sim.audit().targets.map((t) => t.name)).toEqual(['pvc-record']);
    await client.deleteVolume(volume.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('replaces what a removed zvol of the same name under another parent left, and refuses foreign extents', async () => {
    const { sim, client } = await startStack({
      sim: { datasets: ['tank/k8s', 'tank/other'] },
      args: ['--parent-datasets', 'tank/k8s,tank/other'],
    });
    const first = await client.createVolume({
      name: 'pvc-moved',
      size: 16 * MiB,
      config: { parent_dataset: 'tank/other' },
    });
    expect(first.id).toBe('tank~other~pvc-moved');
    // The zvol is destroyed on the array; its extent, target and LUN stay behind.
    sim.core.zfs.removeDataset('tank/other/pvc-moved');
    const moved = await client.createVolume({ name: 'pvc-moved', size: 16 * MiB });
    expect(moved.id).toBe('tank~k8s~pvc-moved');
    const audit = sim.audit();
    expect(audit.extents.map((e) => e.disk)).toEqual(['zvol/tank/k8s/pvc-moved']);
    expect([audit.targets.length, audit.targetextents.length]).toEqual([1, 1]);
    await client.deleteVolume(moved.id);
    expect(sim.auditIsEmpty()).toBe(true);

    // An extent of that name on a disk this CSP does not manage is someone else's: 409, untouched.
    const foreign = await client.createVolume({ name: 'pvc-foreign', size: 16 * MiB });
    sim.core.zfs.removeDataset('tank/k8s/pvc-foreign');
    const extent = sim.core.iscsi.extents.find((e) => e.name === 'pvc-foreign');
    if (extent) {
      extent.path = 'zvol/tank/elsewhere/pvc-foreign';
    }
    const refused = await fail(client.createVolume({ name: 'pvc-foreign', size: 16 * MiB }));
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/serves zvol\/tank\/elsewhere\/pvc-foreign/);
    expect(foreign.id).toBe('tank~k8s~pvc-foreign');
  });

  it('adopts an initiator group whose create answer was lost, and leaves none after unpublish', async () => {
    const { sim, client } = await startStack();
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')] });
    const volume = await client.createVolume({ name: 'pvc-lost-group', size: 16 * MiB });
    sim.setKnobs({ dropPhase: 'after' });
    sim.setFaults({ dropRate: 1, methods: /^iscsi\.initiator\.create$/ });
    expect((await fail(client.publishVolume(volume.id, { host_uuid: 'n1' }))).status).toBe(503);
    sim.setFaults({ dropRate: 0, methods: undefined });
    await client.publishVolume(volume.id, { host_uuid: 'n1' });
    const groups = () => sim.audit().initiators.filter((g) => g.comment.startsWith('opencsp:volume:'));
    expect(groups()).toHaveLength(1);
    await client.unpublishVolume(volume.id, { host_uuid: 'n1' });
    expect(groups()).toEqual([]);
    await client.deleteVolume(volume.id);
    await client.deleteHostByUuid('n1');
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('removes the target, extent and initiator group of a volume whose zvol is gone', async () => {
    const { sim, client } = await startStack();
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')] });
    const volume = await client.createVolume({ name: 'pvc-gone', size: 16 * MiB });
    await client.publishVolume(volume.id, { host_uuid: 'n1' });
    // An administrator destroys the zvol on the array; its iSCSI objects stay behind.
    sim.core.zfs.removeDataset('tank/k8s/pvc-gone');
    expect(sim.audit().targets).toHaveLength(1);
    expect((await fail(client.deleteVolume(volume.id, { force: true }))).status).toBe(404);
    await client.deleteHostByUuid('n1');
    expect(sim.audit()).toMatchObject({ targets: [], extents: [], targetextents: [], initiators: [] });
  });
});
