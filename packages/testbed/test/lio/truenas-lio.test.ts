// The TrueNAS simulator served by the (fake) LIO target, driven through csp-truenas: what the CSP
// configures on the array is what the kernel target would serve, step by step.
import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { lioNaa } from '../../src/lio/naa.js';
import { readLio } from '../../src/lio/read.js';
import { TRUENAS_COMPANY_ID } from '../../src/truenas/lio-target.js';
import { iqn, MiB, startStack } from '../csp-truenas/stack.js';
import { RawRpc } from '../truenas-sim/rpc-client.js';
import { FakeConfigFs, FakeLoops } from './fake-configfs.js';

const PORTALS = ['127.0.0.1:3260', '127.0.0.2:3260'];

async function lioStack() {
  const fs = new FakeConfigFs();
  const loops = new FakeLoops(async (file) => (await stat(file)).size);
  const stack = await startStack({
    sim: { portals: [{ ips: ['127.0.0.1', '127.0.0.2'] }], lioTarget: { fs, loops, hba: 7100 } },
  });
  const owns = (name: string) => name.startsWith('iqn.2005-10.org.freenas.ctl:');
  return { ...stack, fs, loops, found: () => readLio({ fs, loops, hba: 7100, owns }) };
}

describe('TrueNAS simulator on the LIO target', () => {
  it('serves each volume as a target whose ACLs and CHAP follow publish and unpublish', async () => {
    const { sim, client, fs, loops, found } = await lioStack();
    const chap = {
      chap_user: 'node-user',
      chap_password: 'chap-secret-01',
      chap_mutual_user: 'array-user',
      chap_mutual_password: 'array-secret-02',
    };
    await client.upsertHost({ uuid: 'n1', iqns: [iqn('n1')], ...chap });
    const volume = await client.createVolume({ name: 'pvc-lio', size: 32 * MiB });
    const [extent] = sim.core.iscsi.extents.rows();
    // The NAA the array reports (and the CSP hands the node) is the one LIO derives from the serial.
    expect(extent?.naa).toBe(`0x${lioNaa(TRUENAS_COMPANY_ID, extent?.serial ?? '')}`);
    expect(volume.serial_number).toBe(lioNaa(TRUENAS_COMPANY_ID, extent?.serial ?? ''));

    let lio = await found();
    expect(lio.backstores).toEqual([
      expect.objectContaining({ serial: extent?.serial, companyId: TRUENAS_COMPANY_ID, deviceBytes: 32 * MiB }),
    ]);
    const [unpublished] = lio.targets;
    expect(unpublished?.luns).toEqual([{ lun: 0, backstore: `truenas-extent-${extent?.id}` }]);
    expect(unpublished?.portals).toEqual([]);
    expect(unpublished?.acls).toEqual([]);

    const info = await client.publishVolume(volume.id, { host_uuid: 'n1' });
    lio = await found();
    const [published] = lio.targets;
    expect(published?.iqn).toBe(info.target_names[0]);
    expect(published?.portals).toEqual(PORTALS);
    expect(published?.authentication).toBe(true);
    expect(published?.openAccess).toBe(false);
    expect(published?.acls).toEqual([
      {
        initiator: iqn('n1'),
        chap: {
          user: 'node-user',
          secret: 'chap-secret-01',
          mutualUser: 'array-user',
          mutualSecret: 'array-secret-02',
        },
        luns: [{ lun: 0, writeProtect: false }],
      },
    ]);

    // Who is logged in comes from the kernel: the middleware's session list shows it.
    fs.login(info.target_names[0] as string, iqn('n1'));
    const rpc = await RawRpc.open(sim.url());
    try {
      await rpc.call('auth.login', [sim.username, sim.password]);
      const sessions = await rpc.call<Array<{ initiator: string }>>('iscsi.global.sessions', []);
      expect(sessions.map((s) => s.initiator)).toEqual([iqn('n1')]);
    } finally {
      await rpc.close();
    }

    await client.updateVolume(volume.id, { size: 64 * MiB });
    expect((await found()).backstores[0]?.deviceBytes).toBe(64 * MiB);

    await client.unpublishVolume(volume.id, { host_uuid: 'n1' });
    lio = await found();
    expect(lio.targets[0]?.acls).toEqual([]);
    expect(lio.targets[0]?.portals).toEqual([]);

    await client.deleteVolume(volume.id);
    expect(await found()).toEqual({ backstores: [], targets: [] });
    expect(loops.devices.size).toBe(0);
    await client.deleteHostByUuid('n1');
    await sim.stop();
    expect(fs.madePaths()).toEqual([]);
  });
});
