import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HostFiles, RootedHostFiles } from '../../src/host/files.js';
import { kernelSessions, parseSessionAttributes } from '../../src/host/iscsi-sessions.js';
import { type FixtureRoot, fixtureRoot } from './fixtures.js';

const pvcA = 'iqn.2005-10.org.freenas.ctl:pvc-a';
const pvcB = 'iqn.2000-01.com.synology:ds.pvc-b';

/** The fixture's files, with the socket attributes of connections 2 and 4 failing as the kernel's do. */
function withDownSockets(files: HostFiles): HostFiles & { reads: string[] } {
  const reads: string[] = [];
  return Object.assign(Object.create(files) as HostFiles, {
    reads,
    async readText(path: string) {
      reads.push(path);
      if (/connection[24]:0\/(address|port)$/.test(path)) {
        throw Object.assign(new Error(`ENOTCONN: socket is not connected, read '${path}'`), { code: 'ENOTCONN' });
      }
      return files.readText(path);
    },
  });
}

describe('parseSessionAttributes', () => {
  it('takes the persistent portal, brackets IPv6, and trims the newlines sysfs prints', () => {
    expect(
      parseSessionAttributes(3, {
        targetname: `${pvcB}\n`,
        state: 'LOGGED_IN\n',
        persistentAddress: 'fd00:10::5\n',
        persistentPort: '3260\n',
        address: 'fd00:0010:0000:0000:0000:0000:0000:0005\n',
        port: '3260\n',
      }),
    ).toEqual({ sid: 3, target: pvcB, portal: '[fd00:10::5]:3260', state: 'LOGGED_IN' });
  });

  it('falls back to the current address and port when a transport exports no persistent ones', () => {
    expect(
      parseSessionAttributes(7, {
        targetname: pvcA,
        state: 'LOGGED_IN',
        persistentAddress: '(null)',
        address: '10.0.0.9',
        port: '3261',
      }),
    ).toEqual({ sid: 7, target: pvcA, portal: '10.0.0.9:3261', state: 'LOGGED_IN' });
  });

  it('leaves out a session without target, portal, valid port or state', () => {
    const full = { targetname: pvcA, state: 'FAILED', persistentAddress: '10.0.1.5', persistentPort: '3260' };
    expect(parseSessionAttributes(2, full)?.state).toBe('FAILED');
    expect(parseSessionAttributes(2, { ...full, targetname: '(null)\n' })).toBeUndefined();
    expect(parseSessionAttributes(2, { ...full, persistentAddress: '(null)' })).toBeUndefined();
    expect(parseSessionAttributes(2, { ...full, persistentPort: '0' })).toBeUndefined();
    expect(parseSessionAttributes(2, { ...full, persistentPort: 'x' })).toBeUndefined();
    expect(parseSessionAttributes(2, { ...full, state: undefined })).toBeUndefined();
  });
});

describe('kernelSessions (fixture tree of a real sysfs layout)', () => {
  let fx: FixtureRoot;
  beforeEach(async () => {
    fx = await fixtureRoot('iscsi-sessions-sysfs.txt');
  });
  afterEach(async () => {
    await fx.remove();
  });

  it('lists logged-in, failed and IPv6 sessions like `iscsiadm -m session`, without one being set up', async () => {
    const files = withDownSockets(fx.files);
    expect(await kernelSessions(files)).toEqual([
      { sid: 1, target: pvcA, portal: '10.0.0.5:3260', state: 'LOGGED_IN' },
      { sid: 2, target: pvcA, portal: '10.0.1.5:3260', state: 'FAILED' },
      { sid: 3, target: pvcB, portal: '[fd00:10::5]:3260', state: 'LOGGED_IN' },
    ]);
    // The socket's attributes are never read while the persistent portal is there.
    expect(files.reads.filter((p) => /\/(address|port)$/.test(p))).toEqual([]);
  });

  it('reads only the target name of sessions to other targets', async () => {
    const files = withDownSockets(fx.files);
    expect((await kernelSessions(files, (t) => t === pvcB)).map((s) => s.sid)).toEqual([3]);
    expect(files.reads.filter((p) => p.includes('iscsi_connection'))).toEqual([
      '/sys/class/iscsi_connection/connection3:0/persistent_address',
      '/sys/class/iscsi_connection/connection3:0/persistent_port',
    ]);
  });

  it('leaves out a session whose connection has no portal yet, though its socket attributes fail', async () => {
    const session4 = join(fx.root, 'sys/devices/platform/host5/session4/iscsi_session/session4');
    await writeFile(join(session4, 'targetname'), `${pvcB}\n`);
    const files = withDownSockets(fx.files);
    expect((await kernelSessions(files)).map((s) => s.sid)).toEqual([1, 2, 3]);
    expect(files.reads).toContain('/sys/class/iscsi_connection/connection4:0/address');
  });

  it('leaves out a session removed while it is read, and fails on any other read error', async () => {
    const failing = (code: string): HostFiles =>
      Object.assign(Object.create(fx.files) as HostFiles, {
        async readText(path: string) {
          if (path.endsWith('/session3/state')) {
            throw Object.assign(new Error(`${code}: read '${path}'`), { code });
          }
          return fx.files.readText(path);
        },
      });
    expect((await kernelSessions(failing('ENODEV'))).map((s) => s.sid)).toEqual([1, 2]);
    await expect(kernelSessions(failing('EACCES'))).rejects.toThrow(/EACCES/);
  });

  it('finds no sessions where the iSCSI transport class is not loaded (no /sys/class/iscsi_session)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'opencsp-nosysfs-'));
    try {
      await mkdir(join(empty, 'sys/class'), { recursive: true });
      expect(await kernelSessions(new RootedHostFiles(empty))).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
