import { describe, expect, it } from 'vitest';
import { DriverError } from '../../src/errors.js';
import type { Clock } from '../../src/host/clock.js';
import { Iscsiadm } from '../../src/host/iscsiadm.js';
import { makeFilesystem, mkfsArgs, parseCreateOptions, validateCreateOptions } from '../../src/host/mkfs.js';
import { mount, remountBind } from '../../src/host/mount.js';
import { Multipath } from '../../src/host/multipath.js';
import { growMounted } from '../../src/host/resize.js';
import { fixture } from './fixtures.js';
import { ScriptedRunner } from './scripted-runner.js';

const clock: Clock = { now: () => 0, sleep: async () => {} };
const isIscsi = (fragment: string) => (cmd: string, args: readonly string[]) =>
  cmd === 'iscsiadm' && args.join(' ').includes(fragment);

async function caught(p: Promise<unknown>): Promise<DriverError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DriverError)) {
    throw new Error(`expected a DriverError, got ${String(err)}`);
  }
  return err;
}

describe('Iscsiadm', () => {
  it('treats 15 on login and 21 on logout, delete and listing as success', async () => {
    const runner = new ScriptedRunner()
      .on(isIscsi('--login'), { code: 15, stderr: 'iscsiadm: default: 1 session requested, but 1 already present.' })
      .on(isIscsi('--logout'), { code: 21, stderr: 'iscsiadm: No matching sessions found' })
      .on(isIscsi('-o delete'), { code: 21, stderr: 'iscsiadm: No records found' })
      .on(isIscsi('-m node'), { code: 21, stderr: 'iscsiadm: No records found' });
    const adm = new Iscsiadm(runner, clock);
    await adm.login('iqn.2000-01.com.example:t', '10.0.0.1:3260');
    await adm.logout('iqn.2000-01.com.example:t', '10.0.0.1:3260');
    await adm.deleteNode('iqn.2000-01.com.example:t', '10.0.0.1:3260');
    expect(await adm.nodes()).toEqual([]);
  });

  it('parses listings it runs', async () => {
    const runner = new ScriptedRunner().on(isIscsi('-m node'), { stdout: fixture('iscsiadm-node.txt') });
    const adm = new Iscsiadm(runner, clock);
    expect(await adm.nodes()).toHaveLength(3);
  });

  it.each([
    [
      24,
      'Unauthenticated',
      /^CHAP authentication failed; check chapUser\/chapPassword in the node-stage secret: iscsiadm .* exited 24: iscsiadm: Login failed/,
    ],
    [20, 'FailedPrecondition', /^iscsid not running on the host: /],
    [18, 'FailedPrecondition', /^iscsid not running on the host: /],
    [19, 'FailedPrecondition', /^the target refused the login/],
    [8, 'Unavailable', /^the portal did not answer/],
    [12, 'FailedPrecondition', /iscsi_tcp kernel module is not loaded/],
    [99, 'Internal', /^iscsiadm .* exited 99: /],
  ])('maps exit %i to %s', async (code, kind, message) => {
    const runner = new ScriptedRunner().on(isIscsi('--login'), { code, stderr: 'iscsiadm: Login failed for a reason' });
    const err = await caught(new Iscsiadm(runner, clock).login('iqn.2000-01.com.example:t', '10.0.0.1:3260'));
    expect(err.kind).toBe(kind);
    expect(err.message).toMatch(message);
  });

  it('rescans one session by its id', async () => {
    const runner = new ScriptedRunner();
    await new Iscsiadm(runner, clock).rescanSession(7);
    expect(runner.calls.map((c) => c.display)).toEqual(['iscsiadm -m session -r 7 --rescan']);
  });

  it('reports a hung iscsiadm as DeadlineExceeded', async () => {
    const runner = new ScriptedRunner().on(isIscsi('--login'), { timedOut: true });
    const err = await caught(new Iscsiadm(runner, clock).login('iqn.2000-01.com.example:t', '10.0.0.1:3260'));
    expect(err.kind).toBe('DeadlineExceeded');
  });

  it('retries "iSCSI database failure" (6) and hides secret values', async () => {
    const runner = new ScriptedRunner().on(
      isIscsi('-o update'),
      { code: 6, stderr: 'iscsiadm: encountered iSCSI database failure' },
      2,
    );
    const adm = new Iscsiadm(runner, clock);
    await adm.updateNode(
      'iqn.2000-01.com.example:t',
      '10.0.0.1:3260',
      'node.session.auth.password',
      'pa55word-xyz',
      true,
    );
    expect(runner.calls).toHaveLength(3);
    expect(runner.calls.map((c) => c.display).join('\n')).not.toContain('pa55word-xyz');
    expect(runner.calls[0]?.display).toMatch(/-n node.session.auth.password -v <redacted>$/);
  });
});

