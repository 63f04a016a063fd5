// The bridge's plan, apply and read against the fake configfs tree: a round trip reaches the
// desired state and a second sync changes nothing; changes touch only what changed.
import { describe, expect, it } from 'vitest';
import { LioBridge } from '../../src/lio/bridge.js';
import type { LioConfig, LioTarget } from '../../src/lio/model.js';
import { planLio } from '../../src/lio/plan.js';
import { readLio } from '../../src/lio/read.js';
import { FakeConfigFs, FakeLoops } from './fake-configfs.js';

const IQN = 'iqn.2005-10.org.freenas.ctl:vol1';
const NODE = 'iqn.1993-08.org.debian:01:node1';
const OTHER = 'iqn.1993-08.org.debian:01:node2';
const chap = { user: 'node-user', secret: 'node-secret-12' };

function target(overrides: Partial<LioTarget> = {}): LioTarget {
  return {
    iqn: IQN,
    portals: ['127.0.0.1:3260', '127.0.0.2:3260'],
    luns: [{ lun: 0, backstore: 'extent-1' }],
    acls: [{ initiator: NODE, chap, luns: [{ lun: 0, writeProtect: false }] }],
    openAccess: false,
    authentication: true,
    tpgChap: undefined,
    ...overrides,
  };
}

function setup(initial: LioConfig) {
  const fs = new FakeConfigFs();
  const loops = new FakeLoops();
  loops.files.set('/data/zvol-1.img', 1 << 30);
  loops.files.set('/data/zvol-2.img', 1 << 30);
  let desired = initial;
  const bridge = new LioBridge({
    fs,
    loops,
    hba: 7100,
    owns: (iqn) => iqn.startsWith('iqn.2005-10.org.freenas.ctl:'),
    desired: () => desired,
  });
  const scope = { fs, loops, hba: 7100, owns: (iqn: string) => iqn.startsWith('iqn.2005-10.org.freenas.ctl:') };
  return {
    fs,
    loops,
    bridge,
    set: (next: LioConfig) => {
      desired = next;
    },
    pending: async () => planLio(desired, await readLio(scope)),
    found: () => readLio(scope),
  };
}

const backstore = { name: 'extent-1', file: '/data/zvol-1.img', serial: 'a1b2c3d4e5f6a7b', companyId: 0x589cfc };

