// CreateVolume's iSCSI objects: the extent comes with a serial of the CSP's own (sparing the
// middleware its listing of every serial), a taken serial is drawn again, and extent and target
// are created at once, with an undo that waits for both and leaves nothing whichever fails first.
import { describe, expect, it } from 'vitest';
import { failure, MiB, startStack } from './stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('csp-truenas iSCSI objects of a new volume', () => {
  it('sends its own 15-hex-digit serial, and draws another when the array says it is taken', async () => {
    const { sim, client } = await startStack();
    const { extents } = sim.core.iscsi;
    const listing = extents.rowsRead;
    sim.failNext('iscsi.extent.create', {
      attribute: 'iscsi_extent_create.serial',
      message: 'Serial number must be unique',
    });
    const volume = await client.createVolume({ name: 'pvc-serial', size: 16 * MiB });
    const serials = extents.rows().map((e) => e.serial);
    expect(serials).toHaveLength(1);
    expect(serials[0]).toMatch(/^[0-9a-f]{15}$/);
    expect(sim.calls.byMethod()['iscsi.extent.create']).toBe(2);
    // Every extent read is a whole-table read the middleware cannot skip: the flattened names and
    // the disk check (of an empty table), the read-back and the LUN map's summary (one extent
    // each). No listing of serials.
    expect(extents.rowsRead - listing).toBe(2);
    await client.deleteVolume(volume.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  it('has the extent and target creates in flight together', async () => {
    const { sim, client } = await startStack();
    let inFlight = 0;
    let most = 0;
    const enter = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(100);
      inFlight--;
    };
    sim.beforeNext('iscsi.extent.create', enter);
    sim.beforeNext('iscsi.target.create', enter);
    const volume = await client.createVolume({ name: 'pvc-both', size: 16 * MiB });
    expect(most).toBe(2);
    await client.deleteVolume(volume.id);
    expect(sim.auditIsEmpty()).toBe(true);
  });

  for (const [fails, slow] of [
    ['iscsi.extent.create', 'iscsi.target.create'],
    ['iscsi.target.create', 'iscsi.extent.create'],
  ] as const) {
    it(`leaves nothing when ${fails} fails while ${slow} is still running`, async () => {
      const { sim, client } = await startStack();
      let slowDone = false;
      sim.beforeNext(slow, async () => {
        await sleep(150);
        slowDone = true;
      });
      let undoneAfter: boolean | undefined;
      for (const undo of ['iscsi.target.delete', 'iscsi.extent.delete']) {
        sim.beforeNext(undo, () => {
          undoneAfter ??= slowDone;
        });
      }
      sim.failNext(fails, { errno: 'EIO', message: 'I/O error' });
      expect((await failure(client.createVolume({ name: 'pvc-half', size: 16 * MiB }))).status).toBe(500);
      expect(slowDone).toBe(true);
      expect(undoneAfter).toBe(true);
      expect(sim.audit()).toMatchObject({ datasets: [], targets: [], extents: [], targetextents: [] });
      expect(sim.auditIsEmpty()).toBe(true);
      // The name is free again: a retry creates the volume.
      const volume = await client.createVolume({ name: 'pvc-half', size: 16 * MiB });
      await client.deleteVolume(volume.id);
      expect(sim.auditIsEmpty()).toBe(true);
    });
  }

  it("removes the target it made when the extent's name belongs to someone else, and touches nothing of theirs", async () => {
    const { sim, client } = await startStack({ sim: { datasets: ['tank/k8s', 'tank/elsewhere'] } });
    const zvol = await sim.seedZvols([
      { dataset: 'tank/elsewhere/pvc-theirs', volsize: 16 * MiB, iscsi: { targetName: 'x', extentName: 'pvc-theirs' } },
    ]);
    sim.acceptCurrentState();
    const theirs = sim.core.iscsi.extents.find((e) => e.name === 'pvc-theirs');
    const refused = await failure(client.createVolume({ name: 'pvc-theirs', size: 16 * MiB }));
    expect(refused).toMatchObject({ status: 409, reason: 'NAME_TAKEN' });
    expect(refused.message).toMatch(/serves zvol\/tank\/elsewhere\/pvc-theirs/);
    expect(sim.auditIsEmpty()).toBe(true);
    expect(sim.core.iscsi.targets.find((t) => t.name === 'pvc-theirs')).toBeUndefined();
    expect(sim.core.iscsi.extents.find((e) => e.name === 'pvc-theirs')).toEqual(theirs);
    expect(zvol).toHaveLength(1);
  });

  // The double fault: the extent's name is someone else's, and the connection drops while the
  // target create is under way, once the extent create was answered (its refusal is a 409; had
  // that answer gone down with the connection too, the create would answer 503). The target create
  // then runs with nobody to hear its answer (made, or refused when their target has the name),
  // or never runs.
  for (const [runs, theirTarget] of [
    [true, 'x'],
    [false, 'x'],
    [true, 'pvc-theirs'],
    [false, 'pvc-theirs'],
  ] as const) {
    it(`leaves nothing of its own and touches nothing of theirs when the extent is foreign and the target create ${runs ? 'runs' : 'never runs'} after the connection drops (their target: ${theirTarget})`, async () => {
      const { sim, client } = await startStack({ sim: { datasets: ['tank/k8s', 'tank/elsewhere'] } });
      await sim.seedZvols([
        {
          dataset: 'tank/elsewhere/pvc-theirs',
          volsize: 16 * MiB,
          iscsi: { targetName: theirTarget, extentName: 'pvc-theirs' },
        },
      ]);
      sim.acceptCurrentState();
      const theirs = JSON.stringify([sim.core.iscsi.targets.rows(), sim.core.iscsi.extents.rows()]);
      sim.beforeNext('iscsi.target.create', async () => {
        while (!sim.calls.byMethod()['iscsi.extent.create']) {
          await sleep(10);
        }
        await sleep(100);
        sim.dropConnections();
        if (!runs) {
          throw new Error('dropped before it ran');
        }
      });
      const refused = await failure(client.createVolume({ name: 'pvc-theirs', size: 16 * MiB }));
      expect(refused).toMatchObject({ status: 409, reason: 'NAME_TAKEN' });
      expect(sim.calls.byMethod()['iscsi.target.create']).toBe(1);
      expect(sim.auditIsEmpty()).toBe(true);
      expect(JSON.stringify([sim.core.iscsi.targets.rows(), sim.core.iscsi.extents.rows()])).toBe(theirs);
    });
  }
});