describe('Multipath', () => {
  it('reports "map in use" as FailedPrecondition and a bad resize answer as Internal', async () => {
    const runner = new ScriptedRunner()
      .on((c, a) => c === 'multipath' && a[0] === '-f', { code: 1, stderr: 'Jan 01 | mpatha: map in use' })
      .on((c, a) => c === 'multipathd' && a[0] === 'resize', { stdout: 'fail\n' })
      .on((c, a) => c === 'multipathd' && a[1] === 'maps', { stdout: fixture('multipathd-show-maps.txt') })
      .on((c, a) => c === 'multipathd' && a[1] === 'paths', { stdout: fixture('multipathd-show-paths.txt') })
      .on((c) => c === 'multipath', { stdout: fixture('multipath-ll.txt') });
    const mp = new Multipath(runner);
    const inUse = await caught(mp.flush('mpatha'));
    expect(inUse.kind).toBe('FailedPrecondition');
    expect(inUse.message).toBe(
      'multipath -f mpatha exited 1: Jan 01 | mpatha: map in use (something still holds the map)',
    );
    expect((await caught(mp.resize('mpatha'))).kind).toBe('Internal');
    expect((await mp.maps()).map((m) => m.name)).toEqual(['mpatha', 'mpathb']);
    expect((await mp.paths()).length).toBe(3);
    expect((await mp.topology('mpatha'))[0]?.paths).toHaveLength(2);
    expect(runner.calls.find((c) => c.args[1] === 'maps')?.args).toEqual(['show', 'maps', 'format', '%n %w %d %N %t']);
  });

  it('names multipathd when it is not reachable', async () => {
    const runner = new ScriptedRunner().on(() => true, { code: 1, stderr: 'ux_socket_connect: Connection refused' });
    const err = await caught(new Multipath(runner).maps());
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(
      /^is multipathd running on the host\?: multipathd show maps format .* exited 1: ux_socket_connect/,
    );
  });
});

describe('mkfs options', () => {
  it('tokenises fsCreateOptions without a shell', () => {
    expect(parseCreateOptions(`-L "my vol" -O ^has_journal  -E 'lazy_itable_init=0'`)).toEqual([
      '-L',
      'my vol',
      '-O',
      '^has_journal',
      '-E',
      'lazy_itable_init=0',
    ]);
    expect(parseCreateOptions('')).toEqual([]);
    expect(parseCreateOptions('-n ftype=1 $(reboot);x')).toEqual(['-n', 'ftype=1', '$(reboot);x']);
    expect(() => parseCreateOptions('-L "open')).toThrow(/unbalanced " quote/);
    expect(() => parseCreateOptions('-L a\nb')).toThrow(/control characters/);
  });

  it('refuses force flags and leading non-options', () => {
    expect(() => validateCreateOptions('ext4', ['-F'])).toThrow(/must not contain -F/);
    expect(() => validateCreateOptions('xfs', ['-m', 'crc=1', '--force'])).toThrow(/must not contain --force/);
    expect(() => validateCreateOptions('btrfs', ['/dev/sda'])).toThrow(/must start with an option/);
    expect(() => validateCreateOptions('ext4', ['-b', '4096'])).not.toThrow();
  });

  it('adds -m 0 to ext4 unless the options set a reserve, and never kills mkfs on a timer', async () => {
    expect(mkfsArgs('ext4', '/dev/x', [])).toEqual(['-q', '-m', '0', '/dev/x']);
    expect(mkfsArgs('ext4', '/dev/x', ['-m', '5'])).toEqual(['-q', '-m', '5', '/dev/x']);
    expect(mkfsArgs('xfs', '/dev/x', ['-K'])).toEqual(['-q', '-K', '/dev/x']);
    const runner = new ScriptedRunner();
    const seen: unknown[] = [];
    const spy = {
      run: (cmd: string, args: readonly string[], o?: { timeoutMs?: number | null }) => {
        seen.push(o?.timeoutMs);
        return runner.run(cmd, args);
      },
    };
    await makeFilesystem(spy, 'btrfs', '/dev/x', []);
    expect(seen).toEqual([null]);
  });
});

describe('mount', () => {
  it('shows well-known flags and hides anything else', async () => {
    const runner = new ScriptedRunner();
    await mount(runner, { source: '/dev/x', target: '/m', fsType: 'xfs', options: ['noatime', 'nouuid'] });
    await mount(runner, {
      source: '/dev/x',
      target: '/m',
      fsType: 'ext4',
      options: ['noatime', 'journal_checksum', 'data=journal'],
    });
    await remountBind(runner, '/m', ['ro', 'nosuid']);
    expect(runner.calls.map((c) => c.display)).toEqual([
      'mount -t xfs -o noatime,nouuid /dev/x /m',
      'mount -t ext4 -o <redacted> /dev/x /m',
      'mount -o remount,bind,ro,nosuid /m',
    ]);
  });

  it('reports a failed mount with the command and its message', async () => {
    const runner = new ScriptedRunner().on(() => true, {
      code: 32,
      stderr:
        'mount: /m: wrong fs type, bad option, bad superblock on /dev/x, missing codepage or helper program, or other error.',
    });
    const err = await caught(mount(runner, { source: '/dev/x', target: '/m', fsType: 'ext4' }));
    expect(err.message).toMatch(
      /^mounting \/dev\/x at \/m: mount -t ext4 \/dev\/x \/m exited 32: mount: \/m: wrong fs type/,
    );
  });
});

describe('growMounted', () => {
  it('turns the EPERM of online ext4 resize into FailedPrecondition with the real message', async () => {
    const runner = new ScriptedRunner().on(() => true, { code: 1, stderr: fixture('resize2fs-eperm.txt') });
    const err = await caught(growMounted(runner, 'ext4', '/dev/loop0', '/m'));
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(
      /resize2fs \/dev\/loop0 exited 1: resize2fs: Permission denied to resize filesystem\).*CAP_SYS_RESOURCE/,
    );
  });

  it('grows xfs and btrfs by mount point', async () => {
    const runner = new ScriptedRunner();
    await growMounted(runner, 'xfs', '/dev/x', '/m');
    await growMounted(runner, 'btrfs', '/dev/x', '/m');
    expect(runner.calls.map((c) => c.display)).toEqual(['xfs_growfs /m', 'btrfs filesystem resize max /m']);
  });
});