describe('LIO bridge', () => {
  it('builds a target with portals, a LUN, an ACL with CHAP and a mapped LUN, then has nothing left to do', async () => {
    const t = setup({ backstores: [backstore], targets: [target()] });
    await t.bridge.sync();
    expect(await t.pending()).toEqual([]);
    const found = await t.found();
    expect(found.targets).toEqual([target()]);
    expect(found.backstores).toEqual([
      { ...backstore, device: '/dev/loop0', deviceBytes: 1 << 30, fileBytes: 1 << 30 },
    ]);
    expect(await t.fs.read(`iscsi/${IQN}/tpgt_1/enable`)).toBe('1');
    expect(await t.fs.read('core/iblock_7100/extent-1/wwn/company_id')).toBe('0x589cfc');
  });

  it('publishing to a second node adds its ACL only; unpublishing removes it only', async () => {
    const t = setup({ backstores: [backstore], targets: [target()] });
    await t.bridge.sync();
    const second = { initiator: OTHER, chap, luns: [{ lun: 0, writeProtect: false }] };
    t.set({ backstores: [backstore], targets: [target({ acls: [...target().acls, second] })] });
    t.fs.calls.length = 0;
    await t.bridge.sync();
    expect(t.fs.calls.filter((c) => !c.startsWith('write'))).toEqual([
      `mkdir iscsi/${IQN}/tpgt_1/acls/${OTHER}`,
      `mkdir iscsi/${IQN}/tpgt_1/acls/${OTHER}/lun_0`,
      `link iscsi/${IQN}/tpgt_1/acls/${OTHER}/lun_0/lun -> iscsi/${IQN}/tpgt_1/lun/lun_0`,
    ]);
    t.set({ backstores: [backstore], targets: [target()] });
    t.fs.calls.length = 0;
    await t.bridge.sync();
    expect(t.fs.calls).toEqual([
      `unlink iscsi/${IQN}/tpgt_1/acls/${OTHER}/lun_0/lun`,
      `rmdir iscsi/${IQN}/tpgt_1/acls/${OTHER}/lun_0`,
      `rmdir iscsi/${IQN}/tpgt_1/acls/${OTHER}`,
    ]);
  });

  it('the last unpublish leaves the target without portals or ACLs', async () => {
    const t = setup({ backstores: [backstore], targets: [target()] });
    await t.bridge.sync();
    t.set({ backstores: [backstore], targets: [target({ portals: [], acls: [], authentication: false })] });
    await t.bridge.sync();
    const [found] = (await t.found()).targets;
    expect(found?.portals).toEqual([]);
    expect(found?.acls).toEqual([]);
    expect(found?.luns).toEqual([{ lun: 0, backstore: 'extent-1' }]);
  });

  it('changes CHAP in place, and clears the mutual account with NULL', async () => {
    const mutual = { ...chap, mutualUser: 'array', mutualSecret: 'array-secret-34' };
    const t = setup({
      backstores: [backstore],
      targets: [target({ acls: [{ initiator: NODE, chap: mutual, luns: [{ lun: 0, writeProtect: false }] }] })],
    });
    await t.bridge.sync();
    expect((await t.found()).targets[0]?.acls[0]?.chap).toEqual(mutual);
    t.set({ backstores: [backstore], targets: [target()] });
    await t.bridge.sync();
    expect(await t.fs.read(`iscsi/${IQN}/tpgt_1/acls/${NODE}/auth/userid_mutual`)).toBe('NULL');
    expect((await t.found()).targets[0]?.acls[0]?.chap).toEqual(chap);
    expect(await t.pending()).toEqual([]);
  });

  it('a grown volume is refreshed into its loop device', async () => {
    const t = setup({ backstores: [backstore], targets: [target()] });
    await t.bridge.sync();
    t.loops.files.set('/data/zvol-1.img', 2 << 30);
    expect(await t.pending()).toEqual([{ op: 'refreshBackstore', name: 'extent-1', device: '/dev/loop0' }]);
    await t.bridge.sync();
    expect(await t.loops.deviceBytes('/dev/loop0')).toBe(2 << 30);
  });

  it('a LUN moved to another backstore is unmapped, relinked and mapped again', async () => {
    const other = { ...backstore, name: 'extent-2', file: '/data/zvol-2.img', serial: 'ffff0000ffff000' };
    const t = setup({ backstores: [backstore], targets: [target()] });
    await t.bridge.sync();
    t.set({ backstores: [other], targets: [target({ luns: [{ lun: 0, backstore: 'extent-2' }] })] });
    await t.bridge.sync();
    expect(await t.pending()).toEqual([]);
    expect((await t.found()).backstores.map((b) => [b.name, b.serial])).toEqual([['extent-2', other.serial]]);
    expect(t.loops.devices.size).toBe(1);
  });

  it('a target open to any initiator uses demo mode and the TPG-wide CHAP account', async () => {
    const t = setup({ backstores: [backstore], targets: [target({ acls: [], openAccess: true, tpgChap: chap })] });
    await t.bridge.sync();
    expect(await t.fs.read(`iscsi/${IQN}/tpgt_1/attrib/generate_node_acls`)).toBe('1');
    expect(await t.fs.read(`iscsi/${IQN}/tpgt_1/attrib/demo_mode_write_protect`)).toBe('0');
    expect(await t.fs.read(`iscsi/${IQN}/tpgt_1/auth/userid`)).toBe(chap.user);
    expect(await t.pending()).toEqual([]);
  });

  it('reports sessions from the ACLs, and close() removes everything it made', async () => {
    const t = setup({ backstores: [backstore], targets: [target()] });
    await t.bridge.sync();
    await t.fs.mkdir('iscsi/iqn.2003-01.org.linux-iscsi.other:keep');
    t.fs.login(IQN, NODE, '127.0.0.2');
    expect(await t.bridge.sessions()).toEqual([{ target: IQN, initiator: NODE, address: '127.0.0.2' }]);
    await t.bridge.close();
    expect(t.fs.madePaths()).toEqual(['iscsi/iqn.2003-01.org.linux-iscsi.other:keep']);
    expect(t.loops.devices.size).toBe(0);
  });

  it('concurrent syncs share a run, and a sync asked for during a run gets the next one', async () => {
    const t = setup({ backstores: [], targets: [] });
    const first = t.bridge.sync();
    t.set({ backstores: [backstore], targets: [target()] });
    const [, second, third] = [first, t.bridge.sync(), t.bridge.sync()];
    expect(second).toBe(third);
    await Promise.all([first, second]);
    expect(await t.pending()).toEqual([]);
  });

  it('names the step that failed', async () => {
    const t = setup({
      backstores: [backstore],
      targets: [target({ acls: [{ initiator: 'bad/name', chap, luns: [] }] })],
    });
    await expect(t.bridge.sync()).rejects.toThrow(
      /LIO addAcl .* failed: initiator "bad\/name" cannot be a configfs name/,
    );
  });
});
